package dev.quiesce.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiesce.Arrival;
import dev.quiesce.Dataset;
import dev.quiesce.EventType;
import dev.quiesce.LifecycleEvent;
import dev.quiesce.Observation;
import dev.quiesce.ObservationState;
import dev.quiesce.memory.InMemoryObservationStore;
import dev.quiesce.memory.InMemoryTallyStore;
import dev.quiesce.policy.PolicySpec;
import dev.quiesce.port.contract.MutableClock;
import dev.quiesce.port.contract.RecordingNotifier;
import dev.quiesce.port.contract.VirtualTimeline;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@code deletes=allow|fail} on virtual time: a removal is activity, or it ends the run naming the key. */
class DeletionsTest {

    private static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");

    private final MutableClock clock = MutableClock.at(T0);
    private final InMemoryObservationStore store = new InMemoryObservationStore();
    private final InMemoryTallyStore tallies = new InMemoryTallyStore();
    private final RecordingNotifier notifier = new RecordingNotifier("recording");
    private final Engine engine = Engine.builder()
            .tallies(tallies)
            .store(store)
            .clock(clock)
            .dataset(Dataset.of("events", "bucket"))
            .notifier(notifier)
            .drivenExternally()
            .build();

    private VirtualTimeline timeline(String spec) {
        engine.observer().start("obs", "events", PolicySpec.parse(spec));
        return new VirtualTimeline(engine, store, clock)
                .arrive(Arrival.created("bucket", "part-0", 100, T0, "c0"))
                .arrive(Arrival.created("bucket", "part-1", 100, T0.plusSeconds(10), "c1"))
                .arrive(Arrival.removed("bucket", "part-0", T0.plusSeconds(50), "r0"));
    }

    @Test
    void withFailARemovalEndsTheRunAsDeletedNamingTheKey() {
        VirtualTimeline t = timeline("stable window=3 delay=constant:30s deletes=fail");
        Observation done = t.runUntilFinished("obs", Duration.ofHours(1));
        assertThat(done.state()).isEqualTo(ObservationState.DELETED);
        assertThat(done.finishedAt()).isEqualTo(T0.plusSeconds(50));
        assertThat(done.reason()).contains("part-0");
        engine.runOnce();
        assertThat(notifier.delivered()).extracting(LifecycleEvent::type).containsExactly(EventType.DELETED);
        assertThat(notifier.delivered().get(0).type().cloudEventType()).isEqualTo("dev.quiesce.observation.deleted");
        assertThat(notifier.delivered().get(0).reason()).isEqualTo("removed part-0 (deletes=fail)");
    }

    @Test
    void withAllowARemovalResetsStableCountsStreak() {
        // checks at 30 (seq moved by the arrival at 10: streak 0), 60 (the removal at 50 moved it: streak 0),
        // 90, 120, 150 unchanged: complete at 150. Without the removal it would complete at 120.
        VirtualTimeline t = timeline("stable window=3 delay=constant:30s");
        Observation done = t.runUntilFinished("obs", Duration.ofHours(1));
        assertThat(done.state()).isEqualTo(ObservationState.COMPLETE);
        assertThat(done.finishedAt()).isEqualTo(T0.plusSeconds(150));
        assertThat(tallies.tally("events").objects()).isEqualTo(1);
        assertThat(tallies.tally("events").removals()).isEqualTo(1);
    }

    @Test
    void withAllowARemovalRestartsInactivitysQuiet() {
        // quiet from the removal at 50, not from the last creation at 10
        Observation done = timeline("inactivity period=45s").runUntilFinished("obs", Duration.ofHours(1));
        assertThat(done.state()).isEqualTo(ObservationState.COMPLETE);
        assertThat(done.finishedAt()).isEqualTo(T0.plusSeconds(95));
    }
}
