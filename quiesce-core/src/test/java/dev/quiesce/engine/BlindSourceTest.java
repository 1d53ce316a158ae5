package dev.quiesce.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiesce.Arrival;
import dev.quiesce.Dataset;
import dev.quiesce.EventType;
import dev.quiesce.Observation;
import dev.quiesce.ObservationState;
import dev.quiesce.memory.InMemoryObservationStore;
import dev.quiesce.memory.InMemoryTallyStore;
import dev.quiesce.policy.DelayStrategy;
import dev.quiesce.policy.Guards;
import dev.quiesce.policy.InactivityPeriod;
import dev.quiesce.policy.Policy;
import dev.quiesce.policy.PolicySpec;
import dev.quiesce.policy.StableCount;
import dev.quiesce.port.contract.MutableClock;
import dev.quiesce.port.contract.VirtualTimeline;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A source that cannot see holds its run: nothing completes while it is blind, the silence clock does not
 * run, and a blindness that lasts the blind timeout ends the run BLIND, never COMPLETE.
 */
class BlindSourceTest {

    private static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");

    private final MutableClock clock = MutableClock.at(T0);
    private final InMemoryObservationStore store = new InMemoryObservationStore();
    private final Engine engine = Engine.builder()
            .tallies(new InMemoryTallyStore())
            .store(store)
            .clock(clock)
            .dataset(Dataset.of("events", "bucket"))
            .blindTimeout(Duration.ofMinutes(2))
            .drivenExternally()
            .build();

    private VirtualTimeline start(Policy policy) {
        engine.observer().start("obs", "events", new PolicySpec(policy, Guards.NONE));
        return new VirtualTimeline(engine, store, clock)
                .arrive(Arrival.created("bucket", "part-0", 100, T0, "s0"));
    }

    private Runnable blind(String reason) {
        return () -> engine.monitor().blind("bucket", reason);
    }

    private Runnable seeing() {
        return () -> engine.monitor().seeing("bucket");
    }

    @Test
    void silenceDoesNotRunWhileBlind() {
        // quiet from 0; blind from 10 s to 50 s: 40 s of it do not count, so 30 s of quiet end at 70 s
        VirtualTimeline t = start(InactivityPeriod.of(Duration.ofSeconds(30)))
                .at(T0.plusSeconds(10), blind("the watched directory is gone"))
                .at(T0.plusSeconds(50), seeing());
        Observation done = t.runUntilFinished("obs", Duration.ofHours(1));
        assertThat(done.state()).isEqualTo(ObservationState.COMPLETE);
        assertThat(done.finishedAt()).isEqualTo(T0.plusSeconds(70));
    }

    @Test
    void blindWhenQuietWasDueCompletesOnlyAfterSightReturns() {
        VirtualTimeline t = start(InactivityPeriod.of(Duration.ofSeconds(30)))
                .at(T0.plusSeconds(20), blind("listing s3://bucket/ failed: Connection refused"))
                .at(T0.plusSeconds(100), seeing());
        Observation done = t.runUntilFinished("obs", Duration.ofHours(1));
        assertThat(done.state()).isEqualTo(ObservationState.COMPLETE);
        assertThat(done.finishedAt()).as("20 s quiet before, 10 s after sight returned").isEqualTo(T0.plusSeconds(110));
    }

    @Test
    void blindForTheTimeoutEndsBlindNeverComplete() {
        VirtualTimeline t = start(InactivityPeriod.of(Duration.ofSeconds(30)))
                .at(T0.plusSeconds(10), blind("the watched directory /data/landing is gone"));
        Observation done = t.runUntilFinished("obs", Duration.ofHours(1));
        assertThat(done.state()).isEqualTo(ObservationState.BLIND);
        assertThat(done.finishedAt()).isEqualTo(T0.plusSeconds(10 + 120));
        assertThat(done.reason()).contains("source blind for 2m").contains("/data/landing is gone");
        assertThat(store.entriesOf("obs")).isEmpty(); // no notifiers; the event type is what the state leads to
        assertThat(EventType.into(ObservationState.BLIND)).isEqualTo(EventType.BLIND);
    }

    @Test
    void aChecksStreakStartsOverAfterBlindness() {
        // stable window 3, checks every 10 s: unblinded it completes at 30 s. Blind from 25 s: the check at 30 s
        // starts the streak over; when sight returns at 45 s the run is checked at once (streak 1), then 55, 65
        StableCount stable = StableCount.builder().window(3).delay(DelayStrategy.constant(Duration.ofSeconds(10))).build();
        VirtualTimeline t = start(stable)
                .at(T0.plusSeconds(25), blind("cannot read 1 path(s) under /data, first a/b"))
                .at(T0.plusSeconds(45), seeing());
        Observation done = t.runUntilFinished("obs", Duration.ofHours(1));
        assertThat(done.state()).isEqualTo(ObservationState.COMPLETE);
        assertThat(done.finishedAt()).as("three unchanged checks after sight returned at 45 s").isEqualTo(T0.plusSeconds(65));
    }

    @Test
    void beingBrieflyBehindOnEveryPassDoesNotSpeedUpTheChecks() {
        // a big tree: every 2 s rescan is behind for 500 ms. The note's 30 s x 3 keeps its 30 s grid: no check
        // falls in a blind spell, so it completes at 90 s exactly as it would without them
        StableCount stable = StableCount.builder().window(3).delay(DelayStrategy.constant(Duration.ofSeconds(30))).build();
        VirtualTimeline t = start(stable);
        for (int k = 0; k < 100; k++) {
            t.at(T0.plusMillis(1_000 + 2_000L * k), blind(dev.quiesce.Blindness.BEHIND + "scanning /data"))
                    .at(T0.plusMillis(1_500 + 2_000L * k), seeing());
        }
        Observation done = t.runUntilFinished("obs", Duration.ofHours(1));
        assertThat(done.state()).isEqualTo(ObservationState.COMPLETE);
        assertThat(done.finishedAt()).isEqualTo(T0.plusSeconds(90));
        assertThat(done.progress().checks()).isEqualTo(3);
    }

    @Test
    void aWaitingRunBlindForTheTimeoutEndsBlind() {
        engine.observer().start("obs", "events", new PolicySpec(InactivityPeriod.of(Duration.ofSeconds(30)), Guards.NONE));
        VirtualTimeline t = new VirtualTimeline(engine, store, clock).at(T0.plusSeconds(5), blind("gone"));
        Observation done = t.runUntilFinished("obs", Duration.ofHours(1));
        assertThat(done.state()).isEqualTo(ObservationState.BLIND);
        assertThat(done.finishedAt()).isEqualTo(T0.plusSeconds(125));
    }

    @Test
    void aWaitingRunCheckedWhileBlindStillEndsAtTheBlindTimeout() {
        // the overdue report makes a WAITING check of its own at 60 s, inside the blind spell
        engine.observer().start("obs", "events", new PolicySpec(InactivityPeriod.of(Duration.ofSeconds(30)),
                Guards.NONE.withOverdue(Duration.ofSeconds(60)).withDeadline(Duration.ofHours(2))));
        VirtualTimeline t = new VirtualTimeline(engine, store, clock).at(T0.plusSeconds(5), blind("gone"));
        Observation done = t.runUntilFinished("obs", Duration.ofHours(3));
        assertThat(done.state()).isEqualTo(ObservationState.BLIND);
        assertThat(done.finishedAt()).isEqualTo(T0.plusSeconds(125));
    }
}
