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
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Late data on virtual time: LATE amendments once per check within the lateness, then sealing and a new run. */
class LateDataTest {

    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

    private final MutableClock clock = MutableClock.at(T0);
    private final InMemoryObservationStore store = new InMemoryObservationStore();
    private final RecordingNotifier notifier = new RecordingNotifier("recording");
    private final Engine engine = Engine.builder()
            .tallies(new InMemoryTallyStore())
            .store(store)
            .clock(clock)
            .dataset(Dataset.of("events", "bucket"))
            .notifier(notifier)
            .autoStart(PolicySpec.parse("stable window=2 delay=constant:10s lateness=1h"))
            .drivenExternally()
            .build();
    private int seq;

    private void put() {
        engine.monitor().accept(Arrival.created("bucket", "k" + seq, 1, clock.instant(), "t" + seq++));
    }

    private void advance(Duration d) {
        clock.advance(d);
        engine.runOnce();
    }

    private Observation run(String id) {
        return store.find(id).orElseThrow();
    }

    @Test
    void lateArrivalsAreReportedAsNumberedAmendmentsOncePerCheckThenTheRunIsSealed() {
        put();
        advance(Duration.ofSeconds(10));
        advance(Duration.ofSeconds(10));
        Observation done = run("events/2024-05-01");
        assertThat(done.state()).isEqualTo(ObservationState.COMPLETE);
        assertThat(done.watching()).isTrue();

        clock.advance(Duration.ofMinutes(5));
        put();
        put();
        put();
        advance(Duration.ofSeconds(10));
        assertThat(run("events/2024-05-01").amendments()).isEqualTo(1);

        clock.advance(Duration.ofMinutes(20));
        put();
        advance(Duration.ofSeconds(10));
        advance(Duration.ofSeconds(10));
        assertThat(notifier.delivered()).extracting(LifecycleEvent::type)
                .containsExactly(EventType.COMPLETED, EventType.LATE, EventType.LATE);
        assertThat(notifier.delivered().get(1).reason()).startsWith("late data: amendment 1, tally now 4 objects");
        assertThat(notifier.delivered().get(1).amendment()).isEqualTo(1);
        assertThat(notifier.delivered().get(2).amendment()).isEqualTo(2);
        assertThat(LifecycleEvent.decode(notifier.delivered().get(2).encode())).isEqualTo(notifier.delivered().get(2));
        assertThat(notifier.delivered().get(2).reason()).startsWith("late data: amendment 2, tally now 5 objects");

        advance(Duration.ofHours(1));
        Observation sealed = run("events/2024-05-01");
        assertThat(sealed.watching()).isFalse();
        assertThat(sealed.state()).isEqualTo(ObservationState.COMPLETE);
        assertThat(sealed.amendments()).isEqualTo(2);
    }

    @Test
    void anArrivalAfterSealingStartsTheNextRun() {
        put();
        advance(Duration.ofSeconds(10));
        advance(Duration.ofSeconds(10));
        advance(Duration.ofHours(1));
        assertThat(run("events/2024-05-01").watching()).isFalse();
        put();
        assertThat(run("events/2024-05-01#2").state()).isEqualTo(ObservationState.ACTIVE);
        advance(Duration.ofSeconds(10));
        advance(Duration.ofSeconds(10));
        assertThat(run("events/2024-05-01#2").state()).isEqualTo(ObservationState.COMPLETE);
        assertThat(notifier.delivered()).extracting(LifecycleEvent::id)
                .containsExactly("events/2024-05-01/2", "events/2024-05-01#2/2");
    }

    @Test
    void withoutLatenessACompletedRunStopsWatchingAtOnce() {
        Engine plain = Engine.builder().tallies(new InMemoryTallyStore()).store(store).clock(clock)
                .dataset(Dataset.of("events", "bucket"))
                .autoStart(PolicySpec.parse("stable window=2 delay=constant:10s")).drivenExternally().build();
        plain.monitor().accept(Arrival.created("bucket", "a", 1, clock.instant(), "a"));
        for (int i = 0; i < 2; i++) {
            clock.advance(Duration.ofSeconds(10));
            plain.runOnce();
        }
        assertThat(run("events/2024-05-01").watching()).isFalse();
        assertThat(store.nextDueAt()).isEmpty();
    }
}
