package dev.quiesce.aws.dynamodb;

import static dev.quiesce.aws.dynamodb.Values.failure;
import static dev.quiesce.aws.dynamodb.Values.instant;
import static dev.quiesce.aws.dynamodb.Values.instantOf;
import static dev.quiesce.aws.dynamodb.Values.longOf;
import static dev.quiesce.aws.dynamodb.Values.n;
import static dev.quiesce.aws.dynamodb.Values.s;

import dev.quiesce.Arrival;
import dev.quiesce.KeyDigest;
import dev.quiesce.StoreException;
import dev.quiesce.Tally;
import dev.quiesce.port.Counting;
import dev.quiesce.port.TallyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * A {@link TallyStore} in one DynamoDB table with one item per object key, so no item grows with the
 * dataset and a new object costs the same two write units whether the dataset holds ten objects or ten
 * million. Exact with single-item conditional writes only (no transactions, no streams).
 *
 * <p><b>Items.</b> The partition key {@code pk} is {@code <datasetId>#<shard>} (shard = a hash of the key
 * mod {@code shards}), the sort key {@code sk} names the item:
 * <ul>
 *   <li><b>head</b> ({@code sk} = a 128-bit digest of the object key): the key's latest version (kind, size,
 *       event time, dedupe token, S3 sequencer, records, its term of the key-set digest), how many distinct
 *       arrivals the key had ({@code n}), the digests of their tokens, and the <em>change</em> the latest of
 *       them made: its position {@code at} (the store's clock when it wrote, in microseconds) and its
 *       deltas {@code d} (objects, bytes, removals, records, digest, event time, seen time);
 *   <li><b>spill</b> ({@code sk} = {@code <digest>#<n>}): a head's change as it was before the key's next
 *       arrival replaced it, kept at its old position;
 *   <li><b>counters</b> ({@code pk} = the dataset id, {@code sk} = {@value #COUNTERS_SK}): the sum of every
 *       change up to a position {@code w}, the <em>fold mark</em>.
 * </ul>
 * A local secondary index {@value #CHANGES_INDEX} orders heads and spills of a shard by {@code at} and
 * projects only {@code d}; local, so it is read strongly consistently, and written in the same atomic
 * write as its item.
 *
 * <p><b>Recording.</b> A key never seen is one conditional {@code PutItem} of its head ({@code sk} must not
 * exist): one write unit and one index write. Otherwise the store reads the head, and a token it already
 * holds is a redelivery that changes nothing. Else {@link Counting} says what the arrival changes, the
 * head's current change is copied to its spill (an idempotent put) and the head is replaced on condition
 * that {@code n} is still the one read; a lost race reads again. Every write is its own commit, so a crash
 * between any two of them leaves a state the redelivery completes: a spill without the head's update is
 * a copy of a change still in the head (the fold counts a change once by key and {@code n}), and a head
 * written is the arrival recorded.
 *
 * <p><b>Reading.</b> {@link #tally} reads the counters and, from each shard's index, the changes after the
 * fold mark (one consistent query per shard): counters plus those changes is the tally, exact. Changes
 * older than the <em>settle</em> time it then folds into the counters with one conditional put on the
 * mark it read (a concurrent reader that folded first wins; the loser's answer is still right). So a check
 * reads what arrived since the last fold, not the dataset, and writes one small item when anything new has
 * settled. Folding assumes a write commits within the settle time of the position it took (the store
 * takes the position right before the request; a request lives seconds, the default settle is
 * {@link #DEFAULT_SETTLE}), and that the clocks of processes sharing a table agree to well within it.
 *
 * <p><b>Limits.</b> A shard is one partition key value with a local index: DynamoDB keeps it in one
 * partition (1,000 write units a second, so about 500 new objects a second per shard) of at most 10 GB
 * (about 25 million objects per shard at ≈ 400 bytes of item and index entry each).
 *
 * <p><b>Expiry.</b> With a retention, every item of an expiring dataset (a date of a dated prefix) gets
 * {@value #EXPIRY_ATTRIBUTE} = its write's time plus the retention, in epoch seconds, for DynamoDB's time
 * to live. Items of other datasets never expire.
 *
 * <p>Thread-safe and safe across processes sharing the table. SDK failures surface as
 * {@link StoreException} with the SDK exception as cause.
 */
public final class DynamoDbTallyStore implements TallyStore {

    /** Shards per dataset unless the builder says otherwise. */
    public static final int DEFAULT_SHARDS = 4;
    /** The most shards a dataset may be spread over. */
    public static final int MAX_SHARDS = 1024;
    /** How old a change must be before a read folds it into the counters. */
    public static final Duration DEFAULT_SETTLE = Duration.ofMinutes(2);
    /** The attribute DynamoDB's time to live reads (epoch seconds); the table's TTL must name it. */
    public static final String EXPIRY_ATTRIBUTE = "expiresAt";
    /** The local index of changes by position. */
    public static final String CHANGES_INDEX = "changes";

    static final String PK = "pk";
    static final String SK = "sk";
    static final String AT = "at";
    static final String DELTA = "d";
    static final String COUNTERS_SK = "#tally";

    // head state
    private static final String KIND = "k";
    private static final String SIZE = "s";
    private static final String TIME = "t";
    private static final String TOKEN = "v";
    private static final String SEQUENCER = "q";
    private static final String RECORDS = "c";
    private static final String DIGEST_TERM = "h";
    private static final String VERSIONS = "n";
    private static final String SEEN = "e";
    private static final String SAME_AS_TOKEN = "=";
    // counters
    private static final String MARK = "w";
    private static final String TOTALS = "totals";

    private static final int KEY_DIGEST_BYTES = 16;
    private static final int TOKEN_DIGEST_BYTES = 12;
    private static final int MAX_ATTEMPTS = 100;

    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbTallyStore.class);

    private final DynamoDbClient client;
    private final String table;
    private final int shards;
    private final Duration retention;
    private final Predicate<String> expiring;
    private final Duration settle;
    private final Clock clock;

    private DynamoDbTallyStore(Builder b) {
        this.client = Objects.requireNonNull(b.client, "client");
        this.table = Objects.requireNonNull(b.table, "tableName");
        this.shards = b.shards;
        this.retention = b.retention;
        this.expiring = b.expiring;
        this.settle = b.settle;
        this.clock = b.clock;
    }

    /** A store over an existing table (see {@link #createTable}) with {@value #DEFAULT_SHARDS} shards. */
    public DynamoDbTallyStore(DynamoDbClient client, String tableName) {
        this(builder(client, tableName));
    }

    /**
     * A store over an existing table.
     *
     * @param shards partition key values each dataset is spread over; every process sharing the table must
     *     use the same number
     * @throws IllegalArgumentException if {@code shards} is not in [1, {@value #MAX_SHARDS}]
     */
    public DynamoDbTallyStore(DynamoDbClient client, String tableName, int shards) {
        this(builder(client, tableName).shards(shards));
    }

    /**
     * A store whose items of expiring datasets expire {@code retention} after their last write.
     *
     * @param retention how long items are kept after their last write, or {@code null} to keep them
     * @param expiring which dataset ids expire (for example the dates of a dated prefix)
     */
    public DynamoDbTallyStore(DynamoDbClient client, String tableName, int shards, Duration retention,
                              Predicate<String> expiring) {
        this(builder(client, tableName).shards(shards).retention(retention, expiring));
    }

    /** A builder over an existing table. */
    public static Builder builder(DynamoDbClient client, String tableName) {
        return new Builder(client, tableName);
    }

    /**
     * Creates the table unless it exists (partition key {@code pk}, sort key {@code sk}, both strings; the
     * local index {@value #CHANGES_INDEX} on {@code at}, a number, projecting {@code d}; on-demand billing),
     * waits until it is active, and turns on time to live over {@value #EXPIRY_ATTRIBUTE} where offered.
     *
     * @throws StoreException if DynamoDB refuses
     */
    public static void createTable(DynamoDbClient client, String tableName) {
        boolean created = Values.createAndWait(client, tableName, CreateTableRequest.builder()
                .tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        attribute(PK, ScalarAttributeType.S), attribute(SK, ScalarAttributeType.S),
                        attribute(AT, ScalarAttributeType.N))
                .keySchema(key(PK, KeyType.HASH), key(SK, KeyType.RANGE))
                .localSecondaryIndexes(LocalSecondaryIndex.builder().indexName(CHANGES_INDEX)
                        .keySchema(key(PK, KeyType.HASH), key(AT, KeyType.RANGE))
                        .projection(Projection.builder().projectionType(ProjectionType.INCLUDE)
                                .nonKeyAttributes(DELTA).build())
                        .build())
                .build());
        boolean expiry = Values.enableExpiry(client, tableName, EXPIRY_ATTRIBUTE);
        LOG.info("dynamodb.table_ready table={} kind=tally created={} ttl={}", tableName, created, expiry);
    }

    private static AttributeDefinition attribute(String name, ScalarAttributeType type) {
        return AttributeDefinition.builder().attributeName(name).attributeType(type).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    /** Shards per dataset. */
    public int shards() {
        return shards;
    }

    // ------------------------------------------------------------------------------------ recording

    @Override
    public Effect record(String datasetId, Arrival arrival, Instant seenAt) {
        Objects.requireNonNull(datasetId, "datasetId");
        Objects.requireNonNull(arrival, "arrival");
        Objects.requireNonNull(seenAt, "seenAt");
        String keyDigest = Values.digest(arrival.key(), KEY_DIGEST_BYTES);
        String pk = shardKey(datasetId, shardOf(keyDigest));
        String token = Values.digest(arrival.dedupeToken(), TOKEN_DIGEST_BYTES);
        Map<String, AttributeValue> head = null;
        boolean read = false;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            if (read) {
                head = readHead(pk, keyDigest);
            }
            read = true;
            if (head != null && head.get(SEEN).ss().contains(token)) {
                LOG.debug("tally.duplicate dataset={} key={}", datasetId, arrival.key());
                return Effect.DUPLICATE;
            }
            Arrival current = head == null ? null : versionOf(head, arrival);
            long currentTerm = head == null ? 0 : longOf(head.get(DIGEST_TERM));
            Counting.Change change = Counting.apply(current, currentTerm, arrival);
            // a superseded arrival leaves the current version, whose listing version the head does not keep
            long latestTerm = change.latest() == current ? currentTerm : KeyDigest.of(change.latest());
            if (head != null) {
                spill(head);
            }
            if (putHead(datasetId, pk, keyDigest, head, change, latestTerm, token, arrival.eventTime(), seenAt)) {
                LOG.debug("tally.recorded dataset={} key={} size={} effect={} attempts={}", datasetId,
                        arrival.key(), arrival.size(), change.effect(), attempt);
                return change.effect();
            }
            LOG.debug("tally.race_lost dataset={} key={} attempt={}", datasetId, arrival.key(), attempt);
        }
        throw new StoreException("DynamoDB tally of dataset '" + datasetId + "' in table '" + table
                + "': gave up recording key '" + arrival.key() + "' after " + MAX_ATTEMPTS + " lost races");
    }

    /** The key's head, read consistently; {@code null} if the key was never recorded. */
    private Map<String, AttributeValue> readHead(String pk, String keyDigest) {
        GetItemResponse r;
        try {
            r = client.getItem(b -> b.tableName(table).key(Map.of(PK, s(pk), SK, s(keyDigest))).consistentRead(true));
        } catch (SdkException e) {
            throw failure("GetItem (tally head in " + pk + ")", table, e);
        }
        return r.hasItem() && !r.item().isEmpty() ? r.item() : null;
    }

    /** Keeps the head's change at its position before the head moves on: a put of the same item each time. */
    private void spill(Map<String, AttributeValue> head) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, head.get(PK));
        item.put(SK, s(head.get(SK).s() + "#" + head.get(VERSIONS).n()));
        item.put(AT, head.get(AT));
        item.put(DELTA, head.get(DELTA));
        if (head.get(EXPIRY_ATTRIBUTE) != null) {
            item.put(EXPIRY_ATTRIBUTE, head.get(EXPIRY_ATTRIBUTE));
        }
        try {
            client.putItem(b -> b.tableName(table).item(item));
        } catch (SdkException e) {
            throw failure("PutItem (tally spill in " + head.get(PK).s() + ")", table, e);
        }
    }

    /** The key's new head, on condition it is still the head read. {@code false} on a lost race. */
    private boolean putHead(String datasetId, String pk, String keyDigest, Map<String, AttributeValue> head,
                            Counting.Change change, long latestTerm, String token, Instant eventTime, Instant seenAt) {
        Arrival latest = change.latest();
        long versions = head == null ? 0 : longOf(head.get(VERSIONS));
        Set<String> seen = new LinkedHashSet<>(head == null ? List.of() : head.get(SEEN).ss());
        seen.add(token);
        Instant now = clock.instant();
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, s(pk));
        item.put(SK, s(keyDigest));
        item.put(KIND, s(latest.kind() == Arrival.Kind.REMOVED ? "R" : "C"));
        item.put(SIZE, n(latest.size()));
        item.put(TIME, instant(latest.eventTime()));
        item.put(TOKEN, s(latest.dedupeToken()));
        if (latest.sequencer() != null) {
            item.put(SEQUENCER, s(latest.sequencer().equals(latest.dedupeToken()) ? SAME_AS_TOKEN : latest.sequencer()));
        }
        if (latest.records() != Arrival.UNCOUNTED) {
            item.put(RECORDS, n(latest.records()));
        }
        item.put(DIGEST_TERM, n(latestTerm));
        item.put(VERSIONS, n(versions + 1));
        item.put(SEEN, AttributeValue.fromSs(new ArrayList<>(seen)));
        item.put(AT, n(micros(now)));
        item.put(DELTA, s(new Delta(versions + 1, change.objects(), change.bytes(), change.removals(),
                change.records(), change.digest(), eventTime, seenAt).encode()));
        expire(datasetId, item, now);
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        String condition;
        if (head == null) {
            names.put("#sk", SK);
            condition = "attribute_not_exists(#sk)";
        } else {
            names.put("#n", VERSIONS);
            values.put(":n", n(versions));
            condition = "#n = :n";
        }
        try {
            client.putItem(b -> b.tableName(table).item(item).conditionExpression(condition)
                    .expressionAttributeNames(names).expressionAttributeValues(values.isEmpty() ? null : values));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        } catch (SdkException e) {
            throw failure("PutItem (tally head in " + pk + ")", table, e);
        }
    }

    private void expire(String datasetId, Map<String, AttributeValue> item, Instant now) {
        if (retention != null && expiring.test(datasetId)) {
            item.put(EXPIRY_ATTRIBUTE, n(now.plus(retention).getEpochSecond()));
        }
    }

    /** The key's latest recorded version, as an arrival for {@link Counting#apply}. */
    private static Arrival versionOf(Map<String, AttributeValue> head, Arrival arrival) {
        Arrival.Kind kind = "R".equals(head.get(KIND).s()) ? Arrival.Kind.REMOVED : Arrival.Kind.CREATED;
        String token = head.get(TOKEN).s();
        String q = Values.stringOf(head, SEQUENCER);
        return new Arrival(kind, arrival.bucket(), arrival.key(), longOf(head.get(SIZE)), instantOf(head.get(TIME)),
                token, head.get(RECORDS) == null ? Arrival.UNCOUNTED : longOf(head.get(RECORDS)),
                SAME_AS_TOKEN.equals(q) ? token : q, null);
    }

    // ------------------------------------------------------------------------------------ reading

    @Override
    public Tally tally(String datasetId) {
        Objects.requireNonNull(datasetId, "datasetId");
        long settledTo = micros(clock.instant().minus(settle));
        Map<String, AttributeValue> counters = readCounters(datasetId);
        Long mark = counters == null ? null : longOf(counters.get(MARK));
        Totals folded = counters == null ? Totals.ZERO : Totals.decode(counters.get(TOTALS).s());
        Totals settled = folded;
        Totals all = folded;
        Set<String> counted = new HashSet<>();
        for (int shard = 0; shard < shards; shard++) {
            for (Map<String, AttributeValue> item : changesAfter(shardKey(datasetId, shard), mark)) {
                Delta d = Delta.decode(item.get(DELTA).s());
                String sk = item.get(SK).s();
                int hash = sk.indexOf('#');
                // a spill and the head it was copied from, both read: one change
                if (!counted.add((hash < 0 ? sk : sk.substring(0, hash)) + "#" + d.n())) {
                    continue;
                }
                all = all.plus(d);
                if (longOf(item.get(AT)) <= settledTo) {
                    settled = settled.plus(d);
                }
            }
        }
        if (settled != folded && (mark == null || settledTo > mark)) {
            fold(datasetId, mark, settledTo, settled);
        }
        return all.tally();
    }

    private Map<String, AttributeValue> readCounters(String datasetId) {
        try {
            GetItemResponse r = client.getItem(b -> b.tableName(table)
                    .key(Map.of(PK, s(datasetId), SK, s(COUNTERS_SK))).consistentRead(true));
            return r.hasItem() && !r.item().isEmpty() ? r.item() : null;
        } catch (SdkException e) {
            throw failure("GetItem (tally counters of " + datasetId + ")", table, e);
        }
    }

    /** A shard's heads and spills after the mark, in position order, read consistently page by page. */
    private List<Map<String, AttributeValue>> changesAfter(String pk, Long mark) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse r;
            try {
                r = client.query(b -> {
                    b.tableName(table).indexName(CHANGES_INDEX).consistentRead(true)
                            .projectionExpression("#sk, #at, #d")
                            .exclusiveStartKey(from);
                    if (mark == null) {
                        b.keyConditionExpression("#pk = :pk")
                                .expressionAttributeNames(Map.of("#pk", PK, "#sk", SK, "#at", AT, "#d", DELTA))
                                .expressionAttributeValues(Map.of(":pk", s(pk)));
                    } else {
                        b.keyConditionExpression("#pk = :pk AND #at > :w")
                                .expressionAttributeNames(Map.of("#pk", PK, "#sk", SK, "#at", AT, "#d", DELTA))
                                .expressionAttributeValues(Map.of(":pk", s(pk), ":w", n(mark)));
                    }
                });
            } catch (SdkException e) {
                throw failure("Query (tally changes in " + pk + ", index " + CHANGES_INDEX + ")", table, e);
            }
            items.addAll(r.items());
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
        return items;
    }

    /**
     * Moves the counters to the settled sum, on condition nobody moved the mark since it was read. Losing
     * that race, or failing, costs nothing but a later fold: the answer in hand is right either way.
     */
    private void fold(String datasetId, Long mark, long settledTo, Totals settled) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, s(datasetId));
        item.put(SK, s(COUNTERS_SK));
        item.put(MARK, n(settledTo));
        item.put(TOTALS, s(settled.encode()));
        expire(datasetId, item, clock.instant());
        try {
            if (mark == null) {
                client.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(#sk)")
                        .expressionAttributeNames(Map.of("#sk", SK)));
            } else {
                client.putItem(b -> b.tableName(table).item(item).conditionExpression("#w = :w")
                        .expressionAttributeNames(Map.of("#w", MARK)).expressionAttributeValues(Map.of(":w", n(mark))));
            }
            LOG.debug("tally.folded dataset={} mark={}", datasetId, settledTo);
        } catch (ConditionalCheckFailedException e) {
            LOG.debug("tally.fold_lost dataset={}", datasetId);
        } catch (SdkException e) {
            LOG.warn("tally.fold_failed dataset={} table={} error={}", datasetId, table, e.toString());
        }
    }

    /** One consistent read of each listed key's head. */
    @Override
    public Set<String> present(String datasetId, Collection<String> keys) {
        Objects.requireNonNull(datasetId, "datasetId");
        Set<String> found = new LinkedHashSet<>();
        for (String k : keys) {
            String keyDigest = Values.digest(k, KEY_DIGEST_BYTES);
            Map<String, AttributeValue> head = readHead(shardKey(datasetId, shardOf(keyDigest)), keyDigest);
            if (head != null && !"R".equals(head.get(KIND).s())) {
                found.add(k);
            }
        }
        return found;
    }

    /**
     * Not supported: this store keeps object keys only as digests, so it can test the keys a producer
     * lists but cannot tell which keys fall under a prefix.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public long presentUnder(String datasetId, String prefix) {
        throw new UnsupportedOperationException("the DynamoDB tally store keeps keys only as digests and cannot"
                + " count keys under a prefix; list the producer's keys in its manifest instead");
    }

    /** The shard an object key's digest belongs to. */
    private int shardOf(String keyDigest) {
        return Math.floorMod(keyDigest.hashCode(), shards);
    }

    static String shardKey(String datasetId, int shard) {
        return datasetId + "#" + shard;
    }

    private static long micros(Instant t) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, t);
    }

    // ------------------------------------------------------------------------------------ encodings

    /**
     * What one change did, as the index projects it: {@code n;objects;bytes;removals;records;digest;event
     * time;seen time}, instants as decimal epoch seconds. One string keeps the index entry small.
     */
    record Delta(long n, long objects, long bytes, long removals, long records, long digest, Instant eventTime,
                 Instant seenAt) {

        String encode() {
            return n + ";" + objects + ";" + bytes + ";" + removals + ";" + records + ";" + digest + ";"
                    + instant(eventTime).n() + ";" + instant(seenAt).n();
        }

        static Delta decode(String s) {
            String[] f = s.split(";", -1);
            if (f.length != 8) {
                throw new StoreException("tally change '" + s + "' is not n;objects;bytes;removals;records;digest;"
                        + "eventTime;seenAt");
            }
            return new Delta(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
                    Long.parseLong(f[4]), Long.parseLong(f[5]), instantOf(AttributeValue.fromN(f[6])),
                    instantOf(AttributeValue.fromN(f[7])));
        }
    }

    /** Sums of changes: the counters item's {@value #TOTALS}, and a tally being read. */
    record Totals(long objects, long bytes, long removals, long changes, long records, long digest, Instant first,
                  Instant last, Instant seen) {

        static final Totals ZERO = new Totals(0, 0, 0, 0, 0, 0, null, null, null);

        Totals plus(Delta d) {
            return new Totals(objects + d.objects(), bytes + d.bytes(), removals + d.removals(), changes + 1,
                    records + d.records(), digest + d.digest(), min(first, d.eventTime()), max(last, d.eventTime()),
                    max(seen, d.seenAt()));
        }

        Tally tally() {
            return changes == 0 ? Tally.EMPTY
                    : new Tally(objects, bytes, removals, changes, first, last, records, seen, digest);
        }

        String encode() {
            return objects + ";" + bytes + ";" + removals + ";" + changes + ";" + records + ";" + digest + ";"
                    + time(first) + ";" + time(last) + ";" + time(seen);
        }

        static Totals decode(String s) {
            String[] f = s.split(";", -1);
            if (f.length != 9) {
                throw new StoreException("tally counters '" + s + "' are not nine fields");
            }
            return new Totals(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
                    Long.parseLong(f[4]), Long.parseLong(f[5]), timeOf(f[6]), timeOf(f[7]), timeOf(f[8]));
        }

        private static String time(Instant t) {
            return t == null ? "" : instant(t).n();
        }

        private static Instant timeOf(String f) {
            return f.isEmpty() ? null : instantOf(AttributeValue.fromN(f));
        }

        private static Instant min(Instant a, Instant b) {
            return a == null || b.isBefore(a) ? b : a;
        }

        private static Instant max(Instant a, Instant b) {
            return a == null || b.isAfter(a) ? b : a;
        }
    }

    /** Configures a {@link DynamoDbTallyStore}. */
    public static final class Builder {
        private final DynamoDbClient client;
        private final String table;
        private int shards = DEFAULT_SHARDS;
        private Duration retention;
        private Predicate<String> expiring = id -> false;
        private Duration settle = DEFAULT_SETTLE;
        private Clock clock = Clock.systemUTC();

        private Builder(DynamoDbClient client, String table) {
            this.client = client;
            this.table = table;
        }

        /** Partition key values per dataset: about 500 new objects a second each. */
        public Builder shards(int n) {
            if (n < 1 || n > MAX_SHARDS) {
                throw new IllegalArgumentException("shards must be in [1, " + MAX_SHARDS + "], was " + n);
            }
            this.shards = n;
            return this;
        }

        /** Items of datasets {@code expiring} accepts expire {@code retention} after their last write. */
        public Builder retention(Duration retention, Predicate<String> expiring) {
            if (retention != null && (retention.isZero() || retention.isNegative())) {
                throw new IllegalArgumentException("retention must be positive, was " + retention);
            }
            this.retention = retention;
            this.expiring = Objects.requireNonNull(expiring, "expiring");
            return this;
        }

        /** How old a change must be before a read folds it (longer than any write's life, plus clock skew). */
        public Builder settle(Duration settle) {
            if (settle.isNegative()) {
                throw new IllegalArgumentException("settle must not be negative, was " + settle);
            }
            this.settle = settle;
            return this;
        }

        /** The clock positions and folds are taken on. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public DynamoDbTallyStore build() {
            return new DynamoDbTallyStore(this);
        }
    }
}
