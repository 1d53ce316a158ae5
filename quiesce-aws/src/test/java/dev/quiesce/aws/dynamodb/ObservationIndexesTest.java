package dev.quiesce.aws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiesce.EventType;
import dev.quiesce.LifecycleEvent;
import dev.quiesce.Observation;
import dev.quiesce.ObservationState;
import dev.quiesce.Progress;
import dev.quiesce.Tally;
import dev.quiesce.policy.DelayStrategy;
import dev.quiesce.policy.Guards;
import dev.quiesce.policy.PolicySpec;
import dev.quiesce.policy.StableCount;
import dev.quiesce.port.OutboxEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * The observation table's indexes: no constant partition value, reads that gather every shard in order and page
 * correctly, and index writes only when an indexed value changes (costed with {@link IndexWrites}, since dynalite
 * reports only the table's units).
 */
class ObservationIndexesTest {

    private static final SharedDynalite DYNALITE = new SharedDynalite();
    private static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");
    private static final PolicySpec SPEC = new PolicySpec(
            StableCount.builder().window(4).delay(DelayStrategy.constant(Duration.ofSeconds(30))).build(),
            new Guards(5, Duration.ofHours(2), Duration.ofMinutes(10)));
    private static final int SHARDS = DynamoDbObservationStore.DEFAULT_SHARDS;

    @AfterAll
    static void stopDynalite() {
        DYNALITE.close();
    }

    private static String newTable() {
        String table = SharedDynalite.newTableName("indexed");
        DynamoDbObservationStore.createTable(DYNALITE.client(), table);
        return table;
    }

    private static LifecycleEvent event(Observation o, EventType type, Instant at) {
        return new LifecycleEvent(LifecycleEvent.idOf(o.id(), o.transitions()), type, o.id(), o.datasetId(),
                o.transitions(), at, new Tally(3, 300, 1, 4, T0, T0.plusSeconds(50)), o.progress().checks(),
                o.reason(), o.startedAt(), o.activatedAt());
    }

    private static Map<String, AttributeValue> item(String table, String id) {
        return DYNALITE.client().getItem(b -> b.tableName(table).key(Map.of("id", AttributeValue.fromS(id)))
                .consistentRead(true)).item();
    }

    /** An active run with a check due at {@code next} and a pending notification due at {@code notifyAt}. */
    private static Observation activeWithEntry(DynamoDbObservationStore store, String id, Instant started,
            Instant next, Instant notifyAt) {
        Observation o = Observation.start(id, "events", SPEC, List.of("sns"), started);
        assertThat(store.create(o)).isTrue();
        Observation active = o.activate(started, next, 1);
        assertThat(store.compareAndSet(active,
                List.of(OutboxEntry.pending(event(active, EventType.ACTIVATED, notifyAt), "sns")))).isTrue();
        return active;
    }

    @Test
    void manyRunsSpreadOverEveryShardOfEachConstantKeyedIndex() {
        String table = newTable();
        DynamoDbObservationStore store = new DynamoDbObservationStore(DYNALITE.client(), table);
        List<String> ids = IntStream.range(0, 200).mapToObj(i -> "events/2024-05-01/run-" + i).toList();
        for (String id : ids) {
            activeWithEntry(store, id, T0, T0.plusSeconds(30), T0);
        }
        for (String attribute : List.of("duePart", "outboxPart", "allPart")) {
            Set<String> values = ids.stream().map(id -> item(table, id).get(attribute).s())
                    .collect(Collectors.toCollection(TreeSet::new));
            assertThat(values).as(attribute).hasSize(SHARDS);
        }
        // the shard is the run's own: the same id always lands on the same partition value
        assertThat(item(table, ids.get(7)).get("duePart").s())
                .isEqualTo("due#" + DynamoDbObservationStore.shardOf(ids.get(7), SHARDS));
    }

    @Test
    void scatterGatherReturnsEveryDueRunOnceInOrderWithSmallPages() {
        CapacityMeter meter = new CapacityMeter();
        DynamoDbClient client = DYNALITE.dynalite().client(meter);
        String table = newTable();
        DynamoDbObservationStore store = new DynamoDbObservationStore(client, table, null, SHARDS, 2);
        List<Observation> runs = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            // next checks 0..44 s after T0, two runs on each second (ties), in no particular order of creation
            Instant next = T0.plusSeconds((i * 37L) % 45);
            runs.add(activeWithEntry(store, "run-" + i, T0.plusMillis(i), next, next));
        }
        Instant now = T0.plusSeconds(30);
        List<Observation> expected = runs.stream().filter(o -> !o.nextCheckAt().isAfter(now))
                .sorted(Comparator.comparing(Observation::nextCheckAt).thenComparing(Observation::id)).toList();

        meter.reset();
        List<Observation> due = store.due(now, 1_000);
        assertThat(due).extracting(Observation::id).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(expected.stream().map(Observation::id).toList());
        assertThat(due).extracting(Observation::nextCheckAt).isSorted();
        assertThat(meter.requests("Query")).as("pages of 2 over 16 shards").isGreaterThan(SHARDS);

        meter.reset();
        assertThat(store.due(now, 7)).extracting(Observation::nextCheckAt)
                .containsExactlyElementsOf(expected.subList(0, 7).stream().map(Observation::nextCheckAt).toList());
        assertThat(meter.requests("GetItem")).as("only what is returned is read").isEqualTo(7);
        meter.reset();
        assertThat(store.nextDueAt()).contains(T0);
        assertThat(meter.requests("Query")).as("one page of one entry from each shard").isEqualTo(SHARDS);

        List<String> newestFirst = runs.stream().sorted(Comparator.comparing(Observation::startedAt).reversed())
                .map(Observation::id).toList();
        assertThat(store.list(1_000)).extracting(Observation::id).containsExactlyElementsOf(newestFirst);
        assertThat(store.list(5)).extracting(Observation::id).containsExactlyElementsOf(newestFirst.subList(0, 5));
    }

    @Test
    void claimingGathersDueEntriesFromEveryShardOnce() {
        String table = newTable();
        DynamoDbObservationStore store = new DynamoDbObservationStore(DYNALITE.client(), table, null, SHARDS, 3);
        for (int i = 0; i < 40; i++) {
            activeWithEntry(store, "run-" + i, T0, T0.plusSeconds(30), T0.plusSeconds((i * 7L) % 40));
        }
        List<OutboxEntry> first = store.claim(T0.plusSeconds(19), T0.plusSeconds(600), 6);
        assertThat(first).extracting(OutboxEntry::nextAttemptAt).isSorted()
                .containsExactlyElementsOf(IntStream.range(0, 6).mapToObj(T0::plusSeconds).toList());
        List<OutboxEntry> rest = store.claim(T0.plusSeconds(19), T0.plusSeconds(600), 1_000);
        assertThat(rest).hasSize(20 - 6).extracting(OutboxEntry::nextAttemptAt).isSorted();
        assertThat(rest).extracting(OutboxEntry::key).doesNotContainAnyElementsOf(
                first.stream().map(OutboxEntry::key).toList());
        assertThat(store.claim(T0.plusSeconds(19), T0.plusSeconds(600), 1_000)).as("all leased").isEmpty();
        assertThat(store.nextAttemptAt()).contains(T0.plusSeconds(20));
    }

    @Test
    void aRoutineCheckMovesOnlyItsDueEntryAndAFinishedRunLeavesTheDueIndex() {
        String table = newTable();
        DynamoDbObservationStore store = new DynamoDbObservationStore(DYNALITE.client(), table);
        TableDescription shape = DYNALITE.client().describeTable(b -> b.tableName(table)).table();
        Observation active = activeWithEntry(store, "events/2024-05-01", T0, T0.plusSeconds(30), T0);
        Map<String, AttributeValue> before = item(table, active.id());
        for (GlobalSecondaryIndexDescription index : shape.globalSecondaryIndexes()) {
            Map<String, AttributeValue> entry = IndexWrites.entry(shape, index, before);
            assertThat(entry).as(index.indexName() + " holds the run").isNotNull();
            assertThat(IndexWrites.size(entry)).as(index.indexName() + " entry size").isLessThanOrEqualTo(1024);
        }

        Observation checked = active.checked(active.progress().afterCheck(1), T0.plusSeconds(60));
        assertThat(store.compareAndSet(checked)).isTrue();
        Map<String, AttributeValue> after = item(table, active.id());
        assertThat(IndexWrites.of(shape, before, after)).as("a check moves the due entry: one delete, one put")
                .isEqualTo(Map.of("due", 2, "outbox-due", 0, "open-by-dataset", 0, "by-start", 0));

        Observation again = checked.checked(checked.progress().afterCheck(1), checked.nextCheckAt());
        assertThat(store.compareAndSet(again)).isTrue();
        Map<String, AttributeValue> same = item(table, active.id());
        assertThat(IndexWrites.of(shape, after, same).values()).as("nothing indexed changed").containsOnly(0);

        Observation done = again.finish(ObservationState.CANCELLED, again.progress(), T0.plusSeconds(90), "stop");
        assertThat(store.compareAndSet(done)).isTrue();
        Map<String, AttributeValue> finished = item(table, active.id());
        assertThat(finished).doesNotContainKeys("duePart", "dueAt", "openDataset");
        assertThat(IndexWrites.of(shape, same, finished))
                .isEqualTo(Map.of("due", 1, "outbox-due", 0, "open-by-dataset", 1, "by-start", 0));
    }

    /**
     * What one routine check writes, for the README's arithmetic: the table's units as dynalite reports them,
     * and each index's as {@link IndexWrites} costs them, for these keys-only indexes and for the same items had
     * the indexes projected every attribute (as they once did).
     */
    @Test
    void writeUnitsOfARoutineCheck() {
        CapacityMeter meter = new CapacityMeter();
        DynamoDbClient client = DYNALITE.dynalite().client(meter);
        String table = newTable();
        DynamoDbObservationStore store = new DynamoDbObservationStore(client, table);
        TableDescription keysOnly = client.describeTable(b -> b.tableName(table)).table();
        TableDescription all = keysOnly.toBuilder().globalSecondaryIndexes(keysOnly.globalSecondaryIndexes().stream()
                .map(i -> i.toBuilder().projection(p -> p.projectionType(ProjectionType.ALL)).build()).toList())
                .build();
        // a run as the deployment keeps one: dated id, one notifier whose activation was delivered, gaps learned
        Observation o = activeWithEntry(store, "events/2024-05-01", T0, T0.plusSeconds(30), T0);
        store.claim(T0, T0.plusSeconds(60), 10).forEach(e -> store.delivered(e.key()));
        int checks = 20;
        long itemBytes = 0;
        Map<String, Integer> keysOnlyUnits = new java.util.TreeMap<>();
        Map<String, Integer> allUnits = new java.util.TreeMap<>();
        meter.reset();
        for (int i = 1; i <= checks; i++) {
            Instant now = T0.plusSeconds(30L * i);
            Tally tally = new Tally(i, 1_000L * i, i, i, T0, now.minusSeconds(5));
            Observation next = o.checked(o.progress().afterCheck(tally, now), now.plusSeconds(30));
            Map<String, AttributeValue> before = item(table, o.id());
            assertThat(store.compareAndSet(next)).isTrue();
            Map<String, AttributeValue> after = item(table, o.id());
            itemBytes = Math.max(itemBytes, ItemSize.of(after));
            IndexWrites.of(keysOnly, before, after).forEach((k, v) -> keysOnlyUnits.merge(k, v, Integer::sum));
            IndexWrites.of(all, before, after).forEach((k, v) -> allUnits.merge(k, v, Integer::sum));
            o = next;
        }
        double table1 = meter.units("UpdateItem") / checks;
        System.out.printf("observation item: %d bytes; per routine check: table %.2f WCU (dynalite)%n", itemBytes, table1);
        System.out.printf("  keys-only index WCU per check: %s%n", perCheck(keysOnlyUnits, checks));
        System.out.printf("  ALL-projection index WCU per check: %s%n", perCheck(allUnits, checks));

        // a run's other writes: its start, and its completion with a notification
        meter.reset();
        Observation fresh = Observation.start("events/2024-05-02", "events", SPEC, List.of("sns"), T0);
        assertThat(store.create(fresh)).isTrue();
        System.out.printf("  create: table %.2f WCU (dynalite), indexes %s%n", meter.units("PutItem"),
                IndexWrites.of(keysOnly, null, item(table, fresh.id())));
        Map<String, AttributeValue> before = item(table, o.id());
        meter.reset();
        Observation done = o.finish(ObservationState.COMPLETE, o.progress(), T0.plusSeconds(30L * checks + 30), "stable");
        assertThat(store.compareAndSet(done,
                List.of(OutboxEntry.pending(event(done, EventType.COMPLETED, T0), "sns")))).isTrue();
        Map<String, AttributeValue> completed = item(table, o.id());
        System.out.printf("  completion with one entry: item %d bytes, table %.2f WCU (dynalite), indexes %s%n",
                ItemSize.of(completed), meter.units("UpdateItem"), IndexWrites.of(keysOnly, before, completed));

        // what reading due runs costs: one query page per shard, then a consistent read per run returned
        for (int i = 0; i < 100; i++) {
            activeWithEntry(store, "events/run-" + i, T0, T0.plusSeconds(10), T0);
        }
        meter.reset();
        assertThat(store.due(T0.plusSeconds(20), 100)).hasSize(100);
        System.out.printf("due(now, 100): %d queries %.1f RCU, %d GetItem %.1f RCU%n", meter.requests("Query"),
                meter.units("Query"), meter.requests("GetItem"), meter.units("GetItem"));

        assertThat(keysOnlyUnits).isEqualTo(Map.of("due", 2 * checks, "outbox-due", 0, "open-by-dataset", 0,
                "by-start", 0));
        assertThat(itemBytes).as("an item stays within two write units").isLessThanOrEqualTo(2_048);
    }

    private static String perCheck(Map<String, Integer> units, int checks) {
        return units.entrySet().stream().map(e -> e.getKey() + "=" + (double) e.getValue() / checks)
                .collect(Collectors.joining(", "));
    }
}
