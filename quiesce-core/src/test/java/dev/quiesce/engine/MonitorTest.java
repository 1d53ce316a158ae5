package dev.quiesce.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiesce.Arrival;
import dev.quiesce.Dataset;
import dev.quiesce.Observation;
import dev.quiesce.ObservationState;
import dev.quiesce.memory.InMemoryObservationStore;
import dev.quiesce.memory.InMemoryTallyStore;
import dev.quiesce.policy.PolicySpec;
import dev.quiesce.port.contract.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MonitorTest {

    private static final Instant T0 = Instant.parse("2024-05-01T23:59:00Z");

    private final MutableClock clock = MutableClock.at(T0);
    private final InMemoryObservationStore store = new InMemoryObservationStore();
    private final InMemoryTallyStore tallies = new InMemoryTallyStore();
    private final Engine engine = Engine.builder().tallies(tallies).store(store).clock(clock)
            .dataset(Dataset.of("events", "bucket", "events/"))
            .dataset(Dataset.of("clicks", "bucket", "events/clicks/"))
            .autoStart(PolicySpec.stable(3, Duration.ofSeconds(10)))
            .drivenExternally().build();

    private void put(String key, Instant at) {
        engine.monitor().accept(Arrival.created("bucket", key, 1, at, key + at));
    }

    @Test
    void routesByLongestPrefixAndCountsUnroutedUnderTheBucket() {
        put("events/a", T0);
        put("events/clicks/b", T0);
        put("elsewhere/c", T0);
        assertThat(tallies.tally("events").objects()).isEqualTo(1);
        assertThat(tallies.tally("clicks").objects()).isEqualTo(1);
        assertThat(tallies.tally("bucket").objects()).isEqualTo(1);
    }

    @Test
    void firstArrivalStartsOneActiveRunPerDatasetAndDay() {
        put("events/a", T0);
        put("events/b", T0.plusSeconds(5));
        Observation run = store.find("events/2024-05-01").orElseThrow();
        assertThat(run.state()).isEqualTo(ObservationState.ACTIVE);
        assertThat(store.list(10)).extracting(Observation::id).containsExactly("events/2024-05-01");
    }

    @Test
    void aFinishedRunIsNotStartedAgainButTheNextDayIs() {
        put("events/a", T0);
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofSeconds(10));
            engine.runOnce();
        }
        assertThat(store.find("events/2024-05-01").orElseThrow().state()).isEqualTo(ObservationState.COMPLETE);
        put("events/late", T0.plusSeconds(31));
        assertThat(store.find("events/2024-05-01").orElseThrow().state()).isEqualTo(ObservationState.COMPLETE);
        put("events/next-day", T0.plusSeconds(120));
        assertThat(store.find("events/2024-05-02").orElseThrow().state()).isEqualTo(ObservationState.ACTIVE);
    }

    @Test
    void redeliveriesDoNotStartAnything() {
        Arrival a = Arrival.created("bucket", "events/a", 1, T0, "s1");
        engine.monitor().accept(a);
        store.find("events/2024-05-01").orElseThrow();
        engine.observer().cancel("events/2024-05-01", "test");
        engine.monitor().accept(a);
        assertThat(store.list(10)).extracting(Observation::id)
                .containsExactly("events/2024-05-01");
    }

    @Test
    void aDatedDatasetKeepsOneTallyAndOneRunPerDate() {
        Engine dated = Engine.builder().tallies(tallies).store(store).clock(clock)
                .dataset(Dataset.of("firehose", "bucket", "fh/{yyyy}/{MM}/{dd}/"))
                .autoStart(PolicySpec.stable(3, Duration.ofSeconds(10)))
                .drivenExternally().build();
        dated.monitor().accept(Arrival.created("bucket", "fh/2024/05/01/23/a", 5, T0, "a"));
        dated.monitor().accept(Arrival.created("bucket", "fh/2024/05/02/00/b", 7, T0.plusSeconds(90), "b"));
        assertThat(tallies.tally("firehose/2024-05-01").bytes()).isEqualTo(5);
        assertThat(tallies.tally("firehose/2024-05-02").bytes()).isEqualTo(7);
        assertThat(store.list(10)).extracting(Observation::id)
                .containsExactlyInAnyOrder("firehose/2024-05-01", "firehose/2024-05-02");
    }

    @Test
    void aBatchCountsRoutesAndStartsRunsAsItsArrivalsOneByOneWould() {
        java.util.List<Arrival> batch = java.util.List.of(
                Arrival.created("bucket", "events/a", 1, T0, "a1"),
                Arrival.created("bucket", "events/clicks/b", 2, T0, "b1"),
                Arrival.created("bucket", "events/a", 1, T0, "a1"), // redelivered within the batch
                Arrival.created("bucket", "events/c", 3, T0.plusSeconds(90), "c1"),
                Arrival.removed("bucket", "events/a", T0.plusSeconds(1), "a2"),
                Arrival.created("bucket", "elsewhere/d", 4, T0, "d1"));
        engine.monitor().sink("bucket").acceptAll(batch);
        assertThat(tallies.tally("events").objects()).isEqualTo(1);
        assertThat(tallies.tally("events").removals()).isEqualTo(1);
        assertThat(tallies.tally("events").changeSeq()).isEqualTo(3);
        assertThat(tallies.tally("clicks").objects()).isEqualTo(1);
        assertThat(tallies.tally("bucket").objects()).isEqualTo(1);
        // one run per dataset, dated by the batch's first arrival there, active
        assertThat(store.list(10)).extracting(Observation::id).containsExactlyInAnyOrder(
                "events/2024-05-01", "clicks/2024-05-01", "bucket/2024-05-01");
        assertThat(store.find("events/2024-05-01").orElseThrow().state()).isEqualTo(ObservationState.ACTIVE);
        // the same batch again is all redelivery: nothing moves
        engine.monitor().sink("bucket").acceptAll(batch);
        assertThat(tallies.tally("events").changeSeq()).isEqualTo(3);
    }

    @Test
    void arrivalsAcceptedOneByOneInsideABatchAreRecordedWhenItEnds() {
        dev.quiesce.port.ArrivalSink plain = a -> engine.monitor().accept(a); // a sink that knows only accept
        dev.quiesce.port.ArrivalBatch.run(() -> {
            plain.accept(Arrival.created("bucket", "events/a", 1, T0, "a1"));
            plain.accept(Arrival.created("bucket", "events/b", 1, T0, "b1"));
            assertThat(tallies.tally("events").objects()).as("deferred to the batch").isZero();
        });
        assertThat(tallies.tally("events").objects()).isEqualTo(2);
        assertThat(store.find("events/2024-05-01").orElseThrow().state()).isEqualTo(ObservationState.ACTIVE);
    }
    private Engine datedEngine(String autoStart) {
        return Engine.builder().tallies(tallies).store(store).clock(clock)
                .dataset(Dataset.of("firehose", "bucket", "fh/{yyyy}/{MM}/{dd}/"))
                .dataset(Dataset.of("events", "bucket", "events/"))
                .autoStart(PolicySpec.parse(autoStart))
                .drivenExternally().build();
    }

    @Test
    void aDatedRunStartsWithTheEndOfThePeriodItsKeyNames() {
        Engine dated = datedEngine("stable window=3 delay=constant:30s deadline=6h");
        // named 23:xx on May 1st, landed after midnight: still May 1st's run
        dated.monitor().accept(Arrival.created("bucket", "fh/2024/05/01/23/a", 5, T0.plusSeconds(90), "a"));
        Observation run = store.find("firehose/2024-05-01").orElseThrow();
        assertThat(run.spec().text())
                .isEqualTo("stable window=3 delay=constant:30s deadline=6h period-end=2024-05-02T00:00:00Z");
        assertThat(run.state()).isEqualTo(ObservationState.ACTIVE);
        // an undated dataset's run has no period
        dated.monitor().accept(Arrival.created("bucket", "events/x", 5, T0, "x"));
        assertThat(store.find("events/2024-05-01").orElseThrow().spec().guards().periodEnd()).isNull();
    }

    @Test
    void aPeriodEndTheAutoStartSpecSetsIsKept() {
        Engine dated = datedEngine("stable window=3 delay=constant:30s period-end=2024-05-03T00:00:00Z");
        dated.monitor().accept(Arrival.created("bucket", "fh/2024/05/01/23/a", 5, T0, "a"));
        assertThat(store.find("firehose/2024-05-01").orElseThrow().spec().guards().periodEnd())
                .isEqualTo(Instant.parse("2024-05-03T00:00:00Z"));
    }

    @Test
    void aKeyNamingNoCalendarDateStartsARunWithoutAPeriod() {
        Engine dated = datedEngine("stable window=3 delay=constant:30s");
        dated.monitor().accept(Arrival.created("bucket", "fh/2024/13/01/a", 5, T0, "a"));
        assertThat(tallies.tally("firehose/2024-13-01").objects()).isEqualTo(1);
        Observation run = store.find("firehose/2024-13-01").orElseThrow();
        assertThat(run.state()).isEqualTo(ObservationState.ACTIVE);
        assertThat(run.spec().guards().periodEnd()).isNull();
    }

    @Test
    void aBatchStartsDatedRunsWithTheirPeriodEnds() {
        Engine dated = datedEngine("stable window=3 delay=constant:30s");
        dated.monitor().sink("bucket").acceptAll(java.util.List.of(
                Arrival.created("bucket", "fh/2024/05/01/23/a", 5, T0, "a"),
                Arrival.created("bucket", "fh/2024/05/02/00/b", 5, T0.plusSeconds(70), "b")));
        assertThat(store.find("firehose/2024-05-01").orElseThrow().spec().guards().periodEnd())
                .isEqualTo(Instant.parse("2024-05-02T00:00:00Z"));
        assertThat(store.find("firehose/2024-05-02").orElseThrow().spec().guards().periodEnd())
                .isEqualTo(Instant.parse("2024-05-03T00:00:00Z"));
    }
}
