package dev.quiesce.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiesce.Arrival;
import dev.quiesce.Dataset;
import dev.quiesce.GapStats;
import dev.quiesce.InvalidConfigurationException;
import dev.quiesce.Observation;
import dev.quiesce.ObservationState;
import dev.quiesce.engine.Engine;
import dev.quiesce.memory.InMemoryObservationStore;
import dev.quiesce.memory.InMemoryTallyStore;
import dev.quiesce.port.contract.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AdaptiveTest {

    private static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");

    private final MutableClock clock = MutableClock.at(T0);
    private final InMemoryObservationStore store = new InMemoryObservationStore();
    private final Engine engine = Engine.builder().tallies(new InMemoryTallyStore()).store(store).clock(clock)
            .dataset(Dataset.of("events", "bucket")).drivenExternally().build();
    private int seq;

    private void arriveAt(long seconds) {
        arriveAt(seconds, 1);
    }

    private void arriveAt(long seconds, long size) {
        clock.set(T0.plusSeconds(seconds));
        engine.monitor().accept(Arrival.created("bucket", "k" + seq, size, clock.instant(), "t" + seq++));
        engine.runOnce();
    }

    /** Runs every check at its due time until the run ends or {@code limit} passes. */
    private Observation runUntilDone(Duration limit) {
        Instant end = clock.instant().plus(limit);
        while (true) {
            Observation o = store.find("run").orElseThrow();
            if (!o.state().open() || engine.nextWorkAt().isEmpty() || engine.nextWorkAt().get().isAfter(end)) {
                return o;
            }
            clock.set(engine.nextWorkAt().get());
            engine.runOnce();
        }
    }

    @Test
    void phiGrowsWithSilence() {
        double a = Adaptive.phi(10_000, 10_000, 1_000);
        double b = Adaptive.phi(13_000, 10_000, 1_000);
        double c = Adaptive.phi(16_000, 10_000, 1_000);
        assertThat(a).isLessThan(b);
        assertThat(b).isLessThan(c);
        assertThat(a).isCloseTo(0.30, org.assertj.core.data.Offset.offset(0.01)); // half the mass beyond the mean
    }

    @Test
    void regularGapsCompleteAtTheLargestGapTimesTheFloorFactor() {
        // gaps of exactly 10 s: sd is the 100 ms minimum, so phi crosses 8 just after 10.5 s; the floor
        // 1.25 x 10 s = 12.5 s is larger, so the run completes 12.5 s after the last arrival
        engine.observer().start("run", "events", PolicySpec.parse("adaptive min-sd=100ms"));
        for (int i = 0; i <= 10; i++) {
            arriveAt(10L * i);
        }
        Observation done = runUntilDone(Duration.ofHours(1));
        assertThat(done.state()).isEqualTo(ObservationState.COMPLETE);
        assertThat(done.finishedAt()).isEqualTo(T0.plusMillis(112_500));
        assertThat(done.progress().gaps().count()).isEqualTo(10);
        assertThat(done.reason()).startsWith("silence of 13s is improbable: phi >= 8.0 (10 gaps, mean 10s");
    }

    @Test
    void irregularGapsWaitLongerThanTheirLargestGap() {
        engine.observer().start("run", "events", PolicySpec.parse("adaptive floor-factor=1.0"));
        long[] at = {0, 5, 20, 22, 40, 41, 60, 75};
        for (long s : at) {
            arriveAt(s);
        }
        Adaptive a = (Adaptive) PolicySpec.parse("adaptive floor-factor=1.0").policy();
        GapStats g = store.find("run").orElseThrow().progress().gaps();
        long quiet = a.requiredSilenceMillis(g);
        assertThat(quiet).isGreaterThan(g.maxMillis());
        Observation done = runUntilDone(Duration.ofHours(1));
        assertThat(done.finishedAt()).isEqualTo(T0.plusSeconds(75).plusMillis(quiet));
    }

    @Test
    void theDefaultSpreadIsAtLeastOneSecond() {
        // the same 10 s gaps with the default 1 s minimum spread: phi crosses 8 past the 12.5 s floor
        engine.observer().start("run", "events", PolicySpec.parse("adaptive"));
        for (int i = 0; i <= 10; i++) {
            arriveAt(10L * i);
        }
        Observation done = runUntilDone(Duration.ofHours(1));
        long quiet = Duration.between(T0.plusSeconds(100), done.finishedAt()).toMillis();
        assertThat(quiet).isBetween(14_000L, 16_000L);
        assertThat(quiet).isEqualTo(Adaptive.ofDefaults().requiredSilenceMillis(done.progress().gaps()));
    }

    @Test
    void whileDataFlowsAHintHoldsTheRunForTheBufferInterval() {
        // 10 s gaps are shorter than half the 1 min hint: a buffer may still hold data, so the run waits
        // floor-factor x hint = 75 s rather than the ~15 s its gaps alone would give
        engine.observer().start("run", "events", PolicySpec.parse("adaptive hint=1m"));
        for (int i = 0; i <= 10; i++) {
            arriveAt(10L * i);
        }
        assertThat(runUntilDone(Duration.ofHours(1)).finishedAt()).isEqualTo(T0.plusSeconds(175));
    }

    @Test
    void afterABufferDrainsPhiAloneDecides() {
        // a Firehose-like stream: 5 MB flushes by size every 5 s, producers stop, and the remainder of
        // the buffer lands when its 60 s interval expires
        engine.observer().start("run", "events", PolicySpec.parse("adaptive hint=1m"));
        for (int i = 0; i <= 40; i++) {
            arriveAt(5L * i, 5_000_000);
        }
        clock.set(T0.plusSeconds(200 + 59));
        engine.runOnce();
        assertThat(store.find("run").orElseThrow().state().open())
                .as("the drain gap itself must not look like the end").isTrue();
        arriveAt(260, 1_200_000);
        GapStats g = store.find("run").orElseThrow().progress().gaps();
        assertThat(g.lastGapMillis()).isEqualTo(60_000);
        assertThat(g.lastObjectsFullSize()).isFalse();
        long quiet = ((Adaptive) PolicySpec.parse("adaptive hint=1m").policy()).requiredSilenceMillis(g);
        // the 60 s drain is part of the spread, so phi crosses well past the 5 s flow gaps, yet sooner
        // than the buffer interval: no floor from a gap the hint explains
        assertThat(quiet).isBetween(30_000L, 60_000L);
        Observation done = runUntilDone(Duration.ofHours(1));
        assertThat(done.state()).isEqualTo(ObservationState.COMPLETE);
        assertThat(done.finishedAt()).isEqualTo(T0.plusSeconds(260).plusMillis(quiet));
    }

    @Test
    void aFullSizeObjectAfterALongGapIsNoDrain() {
        // a flush retried a minute late lands whole: the buffer behind it may still hold data
        engine.observer().start("run", "events", PolicySpec.parse("adaptive hint=1m"));
        for (int i = 0; i <= 40; i++) {
            arriveAt(5L * i, 5_000_000);
        }
        arriveAt(260, 5_000_000);
        assertThat(store.find("run").orElseThrow().progress().gaps().lastObjectsFullSize()).isTrue();
        assertThat(runUntilDone(Duration.ofHours(1)).finishedAt()).isEqualTo(T0.plusSeconds(260 + 75));
    }

    @Test
    void gapStatsKeepTheSizeOfTheLatestObjectsAgainstTheLargest() {
        GapStats g = GapStats.from(T0).observe(T0.plusSeconds(1), 2, 2_000).observe(T0.plusSeconds(2), 3, 2_500);
        assertThat(g.lastObjectBytes()).isEqualTo(500);
        assertThat(g.largestObjectBytes()).isEqualTo(1_000);
        assertThat(g.lastObjectsFullSize()).isFalse();
        assertThat(g.observe(T0.plusSeconds(3), 4, 3_450).lastObjectsFullSize()).as("950 of 1000").isTrue();
        assertThat(GapStats.NONE.lastObjectsFullSize()).as("unknown").isFalse();
    }

    @Test
    void aGapLongerThanTheBufferingAllowsStillSetsAFloor() {
        Adaptive a = (Adaptive) PolicySpec.parse("adaptive hint=1m").policy();
        GapStats g = GapStats.from(T0);
        for (long s : new long[] {5, 10, 15, 20, 25, 30, 330}) {
            g = g.observe(T0.plusSeconds(s));
        }
        // a 5 min gap is no buffer interval: 1.25 x 300 s
        assertThat(a.requiredSilenceMillis(g)).isGreaterThanOrEqualTo(375_000);
    }

    @Test
    void theGammaModelWaitsLongerOnAnIrregularTrickle() {
        // exponential-looking gaps (sd = mean): the normal tail calls a gap of 6 means improbable
        GapStats g = GapStats.from(T0);
        long t = 0;
        for (long gap : new long[] {10, 80, 20, 45, 5, 60, 30, 110, 15, 75}) {
            t += gap;
            g = g.observe(T0.plusSeconds(t));
        }
        Adaptive normal = Adaptive.builder().floorFactor(1.0).build();
        Adaptive gamma = Adaptive.builder().floorFactor(1.0).gamma(true).build();
        assertThat(gamma.requiredSilenceMillis(g)).isGreaterThan(2 * normal.requiredSilenceMillis(g));
        assertThat(gamma.spec()).endsWith(" model=gamma");
        assertThat(PolicySpec.parse(gamma.spec()).policy()).isEqualTo(gamma);
    }

    @Test
    void withTooFewGapsItFallsBackToStableCount() {
        engine.observer().start("run", "events", PolicySpec.parse("adaptive fallback=10s"));
        arriveAt(0);
        arriveAt(3);
        // two gaps are not enough: stable count with window 3 and 10 s delays from the last check
        Observation done = runUntilDone(Duration.ofHours(1));
        assertThat(done.reason()).isEqualTo("tally unchanged for 3 consecutive checks");
    }

    @Test
    void badParametersAreRefused() {
        assertThatThrownBy(() -> PolicySpec.parse("adaptive threshold=0")).isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("threshold must be in (0, 16]");
        assertThatThrownBy(() -> PolicySpec.parse("adaptive min-gaps=1")).hasMessageContaining("min-gaps must be >= 2");
        assertThatThrownBy(() -> PolicySpec.parse("adaptive floor-factor=0.5")).hasMessageContaining("floor-factor must be >= 1");
        assertThatThrownBy(() -> PolicySpec.parse("adaptive hint=0s")).hasMessageContaining("hint must be > 0");
        assertThatThrownBy(() -> PolicySpec.parse("adaptive model=poisson"))
                .hasMessageContaining("unknown gap model 'poisson': use model=normal or model=gamma");
    }
}
