package dev.quiesce.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiesce.Arrival;
import dev.quiesce.Attribution;
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
import java.util.List;
import org.junit.jupiter.api.Test;

/** The roll call on virtual time: INCOMPLETE and OVERDUE name each producer that is short, and its keys. */
class RollCallTest {

    private static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");

    private final MutableClock clock = MutableClock.at(T0);
    private final InMemoryObservationStore store = new InMemoryObservationStore();
    private final RecordingNotifier notifier = new RecordingNotifier("recording");
    private final Engine engine = Engine.builder()
            .tallies(new InMemoryTallyStore())
            .store(store)
            .clock(clock)
            .dataset(Dataset.of("events", "bucket"))
            .notifier(notifier)
            .drivenExternally()
            .build();
    private int seq;

    private void put(String key) {
        engine.monitor().accept(Arrival.created("bucket", key, 10, clock.instant(), "s" + seq++));
        engine.runOnce();
    }

    private void close(String producer, long objects, Attribution a) {
        engine.monitor().closed("events", producer, new Sent(Sent.UNKNOWN, Sent.UNKNOWN, objects), a);
        engine.runOnce();
    }

    private void declareFour() {
        close("loader-A", 2, new Attribution(List.of(), "in/A/"));
        close("loader-B", 2, new Attribution(List.of(), "in/B/"));
        close("loader-C", 3, new Attribution(List.of("in/C/c1", "in/C/c2", "in/C/c3"), "in/C/"));
        engine.monitor().opened("events", "loader-D");
        put("in/A/a1");
        put("in/A/a2");
        put("in/B/b1");
        put("in/C/c1");
        put("in/C/c2");
    }

    @Test
    void incompleteNamesEachShortProducerAndItsMissingKeys() {
        engine.observer().start("run", "events", PolicySpec.parse("expected unit=objects deadline=10m"));
        declareFour();
        clock.set(T0.plus(Duration.ofMinutes(10)));
        engine.runOnce();
        Observation done = store.find("run").orElseThrow();
        assertThat(done.state()).isEqualTo(ObservationState.INCOMPLETE);
        assertThat(done.reason())
                .contains("2 of 7 declared objects missing")
                .contains("roll call: loader-B declared 2 objects, 1 landed under in/B/; "
                        + "loader-C declared 3 objects, 2 landed (missing: in/C/c3); loader-D never closed")
                .doesNotContain("loader-A declared");
    }

    @Test
    void overdueCarriesTheRollCallAndTheLastObjectsComplete() {
        engine.observer().start("run", "events", PolicySpec.parse("expected unit=objects producers=3 overdue=5m"));
        close("loader-A", 2, new Attribution(List.of(), "in/A/"));
        close("loader-C", 3, new Attribution(List.of("in/C/c1", "in/C/c2", "in/C/c3"), null));
        close("loader-B", 1, Attribution.NONE);
        put("in/A/a1");
        put("in/A/a2");
        put("in/C/c1");
        put("in/B/b1");
        clock.set(T0.plus(Duration.ofMinutes(5)));
        engine.runOnce();
        assertThat(notifier.delivered()).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(EventType.OVERDUE);
            assertThat(e.reason()).endsWith("roll call: loader-C declared 3 objects, 1 landed (missing: in/C/c2, in/C/c3)");
        });
        clock.set(T0.plus(Duration.ofMinutes(7)));
        put("in/C/c2");
        put("in/C/c3");
        assertThat(store.find("run").orElseThrow().state()).isEqualTo(ObservationState.COMPLETE);
        assertThat(notifier.delivered()).extracting(LifecycleEvent::type)
                .containsExactly(EventType.OVERDUE, EventType.COMPLETED);
    }
}
