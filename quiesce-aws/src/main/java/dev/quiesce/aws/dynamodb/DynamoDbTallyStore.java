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
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * A {@link TallyStore} in one DynamoDB table: each dataset's tally is spread over {@code shards} items,
 * and every arrival is counted with one conditional {@code UpdateItem}, without transactions.
 *
 * <p><b>Items.</b> The partition key {@code pk} is {@code <datasetId>#<shard>}; an object key goes to shard
 * {@code hash(key) mod shards}, so a busy dataset writes to many partitions, not one. A shard item holds
 * the shard's counters ({@code objects}, {@code bytes}, {@code removals}, {@code changeSeq},
 * {@code firstArrival}, {@code lastArrival}, {@code lastSeen} on the monitor's clock, and {@code digest}, the
 * shard's share of the key-set digest) and, in the map {@code keys}, one entry per object key seen
 * (named by a 128-bit digest of the key): the latest version's kind, size, event time, dedupe token, S3
 * sequencer (as {@code =} when it is the token) and its term of the key-set digest,
 * the number of distinct versions seen, and the set of 96-bit digests of every token seen for the key.
 *
 * <p><b>Counting.</b> Recording reads the key's entry (a consistent, projected {@code GetItem}), applies
 * {@link Counting} to it and writes the new entry and the counter deltas in one {@code UpdateItem} whose
 * condition is that the entry is unchanged (its version count is the one read) and, when the arrival
 * widens the first or last arrival time, that nobody widened it further meanwhile. A lost race re-reads
 * and tries again. A redelivery finds its token digest in the key's set and changes nothing, so
 * recording is idempotent and atomic per arrival. Shard items are created once, on first use, with a
 * conditional {@code PutItem} (a nested map path cannot be set on a missing item), and remembered.
 *
 * <p><b>Size.</b> A key entry takes about 120 bytes for an S3 event (its 32-digit padded sequencer as token
 * and order, its digest term, one version per key; measured: 119), plus 16 bytes per further version of the
 * key; the object key itself is stored only as its digest, so its length does not count. A shard
 * therefore holds about 2,900 keys before 350 KB, and the default of {@value #DEFAULT_SHARDS} shards about
 * 46,000 keys per dataset. Choose {@code shards} from the keys a dataset may hold, not from its write rate
 * alone: DynamoDB charges a write by the item's size (one write unit per started KB) and a strongly
 * consistent read by started 4 KB, so fewer, fuller shards make each arrival dearer and more shards make
 * each tally read dearer. An item over 400 KB is refused by DynamoDB and surfaces as a
 * {@link StoreException} saying so.
 *
 * <p><b>Reading.</b> {@link #tally} sums the shards read with consistent {@code BatchGetItem}s (100 keys
 * each, unprocessed keys retried). {@link TallyStore#record} does not read the tally back, so an arrival
 * costs no shard reads beyond its own.
 *
 * <p><b>Expiry.</b> With a retention, every write to a tally of an expiring dataset (a date of a dated prefix)
 * sets the shard's {@value #EXPIRY_ATTRIBUTE} to the write's time plus the retention, in epoch seconds, so
 * DynamoDB's time to live removes a day's tally once nothing has landed in it for that long. Tallies of
 * other datasets never expire: an undated dataset's tally is everything it holds, ever.
 *
 * <p>Thread-safe and safe across processes sharing the table. SDK failures surface as
 * {@link StoreException} with the SDK exception as cause.
 */
public final class DynamoDbTallyStore implements TallyStore {

    /** Shards per dataset unless the constructor says otherwise. */
    public static final int DEFAULT_SHARDS = 16;
    /** The most shards a dataset may be spread over. */
    public static final int MAX_SHARDS = 1024;

    /** The attribute DynamoDB's time to live reads (epoch seconds); the table's TTL must name it. */
    public static final String EXPIRY_ATTRIBUTE = "expiresAt";

    static final String PK = "pk";
    static final String KEYS = "keys";
    private static final String DATASET = "dataset";
    private static final String SHARD = "shard";
    private static final String OBJECTS = "objects";
    private static final String BYTES = "bytes";
    private static final String REMOVALS = "removals";
    private static final String CHANGE_SEQ = "changeSeq";
    private static final String RECORDS = "records";
    /** Counted records of a key's latest version; absent when uncounted. */
    private static final String KEY_RECORDS = "c";
    private static final String FIRST = "firstArrival";
    private static final String LAST = "lastArrival";
    /** When a monitor last recorded a distinct arrival into the shard, on its own clock. */
    private static final String SEEN_AT = "lastSeen";
    /** The shard's part of the key-set digest: a sum DynamoDB never wraps, taken mod 2^64 when read. */
    private static final String DIGEST = "digest";
    // fields of a key entry
    private static final String KIND = "k";
    private static final String SIZE = "s";
    private static final String TIME = "t";
    private static final String TOKEN = "v";
    private static final String VERSIONS = "n";
    private static final String SEEN = "d";
    private static final String SEQUENCER = "q";
    /** The latest version's term of the key-set digest: what an overwrite or removal subtracts. */
    private static final String DIGEST_TERM = "h";
    private static final String SAME_AS_TOKEN = "=";

    private static final int KEY_DIGEST_BYTES = 16;
    private static final int TOKEN_DIGEST_BYTES = 12;
    private static final int MAX_ATTEMPTS = 100;
    private static final int BATCH_GET_LIMIT = 100;

    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbTallyStore.class);

    private final DynamoDbClient client;
    private final String table;
    private final int shards;
    private final Duration retention;
    private final Predicate<String> expiring;
    private final Set<String> knownShards = ConcurrentHashMap.newKeySet();

    /**
     * A store over an existing table (see {@link #createTable}).
     *
     * @param client the client to use; the store does not close it
     * @param tableName the table
     * @param shards items each dataset's tally is spread over; every process sharing the table must use
     *     the same number
     * @throws IllegalArgumentException if {@code shards} is not in [1, {@value #MAX_SHARDS}]
     */
    public DynamoDbTallyStore(DynamoDbClient client, String tableName, int shards) {
        this(client, tableName, shards, null, datasetId -> false);
    }

    /**
     * A store whose tallies of expiring datasets expire {@code retention} after their last write.
     *
     * @param client the client to use; the store does not close it
     * @param tableName the table
     * @param shards items each dataset's tally is spread over (see above)
     * @param retention how long a tally is kept after its last write, or {@code null} to keep every tally
     * @param expiring which dataset ids expire (for example the dates of a dated prefix)
     * @throws IllegalArgumentException if {@code shards} is not in [1, {@value #MAX_SHARDS}] or the retention
     *     is not positive
     */
    public DynamoDbTallyStore(DynamoDbClient client, String tableName, int shards, Duration retention,
                              Predicate<String> expiring) {
        this.client = Objects.requireNonNull(client, "client");
        this.table = Objects.requireNonNull(tableName, "tableName");
        if (shards < 1 || shards > MAX_SHARDS) {
            throw new IllegalArgumentException("shards must be in [1, " + MAX_SHARDS + "], was " + shards);
        }
        if (retention != null && (retention.isZero() || retention.isNegative())) {
            throw new IllegalArgumentException("retention must be positive, was " + retention);
        }
        this.shards = shards;
        this.retention = retention;
        this.expiring = Objects.requireNonNull(expiring, "expiring");
    }

    /** A store over an existing table with {@value #DEFAULT_SHARDS} shards per dataset. */
    public DynamoDbTallyStore(DynamoDbClient client, String tableName) {
        this(client, tableName, DEFAULT_SHARDS);
    }

    /**
     * Creates the table (partition key {@code pk}, string; on-demand billing) unless it exists, waits
     * until it is active, and turns on time to live over {@value #EXPIRY_ATTRIBUTE} where the service
     * offers it.
     *
     * @throws StoreException if DynamoDB refuses
     */
    public static void createTable(DynamoDbClient client, String tableName) {
        boolean created = Values.createAndWait(client, tableName, CreateTableRequest.builder()
                .tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder().attributeName(PK)
                        .attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName(PK).keyType(KeyType.HASH).build())
                .build());
        boolean expiry = Values.enableExpiry(client, tableName, EXPIRY_ATTRIBUTE);
        LOG.info("dynamodb.table_ready table={} kind=tally created={} ttl={}", tableName, created, expiry);
    }

    /** Shards per dataset. */
    public int shards() {
        return shards;
    }

    @Override
    public Effect record(String datasetId, Arrival arrival, Instant seenAt) {
        Objects.requireNonNull(datasetId, "datasetId");
        Objects.requireNonNull(arrival, "arrival");
        Objects.requireNonNull(seenAt, "seenAt");
        String keyDigest = Values.digest(arrival.key(), KEY_DIGEST_BYTES);
        String pk = shardKey(datasetId, shardOf(keyDigest));
        String tokenDigest = Values.digest(arrival.dedupeToken(), TOKEN_DIGEST_BYTES);
        AttributeValue eventTime = instant(arrival.eventTime());
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            ensureShard(datasetId, pk);
            Map<String, AttributeValue> item = readEntry(pk, keyDigest);
            if (item == null) {
                knownShards.remove(pk); // the item went away (a table emptied under us): create it again
                continue;
            }
            Map<String, AttributeValue> entry = entryOf(item, keyDigest);
            List<String> seen = entry == null ? List.of() : entry.get(SEEN).ss();
            if (seen.contains(tokenDigest)) {
                LOG.debug("tally.duplicate dataset={} key={}", datasetId, arrival.key());
                return Effect.DUPLICATE;
            }
            Arrival current = entry == null ? null : versionOf(entry, arrival);
            long currentTerm = digestTermOf(entry);
            Counting.Change change = Counting.apply(current, currentTerm, arrival);
            // a superseded arrival leaves the current version, whose listing version this entry does not keep
            long latestTerm = change.latest() == current ? currentTerm : KeyDigest.of(change.latest());
            if (write(datasetId, pk, keyDigest, entry, change, latestTerm, tokenDigest, eventTime, arrival.eventTime(),
                    instantOf(item.get(FIRST)), instantOf(item.get(LAST)), seenAt, instantOf(item.get(SEEN_AT)))) {
                LOG.debug("tally.recorded dataset={} key={} size={} effect={} attempts={}", datasetId, arrival.key(),
                        arrival.size(), change.effect(), attempt);
                return change.effect();
            }
            LOG.debug("tally.race_lost dataset={} key={} attempt={}", datasetId, arrival.key(), attempt);
        }
        throw new StoreException("DynamoDB tally of dataset '" + datasetId + "' in table '" + table
                + "': gave up recording key '" + arrival.key() + "' after " + MAX_ATTEMPTS + " lost races");
    }

    @Override
    public Tally tally(String datasetId) {
        Objects.requireNonNull(datasetId, "datasetId");
        long objects = 0;
        long bytes = 0;
        long removals = 0;
        long changeSeq = 0;
        long records = 0;
        Instant first = null;
        Instant last = null;
        Instant seen = null;
        BigInteger digest = BigInteger.ZERO;
        for (Map<String, AttributeValue> item : readShards(datasetId)) {
            objects += longOf(item.get(OBJECTS));
            bytes += longOf(item.get(BYTES));
            removals += longOf(item.get(REMOVALS));
            changeSeq += longOf(item.get(CHANGE_SEQ));
            records += item.get(RECORDS) == null ? 0 : longOf(item.get(RECORDS));
            Instant f = instantOf(item.get(FIRST));
            Instant l = instantOf(item.get(LAST));
            Instant sa = instantOf(item.get(SEEN_AT));
            if (sa != null && (seen == null || sa.isAfter(seen))) {
                seen = sa;
            }
            if (item.get(DIGEST) != null) {
                digest = digest.add(new BigInteger(item.get(DIGEST).n()));
            }
            if (f != null && (first == null || f.isBefore(first))) {
                first = f;
            }
            if (l != null && (last == null || l.isAfter(last))) {
                last = l;
            }
        }
        // shards written before seen times were kept have only event times
        Instant lastSeen = seen != null ? seen : last;
        return changeSeq == 0 ? Tally.EMPTY
                : new Tally(objects, bytes, removals, changeSeq, first, last, records, lastSeen, digest.longValue());
    }

    /** One consistent, projected read of each listed key's entry. */
    @Override
    public Set<String> present(String datasetId, java.util.Collection<String> keys) {
        Objects.requireNonNull(datasetId, "datasetId");
        Set<String> found = new java.util.LinkedHashSet<>();
        for (String k : keys) {
            String keyDigest = Values.digest(k, KEY_DIGEST_BYTES);
            Map<String, AttributeValue> item = readEntry(shardKey(datasetId, shardOf(keyDigest)), keyDigest);
            Map<String, AttributeValue> entry = item == null ? null : entryOf(item, keyDigest);
            if (entry != null && !"R".equals(entry.get(KIND).s())) {
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

    /** Creates the shard item, empty, unless this store already knows it exists. */
    private void ensureShard(String datasetId, String pk) {
        if (knownShards.contains(pk)) {
            return;
        }
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, s(pk));
        item.put(DATASET, s(datasetId));
        item.put(SHARD, n(Long.parseLong(pk.substring(pk.lastIndexOf('#') + 1))));
        item.put(OBJECTS, n(0));
        item.put(BYTES, n(0));
        item.put(REMOVALS, n(0));
        item.put(CHANGE_SEQ, n(0));
        item.put(KEYS, AttributeValue.fromM(Map.of()));
        try {
            client.putItem(b -> b.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", PK)));
            LOG.debug("tally.shard_created dataset={} shard={}", datasetId, pk);
        } catch (ConditionalCheckFailedException e) {
            // another writer created it first: just as good
        } catch (SdkException e) {
            throw failure("PutItem (create tally shard " + pk + ")", table, e);
        }
        knownShards.add(pk);
    }

    /** The shard item's first/last arrival and the key's entry (if any); {@code null} if the item is missing. */
    private Map<String, AttributeValue> readEntry(String pk, String keyDigest) {
        GetItemResponse r;
        try {
            r = client.getItem(b -> b.tableName(table).key(Map.of(PK, s(pk))).consistentRead(true)
                    .projectionExpression("#pk, #keys.#k, #first, #last, #seen")
                    .expressionAttributeNames(Map.of("#pk", PK, "#keys", KEYS, "#k", keyDigest, "#first", FIRST,
                            "#last", LAST, "#seen", SEEN_AT)));
        } catch (SdkException e) {
            throw failure("GetItem (tally shard " + pk + ")", table, e);
        }
        return r.hasItem() && !r.item().isEmpty() ? r.item() : null;
    }

    private static Map<String, AttributeValue> entryOf(Map<String, AttributeValue> item, String keyDigest) {
        AttributeValue keys = item.get(KEYS);
        if (keys == null || !keys.hasM()) {
            return null;
        }
        AttributeValue entry = keys.m().get(keyDigest);
        return entry == null ? null : entry.m();
    }

    /** The key's latest recorded version, as an arrival for {@link Counting#apply}. */
    private static Arrival versionOf(Map<String, AttributeValue> entry, Arrival arrival) {
        Arrival.Kind kind = "R".equals(entry.get(KIND).s()) ? Arrival.Kind.REMOVED : Arrival.Kind.CREATED;
        return new Arrival(kind, arrival.bucket(), arrival.key(), longOf(entry.get(SIZE)),
                instantOf(entry.get(TIME)), entry.get(TOKEN).s(),
                entry.get(KEY_RECORDS) == null ? Arrival.UNCOUNTED : longOf(entry.get(KEY_RECORDS)),
                sequencerOf(entry), null);
    }

    /*
     * A key entry is most of a shard's bytes, so it keeps what counting needs in short form: a sequencer equal
     * to the token (an S3 event's token is its sequencer) as "=", and instead of the listing version (an eTag
     * and size, 40-odd bytes) its 64-bit term of the key-set digest, which is all an overwrite or removal needs.
     */

    private static String sequencerOf(Map<String, AttributeValue> entry) {
        String q = Values.stringOf(entry, SEQUENCER);
        return SAME_AS_TOKEN.equals(q) ? entry.get(TOKEN).s() : q;
    }

    private static long digestTermOf(Map<String, AttributeValue> entry) {
        return entry == null || entry.get(DIGEST_TERM) == null ? 0 : longOf(entry.get(DIGEST_TERM));
    }

    private static void putShort(Map<String, AttributeValue> entry, Arrival latest, long term) {
        if (latest.sequencer() != null) {
            entry.put(SEQUENCER, s(latest.sequencer().equals(latest.dedupeToken()) ? SAME_AS_TOKEN : latest.sequencer()));
        }
        if (term != 0) {
            entry.put(DIGEST_TERM, n(term));
        }
    }

    /** One conditional update: the key's new entry plus the counter deltas. {@code false} on a lost race. */
    private boolean write(String datasetId, String pk, String keyDigest, Map<String, AttributeValue> entry, Counting.Change change,
                          long latestTerm, String tokenDigest, AttributeValue eventTime, Instant t, Instant first, Instant last,
                          Instant seenAt, Instant lastSeen) {
        Arrival latest = change.latest();
        Set<String> seen = new LinkedHashSet<>(entry == null ? List.of() : entry.get(SEEN).ss());
        seen.add(tokenDigest);
        long versions = entry == null ? 0 : longOf(entry.get(VERSIONS));
        Map<String, AttributeValue> next = new HashMap<>();
        next.put(KIND, s(latest.kind() == Arrival.Kind.REMOVED ? "R" : "C"));
        next.put(SIZE, n(latest.size()));
        if (latest.records() != Arrival.UNCOUNTED) {
            next.put(KEY_RECORDS, n(latest.records()));
        }
        next.put(TIME, instant(latest.eventTime()));
        next.put(TOKEN, s(latest.dedupeToken()));
        putShort(next, latest, latestTerm);
        next.put(VERSIONS, n(versions + 1));
        next.put(SEEN, AttributeValue.fromSs(new ArrayList<>(seen)));

        Map<String, String> names = new HashMap<>();
        names.put("#pk", PK);
        names.put("#keys", KEYS);
        names.put("#k", keyDigest);
        names.put("#o", OBJECTS);
        names.put("#b", BYTES);
        names.put("#r", REMOVALS);
        names.put("#c", CHANGE_SEQ);
        names.put("#rc", RECORDS);
        names.put("#dg", DIGEST);
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":rc", n(change.records()));
        values.put(":entry", AttributeValue.fromM(next));
        values.put(":o", n(change.objects()));
        values.put(":b", n(change.bytes()));
        values.put(":r", n(change.removals()));
        values.put(":one", n(1));
        values.put(":dg", n(change.digest()));
        StringBuilder set = new StringBuilder("SET #keys.#k = :entry");
        StringBuilder condition = new StringBuilder("attribute_exists(#pk)");
        if (entry == null) {
            condition.append(" AND attribute_not_exists(#keys.#k)");
        } else {
            names.put("#n", VERSIONS);
            values.put(":n", n(versions));
            condition.append(" AND #keys.#k.#n = :n");
        }
        if (first == null || t.isBefore(first)) {
            names.put("#first", FIRST);
            values.put(":t", eventTime);
            set.append(", #first = :t");
            condition.append(" AND (attribute_not_exists(#first) OR #first > :t)");
        }
        if (last == null || t.isAfter(last)) {
            names.put("#last", LAST);
            values.put(":t", eventTime);
            set.append(", #last = :t");
            condition.append(" AND (attribute_not_exists(#last) OR #last < :t)");
        }
        if (lastSeen == null || seenAt.isAfter(lastSeen)) {
            names.put("#seen", SEEN_AT);
            values.put(":seen", instant(seenAt));
            set.append(", #seen = :seen");
            condition.append(" AND (attribute_not_exists(#seen) OR #seen < :seen)");
        }
        if (retention != null && expiring.test(datasetId)) {
            names.put("#exp", EXPIRY_ATTRIBUTE);
            values.put(":exp", n(seenAt.plus(retention).getEpochSecond()));
            set.append(", #exp = :exp");
        }
        String update = set + " ADD #o :o, #b :b, #r :r, #c :one, #rc :rc, #dg :dg";
        try {
            client.updateItem(b -> b.tableName(table).key(Map.of(PK, s(pk)))
                    .updateExpression(update)
                    .conditionExpression(condition.toString())
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        } catch (SdkException e) {
            if (String.valueOf(e.getMessage()).contains("Item size")) {
                throw new StoreException("DynamoDB tally shard " + pk + " in table '" + table + "' is full (400 KB):"
                        + " spread the dataset over more shards (now " + shards + ")", e);
            }
            throw failure("UpdateItem (tally shard " + pk + ")", table, e);
        }
    }

    /** Every existing shard item of a dataset, counters only, read consistently. */
    private List<Map<String, AttributeValue>> readShards(String datasetId) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, String> names = Map.of("#o", OBJECTS, "#b", BYTES, "#r", REMOVALS, "#c", CHANGE_SEQ,
                "#first", FIRST, "#last", LAST, "#rc", RECORDS, "#seen", SEEN_AT, "#dg", DIGEST);
        for (int from = 0; from < shards; from += BATCH_GET_LIMIT) {
            List<Map<String, AttributeValue>> keys = new ArrayList<>();
            for (int shard = from; shard < Math.min(shards, from + BATCH_GET_LIMIT); shard++) {
                keys.add(Map.of(PK, s(shardKey(datasetId, shard))));
            }
            Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().keys(keys)
                    .consistentRead(true)
                    .projectionExpression("#o, #b, #r, #c, #first, #last, #rc, #seen, #dg")
                    .expressionAttributeNames(names)
                    .build());
            for (int round = 0; !request.isEmpty(); round++) {
                if (round > 0) {
                    backOff(round, datasetId);
                }
                BatchGetItemResponse r;
                try {
                    Map<String, KeysAndAttributes> ask = request;
                    r = client.batchGetItem(b -> b.requestItems(ask));
                } catch (SdkException e) {
                    throw failure("BatchGetItem (tally of " + datasetId + ")", table, e);
                }
                items.addAll(r.responses().getOrDefault(table, List.of()));
                request = r.hasUnprocessedKeys() ? r.unprocessedKeys() : Map.of();
            }
        }
        return items;
    }

    private void backOff(int round, String datasetId) {
        if (round > 10) {
            throw new StoreException("DynamoDB table '" + table + "' left tally shards of '" + datasetId
                    + "' unprocessed after 10 retries");
        }
        LOG.debug("tally.read_throttled dataset={} round={}", datasetId, round);
        try {
            Thread.sleep(Math.min(1_000L, 10L << round));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while reading the tally of '" + datasetId + "'", e);
        }
    }
}
