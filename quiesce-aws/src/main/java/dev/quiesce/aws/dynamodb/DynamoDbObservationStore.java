package dev.quiesce.aws.dynamodb;

import static dev.quiesce.aws.dynamodb.Values.failure;
import static dev.quiesce.aws.dynamodb.Values.instant;
import static dev.quiesce.aws.dynamodb.Values.instantOf;
import static dev.quiesce.aws.dynamodb.Values.longOf;
import static dev.quiesce.aws.dynamodb.Values.n;
import static dev.quiesce.aws.dynamodb.Values.s;
import static dev.quiesce.aws.dynamodb.Values.stringOf;

import dev.quiesce.LifecycleEvent;
import dev.quiesce.GapStats;
import dev.quiesce.Observation;
import dev.quiesce.ObservationNotFoundException;
import dev.quiesce.ObservationState;
import dev.quiesce.Progress;
import dev.quiesce.StoreException;
import dev.quiesce.policy.PolicySpec;
import dev.quiesce.port.ObservationStore;
import dev.quiesce.port.Outbox;
import dev.quiesce.port.OutboxEntry;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
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
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Observations and their outbox in one DynamoDB table: one item per observation, with the outbox
 * entries of its lifecycle events kept on the same item.
 *
 * <p><b>Changes.</b> {@link #compareAndSet} is one conditional {@code UpdateItem} with
 * {@code version = next.version - 1}; when the change carries outbox entries they are written by that
 * same request, into the item's {@code outbox} map, so a change and its notifications are stored
 * together or not at all, without transactions. Outbox bookkeeping (claim, delivered, retry, dead) is a
 * conditional update on a separate {@code outboxVersion} counter and never moves the observation's own
 * version; a change with entries checks both, so neither side can overwrite the other.
 *
 * <p><b>Indexes</b> (all sparse except {@code by-start}, all projecting keys only):
 * <ul>
 *   <li>{@code due}: observations with a next check (open ones, and completed ones watching for late data), by
 *       next check time ({@link #due}, {@link #nextDueAt}); a finished run leaves it;
 *   <li>{@code outbox-due}: observations with pending outbox entries, by the earliest next attempt
 *       ({@link #claim}, {@link #nextAttemptAt});
 *   <li>{@code open-by-dataset}: open observations by dataset ({@link #openFor});
 *   <li>{@code by-start}: every observation by start time ({@link #list}).
 * </ul>
 * <b>Write sharding.</b> The {@code due}, {@code outbox-due} and {@code by-start} indexes would have one
 * constant partition value, which caps every run's index writes at one partition's rate (about 1,000 write
 * units a second). Their partition values carry a shard instead ({@code due#0} … {@code due#15}; the shard is
 * the CRC-32 of the run id modulo {@link #DEFAULT_SHARDS}, or the count given to the constructor), so the
 * writes spread over that many partitions; a read queries every shard and merges the answers by the sort key.
 * {@code open-by-dataset} is keyed by dataset already and is written only when a run starts or stops watching.
 *
 * <p><b>Keys only.</b> An index entry holds the index keys and the run id, about 100 bytes (DynamoDB counts
 * 100 more), so writing one costs one write unit, and an update that changes no index key writes no index:
 * a routine check moves only the {@code due} entry (its time changes), never {@code by-start},
 * {@code open-by-dataset} or {@code outbox-due}. A query that returns observations reads their items
 * consistently from the table by id, one read unit per item up to 4 KB. Index reads are
 * eventually consistent, so a listed observation may be listed a moment late or early; {@link #due} and
 * {@link #openFor} drop what the item read says no longer belongs, and callers re-read with {@link #find}
 * before acting, as the observer does; claiming leases on the item it read.
 *
 * <p><b>Claiming</b> reads the earliest items of {@code outbox-due}, picks the earliest due pending
 * entries, and leases each item's picks with one conditional update (on {@code outboxVersion}), so two
 * engines, in one process or many, never both claim an entry while its lease lasts.
 *
 * <p>The policy is stored as {@link PolicySpec#text()}, events as {@link LifecycleEvent#encode()} and
 * instants as decimal epoch seconds (exact to the nanosecond). An entry takes about 0.5 KB, so an
 * observation item stays a few KB. Thread-safe and safe across processes; SDK failures surface as
 * {@link StoreException} with the SDK exception as cause.
 */
public final class DynamoDbObservationStore implements ObservationStore, Outbox {

    /** Index of open observations with a next check, by next check time. */
    public static final String DUE_INDEX = "due";
    /** Index of observations with pending outbox entries, by earliest next attempt. */
    public static final String OUTBOX_INDEX = "outbox-due";
    /** Index of open observations by dataset. */
    public static final String OPEN_INDEX = "open-by-dataset";
    /** Index of every observation by start time. */
    public static final String START_INDEX = "by-start";
    /** The attribute DynamoDB's time to live reads (epoch seconds); the table's TTL must name it. */
    public static final String EXPIRY_ATTRIBUTE = "expiresAt";

    private static final String ID = "id";
    private static final String DATASET = "dataset";
    private static final String SPEC = "spec";
    private static final String STATE = "state";
    private static final String VERSION = "version";
    private static final String STARTED = "startedAt";
    private static final String ACTIVATED = "activatedAt";
    private static final String FINISHED = "finishedAt";
    private static final String NEXT_CHECK = "nextCheckAt";
    private static final String CHECKS = "checks";
    private static final String STREAK = "streak";
    private static final String LAST_SEEN = "lastSeenSeq";
    private static final String TRANSITIONS = "transitions";
    private static final String REASON = "reason";
    private static final String NOTIFIERS = "notifiers";
    private static final String OUTBOX = "outbox";
    private static final String OUTBOX_VERSION = "outboxVersion";
    // index keys
    private static final String DUE_PART = "duePart";
    private static final String DUE_AT = "dueAt";
    private static final String OUTBOX_PART = "outboxPart";
    private static final String OUTBOX_AT = "outboxAt";
    private static final String OPEN_DATASET = "openDataset";
    private static final String AMENDMENTS = "amendments";
    /** When the one OVERDUE report was made; absent when not made. */
    private static final String OVERDUE_REPORTED = "overdueReportedAt";
    /** Gap statistics as {@code count,mean,m2,max,lastArrival} (doubles in Java's round-trip text form). */
    private static final String GAPS = "gaps";
    private static final String ALL_PART = "allPart";
    private static final String START_KEY = "startKey";
    // fields of an outbox entry
    private static final String E_EVENT = "event";
    private static final String E_NOTIFIER = "notifier";
    private static final String E_STATUS = "status";
    private static final String E_ATTEMPTS = "attempts";
    private static final String E_AT = "at";
    private static final String E_ERROR = "error";
    private static final String E_TRANSITION = "transition";

    /** Prefixes of the sharded index partition values: {@code due#0} … {@code due#15} and so on. */
    private static final String DUE_SHARD = "due#";
    private static final String PENDING_SHARD = "pending#";
    private static final String ALL_SHARD = "all#";
    private static final long EPOCH_OFFSET = -Instant.MIN.getEpochSecond();
    private static final Pattern KEY_SPLIT = Pattern.compile("/(\\d+)@");
    private static final int MAX_ATTEMPTS = 50;

    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbObservationStore.class);

    /**
     * How many partition values each write-sharded index spreads its entries over, unless told otherwise.
     * Each value is its own index partition (about 1,000 write units a second each), so 16 carry 16 times the
     * writes of one constant value; a read asks every shard, so more shards cost reads.
     */
    public static final int DEFAULT_SHARDS = 16;
    /** Items one index query asks for at most, per shard and page. */
    private static final int DEFAULT_PAGE_SIZE = 1_000;

    private final DynamoDbClient client;
    private final String table;
    private final Duration retention;
    private final int shards;
    private final int pageSize;

    /**
     * A store over an existing table (see {@link #createTable}) that keeps every run.
     *
     * @param client the client to use; the store does not close it
     * @param tableName the table
     */
    public DynamoDbObservationStore(DynamoDbClient client, String tableName) {
        this(client, tableName, null);
    }

    /**
     * A store whose finished runs expire: each gets {@value #EXPIRY_ATTRIBUTE} = its end plus
     * {@code retention}, and DynamoDB's time to live removes it some time after (runs still open, or
     * watching for late data, have none).
     *
     * @param client the client to use; the store does not close it
     * @param tableName the table
     * @param retention how long a finished run is kept, or {@code null} to keep every run
     * @throws IllegalArgumentException if the retention is not positive
     */
    public DynamoDbObservationStore(DynamoDbClient client, String tableName, Duration retention) {
        this(client, tableName, retention, DEFAULT_SHARDS);
    }

    /**
     * A store whose write-sharded indexes use {@code shards} partition values. Every store over one table must
     * use the same number, and it cannot change while the table holds items: an entry written under another
     * count sits in a shard the readers do not ask, or misses the shards they do.
     *
     * @param client the client to use; the store does not close it
     * @param tableName the table
     * @param retention how long a finished run is kept, or {@code null} to keep every run
     * @param shards partition values per sharded index, {@value #DEFAULT_SHARDS} by default
     * @throws IllegalArgumentException if the retention or the shard count is not positive
     */
    public DynamoDbObservationStore(DynamoDbClient client, String tableName, Duration retention, int shards) {
        this(client, tableName, retention, shards, DEFAULT_PAGE_SIZE);
    }

    /** With a page size for index queries, so tests can make the scatter-gather page. */
    DynamoDbObservationStore(DynamoDbClient client, String tableName, Duration retention, int shards, int pageSize) {
        this.client = Objects.requireNonNull(client, "client");
        this.table = Objects.requireNonNull(tableName, "tableName");
        if (retention != null && (retention.isZero() || retention.isNegative())) {
            throw new IllegalArgumentException("retention must be positive, was " + retention);
        }
        if (shards <= 0 || pageSize <= 0) {
            throw new IllegalArgumentException("shards and page size must be positive, were " + shards + ", "
                    + pageSize);
        }
        this.retention = retention;
        this.shards = shards;
        this.pageSize = pageSize;
    }

    /**
     * The shard of a run: CRC-32 of its id's UTF-8 bytes, modulo the shard count. CRC-32 rather than
     * {@code hashCode} so that the value is easy to compute outside Java, e.g. to inspect a table by hand.
     */
    static int shardOf(String id, int shards) {
        CRC32 crc = new CRC32();
        crc.update(id.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % shards);
    }

    private AttributeValue shardValue(String prefix, String id) {
        return s(prefix + shardOf(id, shards));
    }

    /**
     * Creates the table (partition key {@code id}, string; on-demand billing; the four indexes described
     * above) unless it exists, waits until it is active, and turns on time to live over
     * {@value #EXPIRY_ATTRIBUTE} where the service offers it.
     *
     * @throws StoreException if DynamoDB refuses
     */
    public static void createTable(DynamoDbClient client, String tableName) {
        boolean created = Values.createAndWait(client, tableName, CreateTableRequest.builder()
                .tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        attribute(ID, ScalarAttributeType.S),
                        attribute(DUE_PART, ScalarAttributeType.S),
                        attribute(DUE_AT, ScalarAttributeType.N),
                        attribute(OUTBOX_PART, ScalarAttributeType.S),
                        attribute(OUTBOX_AT, ScalarAttributeType.N),
                        attribute(OPEN_DATASET, ScalarAttributeType.S),
                        attribute(ALL_PART, ScalarAttributeType.S),
                        attribute(START_KEY, ScalarAttributeType.S))
                .keySchema(KeySchemaElement.builder().attributeName(ID).keyType(KeyType.HASH).build())
                .globalSecondaryIndexes(
                        index(DUE_INDEX, DUE_PART, DUE_AT),
                        index(OUTBOX_INDEX, OUTBOX_PART, OUTBOX_AT),
                        index(OPEN_INDEX, OPEN_DATASET, START_KEY),
                        index(START_INDEX, ALL_PART, START_KEY))
                .build());
        boolean expiry = Values.enableExpiry(client, tableName, EXPIRY_ATTRIBUTE);
        LOG.info("dynamodb.table_ready table={} kind=observations created={} ttl={}", tableName, created, expiry);
    }

    private static AttributeDefinition attribute(String name, ScalarAttributeType type) {
        return AttributeDefinition.builder().attributeName(name).attributeType(type).build();
    }

    private static GlobalSecondaryIndex index(String name, String partition, String sort) {
        return GlobalSecondaryIndex.builder().indexName(name)
                .keySchema(KeySchemaElement.builder().attributeName(partition).keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName(sort).keyType(KeyType.RANGE).build())
                // every query reads only keys and fetches what it returns from the table: an index entry stays
                // well under 1 KB, and a change of an unindexed attribute writes no index at all
                .projection(Projection.builder().projectionType(ProjectionType.KEYS_ONLY).build())
                .build();
    }

    // ------------------------------------------------------------------------------------------ observations

    @Override
    public boolean create(Observation o) {
        Objects.requireNonNull(o, "observation");
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(ID, s(o.id()));
        item.put(OUTBOX, AttributeValue.fromM(Map.of()));
        item.put(OUTBOX_VERSION, n(0));
        fields(o).forEach((name, value) -> {
            if (value != null) {
                item.put(name, value);
            }
        });
        try {
            client.putItem(b -> b.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(#id)")
                    .expressionAttributeNames(Map.of("#id", ID)));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        } catch (SdkException e) {
            throw failure("PutItem (create observation " + o.id() + ")", table, e);
        }
    }

    @Override
    public Optional<Observation> find(String id) {
        Objects.requireNonNull(id, "id");
        return Optional.ofNullable(read(id)).map(this::observation);
    }

    @Override
    public boolean compareAndSet(Observation next, List<OutboxEntry> entries) {
        Objects.requireNonNull(next, "next");
        List<OutboxEntry> added = List.copyOf(entries);
        long expected = next.version() - 1;
        if (added.isEmpty()) {
            Update u = observationUpdate(next, expected);
            if (update(next.id(), u, "UpdateItem (observation " + next.id() + ")")) {
                return true;
            }
            return lostRace(next.id(), expected);
        }
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            Map<String, AttributeValue> item = read(next.id());
            if (item == null) {
                throw new ObservationNotFoundException(next.id());
            }
            if (longOf(item.get(VERSION)) != expected) {
                return false;
            }
            Map<String, OutboxEntry> outbox = entries(item);
            for (OutboxEntry e : added) {
                outbox.putIfAbsent(e.key(), e);
            }
            Update u = observationUpdate(next, expected);
            outboxUpdate(u, stringOf(item, ID), outbox, longOf(item.get(OUTBOX_VERSION)));
            if (update(next.id(), u, "UpdateItem (observation " + next.id() + " with outbox)")) {
                LOG.debug("outbox.appended observation={} entries={}", next.id(), added.size());
                return true;
            }
            // the version or the outbox moved: read again to tell which
        }
        throw new StoreException("DynamoDB observation '" + next.id() + "' in table '" + table
                + "': gave up after " + MAX_ATTEMPTS + " outbox races");
    }

    /** After a refused change: {@code false} if the observation exists (another change won), else not found. */
    private boolean lostRace(String id, long expected) {
        Map<String, AttributeValue> item = read(id);
        if (item == null) {
            throw new ObservationNotFoundException(id);
        }
        LOG.debug("observation.version_moved observation={} expected={} stored={}", id, expected,
                longOf(item.get(VERSION)));
        return false;
    }

    private Update observationUpdate(Observation next, long expected) {
        Update u = new Update();
        fields(next).forEach(u::setOrRemove);
        u.when(u.name(VERSION) + " = " + u.value(n(expected)));
        return u;
    }

    @Override
    public List<Observation> due(Instant now, int limit) {
        Objects.requireNonNull(now, "now");
        List<String> ids = ids(gather(DUE_INDEX, DUE_PART, DUE_SHARD, DUE_AT, now, true, limit, "due observations"));
        // the index may lag the table: keep what is still due by the item itself
        return fetch(ids).stream().map(this::observation)
                .filter(o -> o.nextCheckAt() != null && !o.nextCheckAt().isAfter(now))
                .toList();
    }

    @Override
    public Optional<Instant> nextDueAt() {
        return gather(DUE_INDEX, DUE_PART, DUE_SHARD, DUE_AT, null, true, 1, "next due time")
                .stream().findFirst().map(item -> instantOf(item.get(DUE_AT)));
    }

    @Override
    public List<Observation> openFor(String datasetId) {
        Objects.requireNonNull(datasetId, "datasetId");
        // not sharded: a dataset has few open runs, and an open run writes this index twice in its life (when it
        // starts and when it stops watching), so even a busy dataset's partition sees few writes
        List<Map<String, AttributeValue>> keys = query(QueryRequest.builder().indexName(OPEN_INDEX)
                .keyConditionExpression("#d = :d")
                .expressionAttributeNames(Map.of("#d", OPEN_DATASET))
                .expressionAttributeValues(Map.of(":d", s(datasetId))), Integer.MAX_VALUE, "open observations");
        return fetch(ids(keys)).stream()
                .filter(item -> item.get(OPEN_DATASET) != null && datasetId.equals(item.get(OPEN_DATASET).s()))
                .map(this::observation).toList();
    }

    @Override
    public List<Observation> list(int limit) {
        return fetch(ids(gather(START_INDEX, ALL_PART, ALL_SHARD, START_KEY, null, false, limit, "observations")))
                .stream().map(this::observation).toList();
    }

    /**
     * Every attribute an observation's item holds besides its id and outbox, {@code null} for those to
     * remove: the observation's fields and the index keys derived from them.
     */
    private Map<String, AttributeValue> fields(Observation o) {
        Map<String, AttributeValue> m = new LinkedHashMap<>();
        m.put(DATASET, s(o.datasetId()));
        m.put(SPEC, s(o.spec().text()));
        m.put(STATE, s(o.state().name()));
        m.put(VERSION, n(o.version()));
        m.put(STARTED, instant(o.startedAt()));
        m.put(ACTIVATED, o.activatedAt() == null ? null : instant(o.activatedAt()));
        m.put(FINISHED, o.finishedAt() == null ? null : instant(o.finishedAt()));
        m.put(NEXT_CHECK, o.nextCheckAt() == null ? null : instant(o.nextCheckAt()));
        m.put(CHECKS, n(o.progress().checks()));
        m.put(STREAK, n(o.progress().streak()));
        m.put(LAST_SEEN, n(o.progress().lastSeenSeq()));
        m.put(TRANSITIONS, n(o.transitions()));
        m.put(REASON, s(o.reason()));
        m.put(NOTIFIERS, AttributeValue.fromL(o.notifiers().stream().map(Values::s).toList()));
        boolean due = o.nextCheckAt() != null;
        m.put(DUE_PART, due ? shardValue(DUE_SHARD, o.id()) : null);
        m.put(DUE_AT, due ? instant(o.nextCheckAt()) : null);
        m.put(OPEN_DATASET, o.watching() ? s(o.datasetId()) : null);
        m.put(AMENDMENTS, n(o.amendments()));
        m.put(OVERDUE_REPORTED, o.overdueReportedAt() == null ? null : instant(o.overdueReportedAt()));
        GapStats g = o.progress().gaps();
        m.put(GAPS, s(g.count() + "," + g.meanMillis() + "," + g.m2() + "," + g.maxMillis() + ","
                + (g.lastArrival() == null ? "" : g.lastArrival().toString()) + "," + g.lastGapMillis() + ","
                + g.objects() + "," + g.bytes() + "," + g.lastObjectBytes() + "," + g.largestObjectBytes()));
        m.put(ALL_PART, shardValue(ALL_SHARD, o.id()));
        m.put(START_KEY, s(startKey(o)));
        boolean expires = retention != null && o.finishedAt() != null && !o.watching();
        m.put(EXPIRY_ATTRIBUTE, expires ? n(o.finishedAt().plus(retention).getEpochSecond()) : null);
        return m;
    }

    private static GapStats gapsOf(AttributeValue v) {
        if (v == null || v.s() == null) {
            return GapStats.NONE;
        }
        String[] p = v.s().split(",", -1);
        GapStats g = new GapStats(Long.parseLong(p[0]), Double.parseDouble(p[1]), Double.parseDouble(p[2]),
                Long.parseLong(p[3]), p[4].isEmpty() ? null : Instant.parse(p[4]));
        // items written before the last gap and object sizes were kept have five fields
        return p.length < 10 ? g : new GapStats(g.count(), g.meanMillis(), g.m2(), g.maxMillis(), g.lastArrival(),
                Long.parseLong(p[5]), Long.parseLong(p[6]), Long.parseLong(p[7]), Long.parseLong(p[8]),
                Long.parseLong(p[9]));
    }

    /** Start time as a fixed-width sortable string, then the id: orders by start, ties by id. */
    private static String startKey(Observation o) {
        Instant t = o.startedAt();
        return String.format("%017d%09d#%s", t.getEpochSecond() + EPOCH_OFFSET, t.getNano(), o.id());
    }

    private Observation observation(Map<String, AttributeValue> item) {
        String id = stringOf(item, ID);
        try {
            AttributeValue notifiers = item.get(NOTIFIERS);
            return new Observation(
                    id,
                    stringOf(item, DATASET),
                    PolicySpec.parse(stringOf(item, SPEC)),
                    ObservationState.valueOf(stringOf(item, STATE)),
                    longOf(item.get(VERSION)),
                    instantOf(item.get(STARTED)),
                    instantOf(item.get(ACTIVATED)),
                    instantOf(item.get(FINISHED)),
                    instantOf(item.get(NEXT_CHECK)),
                    new Progress(longOf(item.get(CHECKS)), (int) longOf(item.get(STREAK)),
                            longOf(item.get(LAST_SEEN)), gapsOf(item.get(GAPS))),
                    (int) longOf(item.get(TRANSITIONS)),
                    stringOf(item, REASON),
                    notifiers == null ? List.of() : notifiers.l().stream().map(AttributeValue::s).toList(),
                    item.get(AMENDMENTS) == null ? 0 : (int) longOf(item.get(AMENDMENTS)),
                    instantOf(item.get(OVERDUE_REPORTED)));
        } catch (RuntimeException e) {
            // an item this build cannot read (edited by hand, or by another program) is a store fault
            throw new StoreException("DynamoDB observation '" + id + "' in table '" + table + "' is unreadable: "
                    + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------------------------------ outbox

    @Override
    public List<OutboxEntry> claim(Instant now, Instant leaseUntil, int limit) {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(leaseUntil, "leaseUntil");
        if (limit <= 0) {
            return List.of();
        }
        // the earliest `limit` items hold at least `limit` due entries, and no later item holds an earlier one
        List<Map<String, AttributeValue>> items = fetch(ids(gather(OUTBOX_INDEX, OUTBOX_PART, PENDING_SHARD,
                OUTBOX_AT, now, true, limit, "outbox entries")));
        List<OutboxEntry> candidates = new ArrayList<>();
        for (Map<String, AttributeValue> item : items) {
            entries(item).values().stream().filter(e -> claimable(e, now)).forEach(candidates::add);
        }
        candidates.sort(CLAIM_ORDER);
        Map<String, List<String>> picked = new LinkedHashMap<>();
        for (OutboxEntry e : candidates.subList(0, Math.min(limit, candidates.size()))) {
            picked.computeIfAbsent(e.event().observationId(), k -> new ArrayList<>()).add(e.key());
        }
        Map<String, Map<String, AttributeValue>> read = new HashMap<>();
        items.forEach(item -> read.put(stringOf(item, ID), item));
        List<OutboxEntry> claimed = new ArrayList<>();
        picked.forEach((id, keys) -> claimed.addAll(lease(id, keys, now, leaseUntil, read.get(id))));
        claimed.sort(CLAIM_ORDER);
        if (!claimed.isEmpty()) {
            LOG.debug("outbox.claimed entries={} leaseUntil={}", claimed.size(), leaseUntil);
        }
        return claimed;
    }

    private static final Comparator<OutboxEntry> CLAIM_ORDER =
            Comparator.comparing(OutboxEntry::nextAttemptAt).thenComparing(OutboxEntry::key);

    private static boolean claimable(OutboxEntry e, Instant now) {
        return e.status() == OutboxEntry.Status.PENDING && !e.nextAttemptAt().isAfter(now);
    }

    /**
     * Leases those of {@code keys} still claimable on the item; returns them as they were before the lease.
     * The first attempt uses the item as just read consistently; a lost race reads it again.
     */
    private List<OutboxEntry> lease(String id, List<String> keys, Instant now, Instant leaseUntil,
            Map<String, AttributeValue> fresh) {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            Map<String, AttributeValue> item = attempt == 1 && fresh != null ? fresh : read(id);
            if (item == null) {
                return List.of();
            }
            Map<String, OutboxEntry> outbox = entries(item);
            List<OutboxEntry> taken = new ArrayList<>();
            for (String key : keys) {
                OutboxEntry e = outbox.get(key);
                if (e != null && claimable(e, now)) {
                    taken.add(e);
                    outbox.put(key, new OutboxEntry(e.event(), e.notifier(), e.status(), e.attempts(), leaseUntil,
                            e.lastError()));
                }
            }
            if (taken.isEmpty()) {
                return List.of(); // another engine claimed them first
            }
            Update u = new Update();
            outboxUpdate(u, stringOf(item, ID), outbox, longOf(item.get(OUTBOX_VERSION)));
            if (update(id, u, "UpdateItem (lease outbox entries of " + id + ")")) {
                return taken;
            }
        }
        LOG.warn("outbox.claim_contended observation={} attempts={} next=left for a later pass", id, MAX_ATTEMPTS);
        return List.of();
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if there is no entry with that key
     */
    @Override
    public void delivered(String key) {
        change(key, e -> new OutboxEntry(e.event(), e.notifier(), OutboxEntry.Status.DELIVERED, e.attempts() + 1,
                e.nextAttemptAt(), e.lastError()));
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if there is no entry with that key
     */
    @Override
    public void retryLater(String key, int attempts, Instant retryAt, String error) {
        Objects.requireNonNull(retryAt, "retryAt");
        change(key, e -> new OutboxEntry(e.event(), e.notifier(), OutboxEntry.Status.PENDING, attempts, retryAt,
                error));
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if there is no entry with that key
     */
    @Override
    public void dead(String key, int attempts, String error) {
        change(key, e -> new OutboxEntry(e.event(), e.notifier(), OutboxEntry.Status.DEAD, attempts,
                e.nextAttemptAt(), error));
    }

    @Override
    public List<OutboxEntry> entriesOf(String observationId) {
        Objects.requireNonNull(observationId, "observationId");
        Map<String, AttributeValue> item = read(observationId);
        if (item == null) {
            return List.of();
        }
        return entries(item).values().stream()
                .sorted(Comparator.comparingInt((OutboxEntry e) -> e.event().transition())
                        .thenComparing(OutboxEntry::notifier))
                .toList();
    }

    @Override
    public Optional<Instant> nextAttemptAt() {
        return gather(OUTBOX_INDEX, OUTBOX_PART, PENDING_SHARD, OUTBOX_AT, null, true, 1, "next outbox attempt")
                .stream().findFirst().map(item -> instantOf(item.get(OUTBOX_AT)));
    }

    /** Rewrites one entry, found by its key, with a conditional update on the item's outbox version. */
    private void change(String key, UnaryOperator<OutboxEntry> f) {
        Objects.requireNonNull(key, "key");
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            Map<String, AttributeValue> item = itemHolding(key);
            if (item == null) {
                throw new IllegalArgumentException("no outbox entry " + key);
            }
            Map<String, OutboxEntry> outbox = entries(item);
            outbox.put(key, f.apply(outbox.get(key)));
            Update u = new Update();
            outboxUpdate(u, stringOf(item, ID), outbox, longOf(item.get(OUTBOX_VERSION)));
            if (update(stringOf(item, ID), u, "UpdateItem (outbox entry " + key + ")")) {
                return;
            }
        }
        throw new StoreException("DynamoDB outbox entry '" + key + "' in table '" + table + "': gave up after "
                + MAX_ATTEMPTS + " races");
    }

    /**
     * The item holding an entry. A key is {@code <observation id>/<transition>@<notifier>}; ids and names may
     * themselves contain those characters, so every split point is tried.
     */
    private Map<String, AttributeValue> itemHolding(String key) {
        Matcher m = KEY_SPLIT.matcher(key);
        int from = 0;
        while (from < key.length() && m.find(from)) {
            Map<String, AttributeValue> item = read(key.substring(0, m.start()));
            if (item != null && item.get(OUTBOX) != null && item.get(OUTBOX).m().containsKey(key)) {
                return item;
            }
            from = m.start() + 1;
        }
        return null;
    }

    /** Sets the outbox map, its index keys and the next outbox version, on condition of the version read. */
    private void outboxUpdate(Update u, String id, Map<String, OutboxEntry> outbox, long readVersion) {
        Map<String, AttributeValue> encoded = new HashMap<>();
        Instant earliest = null;
        for (OutboxEntry e : outbox.values()) {
            encoded.put(e.key(), encode(e));
            if (e.status() == OutboxEntry.Status.PENDING
                    && (earliest == null || e.nextAttemptAt().isBefore(earliest))) {
                earliest = e.nextAttemptAt();
            }
        }
        u.set(OUTBOX, AttributeValue.fromM(encoded));
        u.set(OUTBOX_VERSION, n(readVersion + 1));
        u.setOrRemove(OUTBOX_PART, earliest == null ? null : shardValue(PENDING_SHARD, id));
        u.setOrRemove(OUTBOX_AT, earliest == null ? null : instant(earliest));
        u.when(u.name(OUTBOX_VERSION) + " = " + u.value(n(readVersion)));
    }

    private static AttributeValue encode(OutboxEntry e) {
        Map<String, AttributeValue> m = new HashMap<>();
        m.put(E_EVENT, s(e.event().encode()));
        m.put(E_NOTIFIER, s(e.notifier()));
        m.put(E_STATUS, s(e.status().name()));
        m.put(E_ATTEMPTS, n(e.attempts()));
        m.put(E_AT, instant(e.nextAttemptAt()));
        m.put(E_TRANSITION, n(e.event().transition()));
        if (e.lastError() != null) {
            m.put(E_ERROR, s(e.lastError()));
        }
        return AttributeValue.fromM(m);
    }

    /** The item's outbox entries by key, in a map the caller may change. */
    private Map<String, OutboxEntry> entries(Map<String, AttributeValue> item) {
        Map<String, OutboxEntry> result = new LinkedHashMap<>();
        AttributeValue outbox = item.get(OUTBOX);
        if (outbox == null || !outbox.hasM()) {
            return result;
        }
        outbox.m().forEach((key, value) -> {
            try {
                Map<String, AttributeValue> m = value.m();
                result.put(key, new OutboxEntry(
                        LifecycleEvent.decode(m.get(E_EVENT).s()),
                        m.get(E_NOTIFIER).s(),
                        OutboxEntry.Status.valueOf(m.get(E_STATUS).s()),
                        (int) longOf(m.get(E_ATTEMPTS)),
                        instantOf(m.get(E_AT)),
                        m.containsKey(E_ERROR) ? m.get(E_ERROR).s() : null));
            } catch (RuntimeException e) {
                throw new StoreException("DynamoDB outbox entry '" + key + "' in table '" + table + "' is unreadable: "
                        + e.getMessage(), e);
            }
        });
        return result;
    }

    // ------------------------------------------------------------------------------------------ requests

    /** The item, read consistently, or {@code null}. */
    private Map<String, AttributeValue> read(String id) {
        GetItemResponse r;
        try {
            r = client.getItem(b -> b.tableName(table).key(Map.of(ID, s(id))).consistentRead(true));
        } catch (SdkException e) {
            throw failure("GetItem (observation " + id + ")", table, e);
        }
        return r.hasItem() && !r.item().isEmpty() ? r.item() : null;
    }

    /** Runs a conditional update; {@code false} when the condition failed. */
    private boolean update(String id, Update u, String operation) {
        try {
            client.updateItem(b -> b.tableName(table).key(Map.of(ID, s(id)))
                    .updateExpression(u.updateExpression())
                    .conditionExpression(u.conditionExpression())
                    .expressionAttributeNames(u.names())
                    .expressionAttributeValues(u.values()));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        } catch (SdkException e) {
            throw failure(operation, table, e);
        }
    }

    /**
     * The first {@code limit} entries of a write-sharded index in sort key order (descending unless
     * {@code forward}), optionally only those sorting at or before {@code upTo}: a query per shard, merged. A
     * shard reads its next page only when its last entry has been taken, so a small limit reads one page of
     * each shard and no more.
     */
    private List<Map<String, AttributeValue>> gather(String index, String partition, String prefix, String sort,
            Instant upTo, boolean forward, int limit, String what) {
        List<Map<String, AttributeValue>> merged = new ArrayList<>();
        if (limit <= 0) {
            return merged;
        }
        Comparator<Shard> order = Comparator.comparing(Shard::head, (a, b) -> compareEntries(a, b, sort));
        PriorityQueue<Shard> heads = new PriorityQueue<>(forward ? order : order.reversed());
        for (int i = 0; i < shards; i++) {
            Map<String, String> names = new HashMap<>(Map.of("#p", partition));
            Map<String, AttributeValue> values = new HashMap<>(Map.of(":p", s(prefix + i)));
            String condition = "#p = :p";
            if (upTo != null) {
                names.put("#k", sort);
                values.put(":upTo", instant(upTo));
                condition += " AND #k <= :upTo";
            }
            Shard shard = new Shard(QueryRequest.builder().tableName(table).indexName(index)
                    .keyConditionExpression(condition).expressionAttributeNames(names)
                    .expressionAttributeValues(values).scanIndexForward(forward)
                    .limit(Math.min(limit, pageSize)), what);
            if (shard.head() != null) {
                heads.add(shard);
            }
        }
        while (!heads.isEmpty() && merged.size() < limit) {
            Shard shard = heads.poll();
            merged.add(shard.take());
            if (merged.size() < limit && shard.head() != null) {
                heads.add(shard);
            }
        }
        return merged;
    }

    /** Index entries by their sort key (numbers by value, strings by UTF-8 bytes, as DynamoDB sorts), then id. */
    private static int compareEntries(Map<String, AttributeValue> a, Map<String, AttributeValue> b, String sort) {
        AttributeValue x = a.get(sort);
        AttributeValue y = b.get(sort);
        int c = x.n() != null
                ? new BigDecimal(x.n()).compareTo(new BigDecimal(y.n()))
                : Arrays.compareUnsigned(x.s().getBytes(StandardCharsets.UTF_8), y.s().getBytes(StandardCharsets.UTF_8));
        return c != 0 ? c : a.get(ID).s().compareTo(b.get(ID).s());
    }

    /** One shard's query, read a page at a time as its entries are taken. */
    private final class Shard {
        private final QueryRequest.Builder request;
        private final String what;
        private final ArrayDeque<Map<String, AttributeValue>> page = new ArrayDeque<>();
        private Map<String, AttributeValue> next;
        private boolean started;

        Shard(QueryRequest.Builder request, String what) {
            this.request = request;
            this.what = what;
        }

        /** The next entry, reading a page if need be; {@code null} when the shard has no more. */
        Map<String, AttributeValue> head() {
            // a page may come back empty with more to read (DynamoDB's 1 MB cap, or filtered reads)
            while (page.isEmpty() && (!started || next != null)) {
                QueryRequest q = request.exclusiveStartKey(next).build();
                QueryResponse r;
                try {
                    r = client.query(q);
                } catch (SdkException e) {
                    throw failure("Query (" + what + ", index " + q.indexName() + ")", table, e);
                }
                started = true;
                page.addAll(r.items());
                next = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
            }
            return page.peek();
        }

        Map<String, AttributeValue> take() {
            return page.poll();
        }
    }

    private static List<String> ids(List<Map<String, AttributeValue>> entries) {
        return entries.stream().map(e -> stringOf(e, ID)).toList();
    }

    /**
     * The items of these ids, read consistently, in the order given; ids without an item (expired meanwhile)
     * are left out. Indexes keep only keys, so this is how a query gets whole observations: one read unit per
     * item up to 4 KB. One {@code GetItem} each rather than {@code BatchGetItem}, which costs the same units
     * in fewer requests but is not among the actions the template grants the functions on this table.
     */
    private List<Map<String, AttributeValue>> fetch(List<String> ids) {
        return new LinkedHashSet<>(ids).stream().map(this::read).filter(Objects::nonNull).toList();
    }

    /** Up to {@code limit} items of an index query, following pages. */
    private List<Map<String, AttributeValue>> query(QueryRequest.Builder request, int limit, String what) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        if (limit <= 0) {
            return items;
        }
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest q = request.tableName(table)
                    .limit(Math.min(limit - items.size(), 1_000))
                    .exclusiveStartKey(start)
                    .build();
            QueryResponse r;
            try {
                r = client.query(q);
            } catch (SdkException e) {
                throw failure("Query (" + what + ", index " + q.indexName() + ")", table, e);
            }
            items.addAll(r.items());
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null && items.size() < limit);
        return items.size() > limit ? items.subList(0, limit) : items;
    }
}
