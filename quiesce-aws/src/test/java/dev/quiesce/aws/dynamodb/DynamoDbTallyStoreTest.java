package dev.quiesce.aws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiesce.Arrival;
import dev.quiesce.StoreException;
import dev.quiesce.Tally;
import dev.quiesce.memory.InMemoryTallyStore;
import dev.quiesce.port.TallyStore;
import dev.quiesce.port.TallyStore.Effect;
import dev.quiesce.port.contract.MutableClock;
import dev.quiesce.port.contract.TallyStoreContract;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.lifecycle.AfterContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

class DynamoDbTallyStoreTest extends TallyStoreContract {

    /** A head with an S3-sequencer-sized token must cost one write unit. */
    private static final int BYTES_PER_HEAD = 1024;

    private static final SharedDynalite DYNALITE = new SharedDynalite();

    @AfterAll
    @AfterContainer
    static void stopDynalite() {
        DYNALITE.close();
    }

    /** Keys are kept only as digests: listed keys can be tested, a prefix cannot be counted. */
    @Override
    protected boolean countsUnderPrefix() {
        return false;
    }

    /**
     * Four shards, and a clock that leaps past the settle time at every look, so every read folds all
     * that was recorded before it: the contract holds over folded counters as over the unfolded changes.
     */
    @Override
    protected TallyStore newStore() {
        return DynamoDbTallyStore.builder(DYNALITE.client(), newTable()).shards(4).clock(new LeapingClock()).build();
    }

    /** The contract once more, nothing ever folded: the tally from the changes alone. */
    @org.junit.jupiter.api.Nested
    class NeverFolded extends TallyStoreContract {
        @Override
        protected boolean countsUnderPrefix() {
            return false;
        }

        @Override
        protected TallyStore newStore() {
            return DynamoDbTallyStore.builder(DYNALITE.client(), newTable()).shards(4)
                    .settle(Duration.ofDays(3650)).build();
        }
    }

    /** Three minutes later at every look. */
    private static final class LeapingClock extends java.time.Clock {
        private final java.util.concurrent.atomic.AtomicLong minutes = new java.util.concurrent.atomic.AtomicLong();

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return SEEN.plus(Duration.ofMinutes(3 * minutes.incrementAndGet()));
        }
    }

    private static String newTable() {
        String table = SharedDynalite.newTableName("tally");
        DynamoDbTallyStore.createTable(DYNALITE.client(), table);
        return table;
    }

    @Test
    void manyThreadsOnSeveralClientsCountTheDistinctArrivalsExactly() throws Exception {
        String table = newTable();
        List<TallyStore> stores = List.of(
                new DynamoDbTallyStore(DYNALITE.dynalite().client(), table, DynamoDbTallyStore.DEFAULT_SHARDS),
                new DynamoDbTallyStore(DYNALITE.dynalite().client(), table, DynamoDbTallyStore.DEFAULT_SHARDS),
                new DynamoDbTallyStore(DYNALITE.dynalite().client(), table, DynamoDbTallyStore.DEFAULT_SHARDS));
        // 30 keys in two datasets: creations, overwrites (some arriving before the version they replace)
        // and removals; every thread sends all of them, each in its own order, so each is redelivered
        List<Arrival> distinct = new ArrayList<>();
        for (int k = 0; k < 30; k++) {
            distinct.add(put("key-" + k, k, k, "seq-" + k + "-a"));
            if (k % 3 == 0) {
                distinct.add(put("key-" + k, 1000 + k, 100 + k, "seq-" + k + "-b"));
            }
            if (k % 5 == 0) {
                distinct.add(delete("key-" + k, 200 + k, "seq-" + k + "-c"));
            }
        }
        int threads = 6;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> futures = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                TallyStore store = stores.get(t % stores.size());
                List<Arrival> mine = new ArrayList<>(distinct);
                Collections.shuffle(mine, new Random(t));
                String dataset = t % 2 == 0 ? "even" : "odd";
                futures.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    for (Arrival a : mine) {
                        store.record(DS, a, SEEN);
                        store.record(dataset, a, SEEN);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Tally expected = expected(distinct);
        assertThat(expected.changeSeq()).isEqualTo(distinct.size());
        for (TallyStore store : stores) {
            assertThat(store.tally(DS)).isEqualTo(expected);
            assertThat(store.tally("even")).isEqualTo(expected);
            assertThat(store.tally("odd")).isEqualTo(expected);
        }
    }

    /** The tally of each distinct arrival recorded once, in version order, by the reference store. */
    private static Tally expected(List<Arrival> distinct) {
        List<Arrival> inOrder = new ArrayList<>(distinct);
        inOrder.sort(Arrival.VERSION_ORDER);
        InMemoryTallyStore reference = new InMemoryTallyStore();
        inOrder.forEach(a -> reference.record(DS, a, SEEN));
        return reference.tally(DS);
    }

    @Test
    void anItemStaysUnderOneKilobyteWhateverTheDatasetHolds() {
        String table = newTable();
        TallyStore store = DynamoDbTallyStore.builder(DYNALITE.client(), table).shards(1).build();
        int keys = 300;
        for (int k = 0; k < keys; k++) {
            // Firehose-like keys (long: only a digest is stored) and S3 sequencers (18 hex digits, padded to 32)
            String key = String.format("2024/05/01/00/stream-1-2024-05-01-00-%02d-00-%08x-1a2b-3c4d-5e6f.gz", k % 60, k);
            // as S3EventParser makes them: the padded sequencer is the token and the order, eTag:size the version
            String sequencer = String.format("0062E99A88DC%06X", k) + "00000000000000";
            long size = 128L * 1024 * 1024 + k;
            store.record(DS, Arrival.created("bucket", key, size, T0.plusMillis(1_234L * k), sequencer)
                    .withSequencer(sequencer).withVersion(String.format("%032x", k * 7919L) + ":" + size), SEEN);
        }
        List<Map<String, AttributeValue>> items = DYNALITE.client().scan(b -> b.tableName(table)).items();
        assertThat(items).hasSize(keys);
        long largest = items.stream().mapToLong(ItemSize::of).max().orElseThrow();
        System.out.printf("dynamodb tally head: at most %d bytes%n", largest);
        assertThat(largest).as("largest head").isLessThan(BYTES_PER_HEAD);
        assertThat(store.tally(DS).objects()).isEqualTo(keys);
    }

    @Test
    void readsFoldSettledChangesIntoTheCountersAndStayExact() {
        MutableClock clock = MutableClock.at(SEEN.toString());
        String table = newTable();
        TallyStore store = DynamoDbTallyStore.builder(DYNALITE.client(), table).shards(2)
                .settle(Duration.ofMinutes(2)).clock(clock).build();
        InMemoryTallyStore reference = new InMemoryTallyStore();
        List<Arrival> arrivals = new ArrayList<>();
        for (int k = 0; k < 20; k++) {
            arrivals.add(put("key-" + k, 10 + k, k, "a-" + k));
            if (k % 4 == 0) {
                arrivals.add(put("key-" + k, 100 + k, 100 + k, "b-" + k)); // overwrites, some folded first
            }
            if (k % 6 == 0) {
                arrivals.add(delete("key-" + k, 200 + k, "c-" + k));
            }
        }
        Collections.shuffle(arrivals, new Random(7));
        for (Arrival a : arrivals) {
            assertThat(store.record(DS, a, clock.instant())).isEqualTo(reference.record(DS, a, clock.instant()));
            clock.advance(Duration.ofSeconds(37));
            assertThat(store.tally(DS)).isEqualTo(reference.tally(DS));
        }
        Map<String, AttributeValue> counters = DYNALITE.client().getItem(b -> b.tableName(table)
                .key(Map.of("pk", AttributeValue.fromS(DS), "sk", AttributeValue.fromS(DynamoDbTallyStore.COUNTERS_SK))))
                .item();
        assertThat(counters).as("folded counters").containsKey("w");
        clock.advance(Duration.ofHours(1));
        assertThat(store.tally(DS)).isEqualTo(reference.tally(DS));
        // everything settled: the counters alone are the tally, and a fresh reader agrees
        assertThat(DynamoDbTallyStore.builder(DYNALITE.client(), table).shards(2).clock(clock).build().tally(DS))
                .isEqualTo(reference.tally(DS));
    }

    @Test
    void versionOrderHoldsBelowTheMillisecond() {
        TallyStore store = newStore();
        Arrival newer = Arrival.created("bucket", "a", 20, T0.plusNanos(1_500), "z");
        Arrival older = Arrival.created("bucket", "a", 10, T0.plusNanos(1_400), "zz");
        store.record(DS, newer, SEEN);
        assertThat(store.record(DS, older, SEEN)).isEqualTo(Effect.SUPERSEDED);
        assertCounts(store.tally(DS), 1, 20, 0, 2, T0.plusNanos(1_400), T0.plusNanos(1_500));
    }

    @Test
    void redeliveredOlderVersionIsADuplicateNotSuperseded() {
        TallyStore store = newStore();
        store.record(DS, put("a", 10, 1, "s1"), SEEN);
        store.record(DS, put("a", 20, 2, "s2"), SEEN);
        assertThat(store.record(DS, put("a", 10, 1, "s1"), SEEN)).isEqualTo(Effect.DUPLICATE);
        assertThat(store.tally(DS).changeSeq()).isEqualTo(2);
    }

    @Test
    void shardCountOutsideItsRangeIsRefused() {
        assertThatThrownBy(() -> new DynamoDbTallyStore(DYNALITE.client(), "tally", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shards");
        assertThatThrownBy(() -> new DynamoDbTallyStore(DYNALITE.client(), "tally", DynamoDbTallyStore.MAX_SHARDS + 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shards");
    }

    @Test
    void missingTableIsAStoreFaultKeepingTheCause() {
        TallyStore store = new DynamoDbTallyStore(DYNALITE.client(), "no-such-table", 4);
        assertThatThrownBy(() -> store.record(DS, put("a", 1, 1, "s1"), SEEN))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("no-such-table")
                .hasCauseInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> store.tally(DS)).isInstanceOf(StoreException.class);
    }
}
