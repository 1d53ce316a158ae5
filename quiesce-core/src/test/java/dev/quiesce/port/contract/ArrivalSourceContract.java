package dev.quiesce.port.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quiesce.Arrival;
import dev.quiesce.KeyDigest;
import dev.quiesce.memory.InMemoryTallyStore;
import dev.quiesce.port.ArrivalSink;
import dev.quiesce.port.ArrivalSource;
import dev.quiesce.port.TallyStore;
import dev.quiesce.port.TallyStore.Effect;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ArrivalSource} without storage events must do (a directory tree, an object listing),
 * so that sources re-emit keys alike and a store counts what they report the same way. Subclass it once
 * per source over a real location: a temporary directory, an S3-compatible server.
 */
public abstract class ArrivalSourceContract {

    private static final Instant SEEN = Instant.parse("2024-05-01T00:00:00Z");
    private static final Duration LIMIT = Duration.ofSeconds(30);

    /** A source over the test's location, empty at first; background passes at most a few hundred ms apart. */
    protected abstract ArrivalSource newSource();

    /** Writes (or rewrites) an object; each call must look changed to a listing (new content or time). */
    protected abstract void put(String key, String content);

    protected abstract void delete(String key);

    /** Makes the whole location impossible to see: the directory gone, the server down. */
    protected abstract void hide();

    /** Undoes {@link #hide()}, with what the location held. */
    protected abstract void reveal();

    /** A sink that records everything it hears, safe to read from the test thread. */
    protected static final class Recording implements ArrivalSink {
        final List<Arrival> arrivals = Collections.synchronizedList(new ArrayList<>());
        final List<String> sight = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void accept(Arrival arrival) {
            arrivals.add(arrival);
        }

        @Override
        public void blind(String reason) {
            sight.add("blind: " + reason);
        }

        @Override
        public void seeing() {
            sight.add("seeing");
        }

        List<Arrival> arrivals() {
            synchronized (arrivals) {
                return List.copyOf(arrivals);
            }
        }

        List<String> sight() {
            synchronized (sight) {
                return List.copyOf(sight);
            }
        }
    }

    private static List<Effect> record(TallyStore store, List<Arrival> arrivals) {
        List<Effect> effects = new ArrayList<>();
        for (Arrival a : arrivals) {
            effects.add(store.record("ds", a, SEEN));
        }
        return effects;
    }

    @Test
    void reportsEachNewObjectOnceWithItsSizeAndVersion() {
        put("a.csv", "abc");
        put("d/b.csv", "hello");
        Recording sink = new Recording();
        try (ArrivalSource source = newSource()) {
            assertThat(source.scanOnce(sink)).isEqualTo(2);
            assertThat(source.scanOnce(sink)).as("an unchanged location reports nothing").isZero();
        }
        assertThat(sink.arrivals()).extracting(Arrival::kind, Arrival::size)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(Arrival.Kind.CREATED, 3L),
                        org.assertj.core.groups.Tuple.tuple(Arrival.Kind.CREATED, 5L));
        assertThat(sink.arrivals()).allSatisfy(a -> assertThat(a.version()).isNotBlank());
        assertThat(sink.arrivals()).extracting(a -> a.key().substring(a.key().lastIndexOf('/') + 1))
                .containsExactlyInAnyOrder("a.csv", "b.csv");
    }

    @Test
    void anOverwriteIsReportedOnceAndSortsAfterThePreviousVersion() {
        put("a.csv", "x");
        Recording sink = new Recording();
        try (ArrivalSource source = newSource()) {
            source.scanOnce(sink);
            put("a.csv", "yy");
            assertThat(source.scanOnce(sink)).isEqualTo(1);
        }
        List<Arrival> a = sink.arrivals();
        assertThat(Arrival.VERSION_ORDER.compare(a.get(1), a.get(0))).isPositive();
        TallyStore store = new InMemoryTallyStore();
        assertThat(record(store, a)).containsExactly(Effect.CREATED, Effect.OVERWRITTEN);
        assertThat(store.tally("ds").bytes()).isEqualTo(2);
    }

    @Test
    void contentChangedBackIsStillAChange() {
        put("a.csv", "x");
        Recording sink = new Recording();
        try (ArrivalSource source = newSource()) {
            source.scanOnce(sink);
            put("a.csv", "yy");
            source.scanOnce(sink);
            put("a.csv", "x");
            source.scanOnce(sink);
        }
        assertThat(sink.arrivals()).extracting(Arrival::dedupeToken).doesNotHaveDuplicates();
        TallyStore store = new InMemoryTallyStore();
        assertThat(record(store, sink.arrivals())).containsExactly(Effect.CREATED, Effect.OVERWRITTEN, Effect.OVERWRITTEN);
        assertThat(store.tally("ds").bytes()).isEqualTo(1);
    }

    @Test
    void aRemovalIsReportedOnceAndAWriteAfterItCountsAgain() {
        put("a.csv", "x");
        Recording sink = new Recording();
        try (ArrivalSource source = newSource()) {
            source.scanOnce(sink);
            delete("a.csv");
            assertThat(source.scanOnce(sink)).isEqualTo(1);
            assertThat(source.scanOnce(sink)).isZero();
            put("a.csv", "x"); // the very same content again
            assertThat(source.scanOnce(sink)).isEqualTo(1);
        }
        assertThat(sink.arrivals()).extracting(Arrival::kind)
                .containsExactly(Arrival.Kind.CREATED, Arrival.Kind.REMOVED, Arrival.Kind.CREATED);
        TallyStore store = new InMemoryTallyStore();
        assertThat(record(store, sink.arrivals())).containsExactly(Effect.CREATED, Effect.REMOVED, Effect.CREATED);
        assertThat(store.tally("ds").objects()).isEqualTo(1);
    }

    @Test
    void aRestartedSourceCountsNothingTwice() {
        put("a.csv", "x");
        put("b.csv", "yy");
        Recording first = new Recording();
        try (ArrivalSource source = newSource()) {
            source.scanOnce(first);
            put("a.csv", "zzz"); // an overwrite before the restart
            source.scanOnce(first);
        }
        Recording again = new Recording();
        try (ArrivalSource source = newSource()) {
            source.scanOnce(again);
        }
        TallyStore store = new InMemoryTallyStore();
        record(store, first.arrivals());
        long seq = store.tally("ds").changeSeq();
        assertThat(record(store, again.arrivals())).containsOnly(Effect.DUPLICATE);
        assertThat(store.tally("ds").changeSeq()).as("a restart is no activity").isEqualTo(seq);
    }

    @Test
    void theDigestOfWhatItReportedIsTheDigestOfTheLocation() {
        put("a.csv", "x");
        put("b.csv", "yy");
        Recording sink = new Recording();
        try (ArrivalSource source = newSource()) {
            source.scanOnce(sink);
            put("b.csv", "zzz");
            delete("a.csv");
            put("c.csv", "cccc");
            source.scanOnce(sink);
        }
        TallyStore store = new InMemoryTallyStore();
        record(store, sink.arrivals());
        Recording fresh = new Recording();
        try (ArrivalSource source = newSource()) {
            source.scanOnce(fresh);
        }
        long listed = 0;
        for (Arrival a : fresh.arrivals()) {
            listed += KeyDigest.of(a);
        }
        assertThat(store.tally("ds").digest()).isEqualTo(listed);
    }

    @Test
    void aLocationItCannotSeeHoldsTheRunAndReportsNoRemovals() {
        put("a.csv", "x");
        Recording sink = new Recording();
        try (ArrivalSource source = newSource()) {
            source.start(sink);
            hide();
            await().atMost(LIMIT).until(() -> sink.sight().stream().anyMatch(s -> s.startsWith("blind: ")));
            int heardBlind = sink.sight().size();
            assertThat(sink.arrivals()).extracting(Arrival::kind).as("not seeing is not a removal")
                    .containsOnly(Arrival.Kind.CREATED);
            reveal();
            put("b.csv", "yy");
            await().atMost(LIMIT).until(() -> sink.sight().subList(heardBlind, sink.sight().size()).contains("seeing")
                    && sink.arrivals().stream().anyMatch(a -> a.key().endsWith("b.csv")));
        }
        assertThat(sink.arrivals()).extracting(Arrival::kind).containsOnly(Arrival.Kind.CREATED);
    }
}
