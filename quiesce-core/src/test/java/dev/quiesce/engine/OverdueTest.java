package dev.quiesce.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiesce.Arrival;
import dev.quiesce.Dataset;
import dev.quiesce.EventType;
import dev.quiesce.LifecycleEvent;
import dev.quiesce.Observation;
import dev.quiesce.ObservationState;
import dev.quiesce.Sent;
import dev.quiesce.memory.InMemoryObservationStore;
import dev.quiesce.memory.InMemoryTallyStore;
import dev.quiesce.policy.PolicySpec;
import dev.quiesce.port.contract.MutableClock;
import dev.quiesce.port.contract.RecordingNotifier;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The soft deadline on virtual time: one OVERDUE report, the run keeps waiting, one completion after it. */
class OverdueTest {

    private static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");

    private final MutableClock clock = MutableClock.at(T0);
    private final InMemoryObservationStore store = new InMemoryObservationStore();
    private final InMemoryTallyStore tallies = new InMemoryTallyStore();
    private final RecordingNotifier notifier = new RecordingNotifier("recording");
    private Engine engine = engine();
    private int seq;

    private Engine engine() {
        return Engine.builder().tallies(tallies).store(store).clock(clock).dataset(Dataset.of("events", "bucket"))
                .notifier(notifier).drivenExternally().build();
    }

    private void put() {
        engine.monitor().accept(Arrival.created("bucket", "part-" + seq, 10, clock.instant(), "s" + seq++));
        engine.runOnce();
    }

    private void at(int seconds) {
        clock.set(T0.plusSeconds(seconds));
        engine.runOnce();
    }

    private Observation run() {
        return store.find("run").orElseThrow();
    }

    @Test
    void overdueIsReportedOnceWithWhatIsMissingAndTheRunThenCompletesOnce() {
        engine.observer().start("run", "events", PolicySpec.parse("expected unit=objects overdue=1m deadline=10m"));
        engine.monitor().closed("events", "loader", new Sent(Sent.UNKNOWN, Sent.UNKNOWN, 3));
        put();
        put();
        at(59);
        assertThat(notifier.delivered()).as("activation is not delivered by default").isEmpty();
        at(60);
        assertThat(run().state()).isEqualTo(ObservationState.ACTIVE);
        assertThat(run().overdueReportedAt()).isEqualTo(T0.plusSeconds(60));
        LifecycleEvent overdue = notifier.delivered().get(0);
        assertThat(overdue.type()).isEqualTo(EventType.OVERDUE);
        assertThat(overdue.time()).isEqualTo(T0.plusSeconds(60));
        assertThat(overdue.reason()).contains("1 of 3 declared objects missing").contains("still waiting");
        at(120);
        at(300);
        clock.set(T0.plusSeconds(400));
        put();
        assertThat(run().state()).isEqualTo(ObservationState.COMPLETE);
        assertThat(notifier.delivered()).extracting(LifecycleEvent::type)
                .containsExactly(EventType.OVERDUE, EventType.COMPLETED);
        // ACTIVATED was transition 1, OVERDUE 2, COMPLETED 3: each its own CloudEvent id
        assertThat(notifier.delivered()).extracting(LifecycleEvent::id).containsExactly("run/2", "run/3");
    }

    @Test
    void aHeuristicRunIsReportedOverdueEvenWhileWaitingAndTheReportSurvivesARestart() {
        engine.observer().start("run", "events", PolicySpec.parse("inactivity period=5m overdue=2m deadline=1h"));
        at(120);
        assertThat(run().state()).isEqualTo(ObservationState.WAITING);
        assertThat(notifier.delivered()).extracting(LifecycleEvent::type).containsExactly(EventType.OVERDUE);
        assertThat(notifier.delivered().get(0).reason()).contains("nothing has arrived");
        // a new engine on the same store (a restarted process) knows the report was made
        engine = engine();
        put();
        at(121);
        at(200);
        at(120 + 300);
        assertThat(run().state()).isEqualTo(ObservationState.COMPLETE);
        assertThat(notifier.delivered()).extracting(LifecycleEvent::type)
                .containsExactly(EventType.OVERDUE, EventType.COMPLETED);
        assertThat(notifier.delivered()).extracting(LifecycleEvent::id).containsExactly("run/1", "run/3");
    }

    @Test
    void aRunThatCompletesBeforeItsSoftDeadlineIsNeverReported() {
        engine.observer().start("run", "events", PolicySpec.parse("inactivity period=30s overdue=2m"));
        put();
        at(30);
        at(600);
        assertThat(notifier.delivered()).extracting(LifecycleEvent::type)
                .containsExactly(EventType.COMPLETED);
        assertThat(run().overdueReportedAt()).isNull();
    }
}
