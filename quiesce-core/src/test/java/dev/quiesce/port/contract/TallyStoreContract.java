package dev.quiesce.port.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiesce.Arrival;
import dev.quiesce.Tally;
import dev.quiesce.port.TallyStore;
import dev.quiesce.port.TallyStore.Effect;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * What every {@link TallyStore} must do. Subclass it once per implementation; {@link #newStore()}
 * returns a fresh, empty store each time.
 */
public abstract class TallyStoreContract {

    protected static final String DS = "events";
    protected static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");

    /** A fresh, empty store. */
    protected abstract TallyStore newStore();

    protected static Arrival put(String key, long size, int second, String token) {
        return Arrival.created("bucket", key, size, T0.plusSeconds(second), token);
    }

    protected static Arrival delete(String key, int second, String token) {
        return Arrival.removed("bucket", key, T0.plusSeconds(second), token);
    }

    @Test
    void emptyDatasetHasEmptyTally() {
        assertThat(newStore().tally("nothing-here")).isEqualTo(Tally.EMPTY);
    }

    @Test
    void countsNewObjects() {
        TallyStore store = newStore();
        assertThat(store.record(DS, put("a", 10, 1, "s1"))).isEqualTo(Effect.CREATED);
        assertThat(store.record(DS, put("b", 5, 2, "s2"))).isEqualTo(Effect.CREATED);
        Tally t = store.tally(DS);
        assertThat(t.objects()).isEqualTo(2);
        assertThat(t.bytes()).isEqualTo(15);
        assertThat(t.changeSeq()).isEqualTo(2);
        assertThat(t.firstArrival()).isEqualTo(T0.plusSeconds(1));
        assertThat(t.lastArrival()).isEqualTo(T0.plusSeconds(2));
    }

    @Test
    void redeliveredArrivalIsCountedOnce() {
        TallyStore store = newStore();
        store.record(DS, put("a", 10, 1, "s1"));
        Effect again = store.record(DS, put("a", 10, 1, "s1"));
        assertThat(again).isEqualTo(Effect.DUPLICATE);
        assertThat(again.counted()).isFalse();
        assertThat(store.tally(DS)).isEqualTo(new Tally(1, 10, 0, 1, T0.plusSeconds(1), T0.plusSeconds(1)));
    }

    @Test
    void overwriteIsAChangeNotANewObject() {
        TallyStore store = newStore();
        store.record(DS, put("a", 10, 1, "s1"));
        assertThat(store.record(DS, put("a", 25, 2, "s2"))).isEqualTo(Effect.OVERWRITTEN);
        Tally t = store.tally(DS);
        assertThat(t.objects()).isEqualTo(1);
        assertThat(t.bytes()).isEqualTo(25);
        assertThat(t.changeSeq()).isEqualTo(2);
    }

    @Test
    void removalTakesTheObjectAwayAndIsCounted() {
        TallyStore store = newStore();
        store.record(DS, put("a", 10, 1, "s1"));
        assertThat(store.record(DS, delete("a", 2, "s2"))).isEqualTo(Effect.REMOVED);
        assertThat(store.tally(DS)).isEqualTo(new Tally(0, 0, 1, 2, T0.plusSeconds(1), T0.plusSeconds(2)));
    }

    @Test
    void removalThenCreationKeepsCountButMovesSequence() {
        TallyStore store = newStore();
        store.record(DS, put("a", 10, 1, "s1"));
        long before = store.tally(DS).changeSeq();
        store.record(DS, delete("a", 2, "s2"));
        store.record(DS, put("b", 10, 3, "s3"));
        assertThat(store.tally(DS).objects()).isEqualTo(1);
        assertThat(store.tally(DS).changeSeq()).isEqualTo(before + 2);
    }

    @Test
    void lateOlderVersionDoesNotReplaceNewerOne() {
        TallyStore store = newStore();
        store.record(DS, put("a", 25, 2, "s2"));
        assertThat(store.record(DS, put("a", 10, 1, "s1"))).isEqualTo(Effect.SUPERSEDED);
        Tally t = store.tally(DS);
        assertThat(t.objects()).isEqualTo(1);
        assertThat(t.bytes()).isEqualTo(25);
        assertThat(t.changeSeq()).isEqualTo(2);
        assertThat(t.firstArrival()).isEqualTo(T0.plusSeconds(1));
    }

    @Test
    void removalOfUnknownKeyCountsARemovalOnly() {
        TallyStore store = newStore();
        store.record(DS, delete("ghost", 1, "s1"));
        assertThat(store.tally(DS)).isEqualTo(new Tally(0, 0, 1, 1, T0.plusSeconds(1), T0.plusSeconds(1)));
    }

    @Test
    void countedRecordsFollowThePresentObjects() {
        TallyStore store = newStore();
        store.record(DS, put("a", 10, 1, "s1").withRecords(100));
        store.record(DS, put("b", 10, 2, "s2"));
        assertThat(store.tally(DS).records()).isEqualTo(100);
        store.record(DS, put("a", 10, 3, "s3").withRecords(70));
        assertThat(store.tally(DS).records()).isEqualTo(70);
        store.record(DS, put("b", 10, 4, "s4").withRecords(5));
        assertThat(store.tally(DS).records()).isEqualTo(75);
        store.record(DS, delete("a", 5, "s5"));
        assertThat(store.tally(DS).records()).isEqualTo(5);
        store.record(DS, put("b", 10, 4, "s4").withRecords(5));
        assertThat(store.tally(DS).records()).isEqualTo(5);
    }

    @Test
    void datasetsAreSeparate() {
        TallyStore store = newStore();
        store.record("one", put("a", 1, 1, "s1"));
        store.record("two", put("a", 1, 1, "s1"));
        assertThat(store.tally("one").objects()).isEqualTo(1);
        assertThat(store.tally("two").objects()).isEqualTo(1);
    }

    @Test
    void sameTokenOnDifferentKeysIsTwoArrivals() {
        TallyStore store = newStore();
        store.record(DS, put("a", 1, 1, "same"));
        store.record(DS, put("b", 1, 1, "same"));
        assertThat(store.tally(DS).objects()).isEqualTo(2);
    }

    @Test
    void concurrentRedeliveriesCountOnce() throws Exception {
        TallyStore store = newStore();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                futures.add(pool.submit(() -> {
                    for (int k = 0; k < 50; k++) {
                        store.record(DS, put("key-" + k, k, k, "tok-" + k));
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        Tally t = store.tally(DS);
        assertThat(t.objects()).isEqualTo(50);
        assertThat(t.changeSeq()).isEqualTo(50);
        assertThat(t.bytes()).isEqualTo(49 * 50 / 2);
    }

    /**
     * The counting law: any order of the arrivals, with any redeliveries mixed in, gives the same
     * tally as recording each distinct arrival once in event order.
     */
    @Property(tries = 60)
    void countingIgnoresOrderAndDuplicates(@ForAll("histories") List<Arrival> distinct,
                                           @ForAll("seeds") long seed) {
        List<Arrival> delivered = new ArrayList<>(distinct);
        java.util.Random random = new java.util.Random(seed);
        int dups = distinct.isEmpty() ? 0 : random.nextInt(distinct.size() + 1);
        for (int i = 0; i < dups; i++) {
            delivered.add(distinct.get(random.nextInt(distinct.size())));
        }
        java.util.Collections.shuffle(delivered, random);

        List<Arrival> inOrder = new ArrayList<>(distinct);
        inOrder.sort(Arrival.VERSION_ORDER);
        TallyStore expected = newStore();
        inOrder.forEach(a -> expected.record(DS, a));
        TallyStore actual = newStore();
        delivered.forEach(a -> actual.record(DS, a));

        assertThat(actual.tally(DS)).isEqualTo(expected.tally(DS));
        assertThat(actual.tally(DS).changeSeq()).isEqualTo(distinct.size());
    }

    @Provide
    Arbitrary<List<Arrival>> histories() {
        Arbitrary<Arrival> one = Combinators.combine(
                Arbitraries.of("a", "b", "c", "d/e", "f g"),
                Arbitraries.longs().between(0, 1000),
                Arbitraries.integers().between(0, 100),
                Arbitraries.of(true, true, true, false))
                .as((key, size, second, create) -> {
                    String token = key + "-" + second + "-" + size + (create ? "c" : "r");
                    // some objects have counted records (a function of the token, so redeliveries agree)
                    return create ? (size % 3 == 0 ? put(key, size, second, token)
                            : put(key, size, second, token).withRecords(size % 7)) : delete(key, second, token);
                });
        return one.list().ofMaxSize(25).uniqueElements(a -> a.key() + "\u0000" + a.dedupeToken());
    }

    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs();
    }
}
