package dev.quiesce.port.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiesce.Arrival;
import dev.quiesce.KeyDigest;
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
    /** When the tests' monitor sees arrivals, unless a test says otherwise. */
    protected static final Instant SEEN = Instant.parse("2024-05-01T01:00:00Z");

    /** A fresh, empty store. */
    protected abstract TallyStore newStore();

    protected static Arrival put(String key, long size, int second, String token) {
        return Arrival.created("bucket", key, size, T0.plusSeconds(second), token);
    }

    protected static Arrival delete(String key, int second, String token) {
        return Arrival.removed("bucket", key, T0.plusSeconds(second), token);
    }

    /**
     * Whether the store can count keys under a prefix; a store that keeps keys only as digests says no,
     * and must then refuse {@link TallyStore#presentUnder} rather than answer wrongly.
     */
    protected boolean countsUnderPrefix() {
        return true;
    }

    @Test
    void presentKeysAreTheOnesWhoseLatestVersionIsACreation() {
        TallyStore store = newStore();
        store.record(DS, put("in/A/a1", 10, 1, "s1"), SEEN);
        store.record(DS, put("in/A/a2", 10, 2, "s2"), SEEN);
        store.record(DS, put("in/B/b1", 10, 3, "s3"), SEEN);
        store.record(DS, delete("in/A/a2", 4, "s4"), SEEN);
        store.record("other", put("in/A/a3", 10, 5, "s5"), SEEN);
        assertThat(store.present(DS, java.util.List.of("in/A/a1", "in/A/a2", "in/A/a3", "in/B/b1")))
                .containsExactlyInAnyOrder("in/A/a1", "in/B/b1");
        assertThat(store.present("nothing-here", java.util.List.of("in/A/a1"))).isEmpty();
        assertThat(store.present(DS, java.util.List.of())).isEmpty();
        if (countsUnderPrefix()) {
            assertThat(store.presentUnder(DS, "in/A/")).isEqualTo(1);
            assertThat(store.presentUnder(DS, "in/")).isEqualTo(2);
            assertThat(store.presentUnder(DS, "in/C/")).isZero();
            assertThat(store.presentUnder("nothing-here", "in/")).isZero();
            // a prefix is compared literally: SQL wildcards in it match only themselves
            store.record(DS, put("in/%_/x", 10, 6, "s6"), SEEN);
            assertThat(store.presentUnder(DS, "in/%_/")).isEqualTo(1);
        } else {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.presentUnder(DS, "in/A/"))
                    .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("prefix");
        }
    }

    @Test
    void emptyDatasetHasEmptyTally() {
        assertThat(newStore().tally("nothing-here")).isEqualTo(Tally.EMPTY);
    }

    @Test
    void countsNewObjects() {
        TallyStore store = newStore();
        assertThat(store.record(DS, put("a", 10, 1, "s1"), SEEN)).isEqualTo(Effect.CREATED);
        assertThat(store.record(DS, put("b", 5, 2, "s2"), SEEN)).isEqualTo(Effect.CREATED);
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
        store.record(DS, put("a", 10, 1, "s1"), SEEN);
        Effect again = store.record(DS, put("a", 10, 1, "s1"), SEEN);
        assertThat(again).isEqualTo(Effect.DUPLICATE);
        assertThat(again.counted()).isFalse();
        assertCounts(store.tally(DS), 1, 10, 0, 1, T0.plusSeconds(1), T0.plusSeconds(1));
    }

    @Test
    void overwriteIsAChangeNotANewObject() {
        TallyStore store = newStore();
        store.record(DS, put("a", 10, 1, "s1"), SEEN);
        assertThat(store.record(DS, put("a", 25, 2, "s2"), SEEN)).isEqualTo(Effect.OVERWRITTEN);
        Tally t = store.tally(DS);
        assertThat(t.objects()).isEqualTo(1);
        assertThat(t.bytes()).isEqualTo(25);
        assertThat(t.changeSeq()).isEqualTo(2);
    }

    @Test
    void removalTakesTheObjectAwayAndIsCounted() {
        TallyStore store = newStore();
        store.record(DS, put("a", 10, 1, "s1"), SEEN);
        assertThat(store.record(DS, delete("a", 2, "s2"), SEEN)).isEqualTo(Effect.REMOVED);
        assertCounts(store.tally(DS), 0, 0, 1, 2, T0.plusSeconds(1), T0.plusSeconds(2));
    }

    @Test
    void removalThenCreationKeepsCountButMovesSequence() {
        TallyStore store = newStore();
        store.record(DS, put("a", 10, 1, "s1"), SEEN);
        long before = store.tally(DS).changeSeq();
        store.record(DS, delete("a", 2, "s2"), SEEN);
        store.record(DS, put("b", 10, 3, "s3"), SEEN);
        assertThat(store.tally(DS).objects()).isEqualTo(1);
        assertThat(store.tally(DS).changeSeq()).isEqualTo(before + 2);
    }

    @Test
    void lateOlderVersionDoesNotReplaceNewerOne() {
        TallyStore store = newStore();
        store.record(DS, put("a", 25, 2, "s2"), SEEN);
        assertThat(store.record(DS, put("a", 10, 1, "s1"), SEEN)).isEqualTo(Effect.SUPERSEDED);
        Tally t = store.tally(DS);
        assertThat(t.objects()).isEqualTo(1);
        assertThat(t.bytes()).isEqualTo(25);
        assertThat(t.changeSeq()).isEqualTo(2);
        assertThat(t.firstArrival()).isEqualTo(T0.plusSeconds(1));
    }

    @Test
    void removalOfUnknownKeyCountsARemovalOnly() {
        TallyStore store = newStore();
        store.record(DS, delete("ghost", 1, "s1"), SEEN);
        assertCounts(store.tally(DS), 0, 0, 1, 1, T0.plusSeconds(1), T0.plusSeconds(1));
    }

    @Test
    void countedRecordsFollowThePresentObjects() {
        TallyStore store = newStore();
        store.record(DS, put("a", 10, 1, "s1").withRecords(100), SEEN);
        store.record(DS, put("b", 10, 2, "s2"), SEEN);
        assertThat(store.tally(DS).records()).isEqualTo(100);
        store.record(DS, put("a", 10, 3, "s3").withRecords(70), SEEN);
        assertThat(store.tally(DS).records()).isEqualTo(70);
        store.record(DS, put("b", 10, 4, "s4").withRecords(5), SEEN);
        assertThat(store.tally(DS).records()).isEqualTo(75);
        store.record(DS, delete("a", 5, "s5"), SEEN);
        assertThat(store.tally(DS).records()).isEqualTo(5);
        store.record(DS, put("b", 10, 4, "s4").withRecords(5), SEEN);
        assertThat(store.tally(DS).records()).isEqualTo(5);
    }

    @Test
    void datasetsAreSeparate() {
        TallyStore store = newStore();
        store.record("one", put("a", 1, 1, "s1"), SEEN);
        store.record("two", put("a", 1, 1, "s1"), SEEN);
        assertThat(store.tally("one").objects()).isEqualTo(1);
        assertThat(store.tally("two").objects()).isEqualTo(1);
    }

    @Test
    void sameTokenOnDifferentKeysIsTwoArrivals() {
        TallyStore store = newStore();
        store.record(DS, put("a", 1, 1, "same"), SEEN);
        store.record(DS, put("b", 1, 1, "same"), SEEN);
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
                        store.record(DS, put("key-" + k, k, k, "tok-" + k), SEEN);
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
        inOrder.forEach(a -> expected.record(DS, a, SEEN));
        TallyStore actual = newStore();
        delivered.forEach(a -> actual.record(DS, a, SEEN));

        assertThat(actual.tally(DS)).isEqualTo(expected.tally(DS));
        assertThat(actual.tally(DS).changeSeq()).isEqualTo(distinct.size());
        assertThat(actual.tally(DS).digest()).isEqualTo(digestOfLatest(distinct));
    }

    @Test
    void recordingABatchHasTheEffectsOfRecordingItsArrivalsOneByOne() {
        List<Arrival> batch = List.of(
                put("a", 10, 1, "s1"),
                put("b", 5, 2, "s2"),
                put("a", 10, 1, "s1"), // redelivered within the batch
                put("a", 25, 3, "s3"), // overwrite of a key created earlier in the batch
                delete("b", 4, "s4"),
                put("a", 7, 0, "s0"), // older than the batch's latest version of a
                delete("never", 5, "s5"),
                put("c", 1, 6, "s6").withVersion("v6:1"));
        TallyStore oneByOne = newStore();
        List<Effect> expected = new ArrayList<>();
        batch.forEach(a -> expected.add(oneByOne.record(DS, a, SEEN)));
        TallyStore batched = newStore();
        assertThat(batched.recordAll(DS, batch, SEEN)).containsExactlyElementsOf(expected);
        assertThat(batched.tally(DS)).isEqualTo(oneByOne.tally(DS));
        assertThat(batched.present(DS, List.of("a", "b", "c", "never"))).containsExactlyInAnyOrder("a", "c");
        // the whole batch again is a redelivery: nothing moves, not even the seen time
        assertThat(batched.recordAll(DS, batch, SEEN.plusSeconds(60))).containsOnly(Effect.DUPLICATE);
        assertThat(batched.tally(DS)).isEqualTo(oneByOne.tally(DS));
        assertThat(batched.recordAll(DS, List.of(), SEEN)).isEmpty();
        assertThat(batched.recordAll("other", List.of(put("a", 10, 1, "s1")), SEEN))
                .as("datasets stay separate in a batch").containsExactly(Effect.CREATED);
    }

    /** The counting law again, with the deliveries cut into batches of any size. */
    @Property(tries = 40)
    void batchesCountAsTheirArrivalsWould(@ForAll("histories") List<Arrival> distinct, @ForAll("seeds") long seed) {
        List<Arrival> delivered = new ArrayList<>(distinct);
        java.util.Random random = new java.util.Random(seed);
        int dups = distinct.isEmpty() ? 0 : random.nextInt(distinct.size() + 1);
        for (int i = 0; i < dups; i++) {
            delivered.add(distinct.get(random.nextInt(distinct.size())));
        }
        java.util.Collections.shuffle(delivered, random);
        TallyStore oneByOne = newStore();
        List<Effect> expected = new ArrayList<>();
        delivered.forEach(a -> expected.add(oneByOne.record(DS, a, SEEN)));
        TallyStore batched = newStore();
        List<Effect> actual = new ArrayList<>();
        for (int from = 0; from < delivered.size(); ) {
            int to = Math.min(delivered.size(), from + 1 + random.nextInt(6));
            actual.addAll(batched.recordAll(DS, delivered.subList(from, to), SEEN));
            from = to;
        }
        assertThat(actual).containsExactlyElementsOf(expected);
        assertThat(batched.tally(DS)).isEqualTo(oneByOne.tally(DS));
        assertThat(batched.tally(DS).digest()).isEqualTo(digestOfLatest(distinct));
    }

    /** The digest of the present keys at their latest versions, computed from scratch. */
    private static long digestOfLatest(List<Arrival> distinct) {
        java.util.Map<String, Arrival> latest = new java.util.HashMap<>();
        for (Arrival a : distinct) {
            latest.merge(a.key(), a, (x, y) -> Arrival.VERSION_ORDER.compare(x, y) >= 0 ? x : y);
        }
        long digest = 0;
        for (Arrival a : latest.values()) {
            digest += KeyDigest.of(a);
        }
        return digest;
    }

    protected static void assertCounts(Tally t, long objects, long bytes, long removals, long changeSeq,
                                       Instant firstArrival, Instant lastArrival) {
        assertThat(t.objects()).as("objects").isEqualTo(objects);
        assertThat(t.bytes()).as("bytes").isEqualTo(bytes);
        assertThat(t.removals()).as("removals").isEqualTo(removals);
        assertThat(t.changeSeq()).as("changeSeq").isEqualTo(changeSeq);
        assertThat(t.firstArrival()).as("firstArrival").isEqualTo(firstArrival);
        assertThat(t.lastArrival()).as("lastArrival").isEqualTo(lastArrival);
    }

    @Test
    void sequencerOrdersOneKeysEventsWhateverTheirEventTimes() {
        TallyStore store = newStore();
        // the newer write (larger sequencer) carries the earlier event time, as S3 can report
        Arrival newer = put("a", 25, 1, "T2").withSequencer("0055B5A2C2A4E1A1F0");
        Arrival older = put("a", 10, 9, "T1").withSequencer("0055B5A2C2A4E1A1E");
        assertThat(store.record(DS, newer, SEEN)).isEqualTo(Effect.CREATED);
        assertThat(store.record(DS, older, SEEN)).isEqualTo(Effect.SUPERSEDED);
        assertThat(store.tally(DS).bytes()).isEqualTo(25);
        // and the other way round: the later sequencer replaces, though its event time is earlier
        TallyStore other = newStore();
        other.record(DS, older, SEEN);
        assertThat(other.record(DS, newer, SEEN)).isEqualTo(Effect.OVERWRITTEN);
        assertThat(other.tally(DS).bytes()).isEqualTo(25);
        assertThat(other.tally(DS).digest()).isEqualTo(store.tally(DS).digest());
    }

    @Test
    void withoutSequencersEventTimeDecides() {
        TallyStore store = newStore();
        store.record(DS, put("a", 25, 9, "zz-later"), SEEN);
        assertThat(store.record(DS, put("a", 10, 1, "aa-earlier"), SEEN)).isEqualTo(Effect.SUPERSEDED);
        assertThat(store.tally(DS).bytes()).isEqualTo(25);
    }

    @Test
    void sequencersCompareAsPaddedHex() {
        assertThat(Arrival.compareSequencers("0A", "0A00")).isZero();
        assertThat(Arrival.compareSequencers("0B", "0A99")).isPositive();
        assertThat(Arrival.compareSequencers("ff", "FE")).isPositive();
    }

    @Test
    void seenTimeMovesWithEveryDistinctArrivalButNotWithRedeliveries() {
        TallyStore store = newStore();
        store.record(DS, put("a", 10, 1, "s1"), SEEN);
        assertThat(store.tally(DS).lastSeen()).isEqualTo(SEEN);
        store.record(DS, put("a", 10, 1, "s1"), SEEN.plusSeconds(60));
        assertThat(store.tally(DS).lastSeen()).as("a redelivery is not activity").isEqualTo(SEEN);
        // an older version landing late changes nothing but shows the pipe still delivers
        store.record(DS, put("a", 5, 0, "s0"), SEEN.plusSeconds(90));
        assertThat(store.tally(DS).lastSeen()).isEqualTo(SEEN.plusSeconds(90));
        assertThat(store.tally(DS).lastArrival()).as("event times stay for reporting").isEqualTo(T0.plusSeconds(1));
        // a clock behind another process's never moves it back
        store.record(DS, put("b", 1, 2, "s2"), SEEN.plusSeconds(30));
        assertThat(store.tally(DS).lastSeen()).isEqualTo(SEEN.plusSeconds(90));
    }

    @Test
    void digestCoversExactlyThePresentKeysAtTheirVersions() {
        TallyStore store = newStore();
        store.record(DS, put("a", 10, 1, "s1").withVersion("e1:10"), SEEN);
        store.record(DS, put("b", 20, 2, "s2").withVersion("e2:20"), SEEN);
        assertThat(store.tally(DS).digest()).isEqualTo(KeyDigest.of("a", "e1:10", 10) + KeyDigest.of("b", "e2:20", 20));
        store.record(DS, put("a", 11, 3, "s3").withVersion("e3:11"), SEEN);
        assertThat(store.tally(DS).digest()).isEqualTo(KeyDigest.of("a", "e3:11", 11) + KeyDigest.of("b", "e2:20", 20));
        store.record(DS, delete("b", 4, "s4"), SEEN);
        assertThat(store.tally(DS).digest()).isEqualTo(KeyDigest.of("a", "e3:11", 11));
        store.record(DS, delete("a", 5, "s5"), SEEN);
        assertThat(store.tally(DS).digest()).isZero();
    }

    @Provide
    Arbitrary<List<Arrival>> histories() {
        Arbitrary<Arrival> one = Combinators.combine(
                Arbitraries.of("a", "b", "c", "d/e", "f g", "s/1", "s/2"),
                Arbitraries.longs().between(0, 1000),
                Arbitraries.integers().between(0, 100),
                Arbitraries.of(true, true, true, false),
                Arbitraries.longs().between(0, 0xFFFFF))
                .as((key, size, second, create, sequence) -> {
                    String token = key + "-" + second + "-" + size + (create ? "c" : "r");
                    // some objects have counted records (a function of the token, so redeliveries agree)
                    Arrival a = create ? (size % 3 == 0 ? put(key, size, second, token)
                            : put(key, size, second, token).withRecords(size % 7)) : delete(key, second, token);
                    a = a.withVersion(size % 2 == 0 ? "v" + size : null);
                    // keys under s/ come from S3 events: ordered by sequencers unrelated to their event times
                    return key.startsWith("s/") ? a.withSequencer(Long.toHexString(sequence)) : a;
                });
        return one.list().ofMaxSize(25).uniqueElements(a -> a.key() + "\u0000" + a.dedupeToken());
    }

    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs();
    }
}
