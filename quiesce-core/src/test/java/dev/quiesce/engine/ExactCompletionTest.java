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

/**
 * Exact completion on virtual time: the check triggered by the last needed arrival or declaration
 * completes at that very instant, whatever order data and declarations come in.
 */
class ExactCompletionTest {

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

    private void start(String spec) {
        engine.observer().start("run", "events", PolicySpec.parse(spec));
    }

    private void put(long size) {
        engine.monitor().accept(Arrival.created("bucket", "part-" + seq, size, clock.instant(), "s" + seq++));
        engine.runOnce();
    }

    private void close(String producer, Sent sent) {
        engine.monitor().closed("events", producer, sent);
        engine.runOnce();
    }

    private static Sent objects(long n) {
        return new Sent(Sent.UNKNOWN, Sent.UNKNOWN, n);
    }

    private Observation run() {
        return store.find("run").orElseThrow();
    }

    private void later(int seconds) {
        clock.advance(Duration.ofSeconds(seconds));
    }

    @Test
    void declarationsFirstThenTheLastArrivalCompletesAtItsOwnInstant() {
        start("expected unit=objects producers=2");
        close("p1", objects(2));
        close("p2", objects(1));
        later(5);
        put(10);
        later(5);
        put(10);
        assertThat(run().state()).isEqualTo(ObservationState.ACTIVE);
        later(7);
        put(10);
        assertThat(run().state()).isEqualTo(ObservationState.COMPLETE);
        assertThat(run().finishedAt()).isEqualTo(T0.plusSeconds(17));
        assertThat(run().reason()).isEqualTo("landed 3 objects as 2 producers declared");
    }

    @Test
    void dataFirstThenTheLastCloseCompletesAtItsOwnInstant() {
        start("expected unit=bytes");
        engine.monitor().opened("events", "p1");
        engine.monitor().opened("events", "p2");
        put(100);
        later(3);
        put(50);
        later(60);
        engine.runOnce();
        close("p1", new Sent(Sent.UNKNOWN, 100, Sent.UNKNOWN));
        assertThat(run().state()).isEqualTo(ObservationState.ACTIVE);
        later(2);
        close("p2", new Sent(Sent.UNKNOWN, 50, Sent.UNKNOWN));
        assertThat(run().state()).isEqualTo(ObservationState.COMPLETE);
        assertThat(run().finishedAt()).isEqualTo(T0.plusSeconds(65));
    }

    @Test
    void duplicatedAndReorderedDeclarationsCompleteOnce() {
        start("expected unit=objects producers=1");
        close("p1", objects(2));
        close("p1", objects(2));
        engine.monitor().opened("events", "p1");
        put(1);
        put(1);
        close("p1", objects(2));
        put(1);
        engine.runOnce();
        assertThat(notifier.delivered()).extracting(LifecycleEvent::type).containsExactly(EventType.COMPLETED);
    }

    @Test
    void landingMoreThanDeclaredCompletesWithASurplusWarning() {
        start("expected unit=objects");
        engine.monitor().opened("events", "p1");
        put(1);
        put(1);
        close("p1", objects(1));
        assertThat(run().state()).isEqualTo(ObservationState.COMPLETE);
        assertThat(run().reason()).startsWith("surplus: landed 2 objects, 1 producer declared 1");
    }

    @Test
    void theDeadlineWithLessLandedIsIncompleteAndNamesWhatIsMissing() {
        start("expected unit=objects producers=3 deadline=10m");
        engine.monitor().opened("events", "slow");
        close("p1", objects(2));
        close("p2", objects(2));
        put(1);
        put(1);
        put(1);
        later(600);
        engine.runOnce();
        Observation o = run();
        assertThat(o.state()).isEqualTo(ObservationState.INCOMPLETE);
        assertThat(o.reason()).contains("1 of 4 declared objects missing")
                .contains("producers that never closed: slow")
                .contains("2 of 3 producers closed");
        assertThat(notifier.delivered()).extracting(LifecycleEvent::type).containsExactly(EventType.INCOMPLETE);
    }

    @Test
    void aDeclarationActivatesAWaitingRunSoAnEmptyDeclaredDatasetCompletes() {
        start("expected unit=objects producers=1");
        close("p1", objects(0));
        assertThat(run().state()).isEqualTo(ObservationState.COMPLETE);
        assertThat(run().finishedAt()).isEqualTo(T0);
    }

    @Test
    void heuristicPoliciesIgnoreDeclarations() {
        start("stable window=3 delay=constant:30s");
        put(1);
        Instant next = run().nextCheckAt();
        close("p1", objects(1));
        assertThat(run().nextCheckAt()).isEqualTo(next);
    }

    @Test
    void producersThatOnlySayTheyAreDoneMakeABarrier() {
        start("expected unit=objects producers=1");
        put(1);
        close("_SUCCESS", Sent.NOTHING_DECLARED);
        assertThat(run().state()).isEqualTo(ObservationState.COMPLETE);
        assertThat(run().reason()).isEqualTo("all 1 producer closed (no objects declared)");
    }

    @Test
    void recordsCountedBySourcesCompleteARecordsTotal() {
        start("expected unit=records producers=1");
        engine.monitor().accept(Arrival.created("bucket", "a", 10, clock.instant(), "a").withRecords(400));
        engine.runOnce();
        close("p1", new Sent(1000, Sent.UNKNOWN, Sent.UNKNOWN));
        assertThat(run().state()).isEqualTo(ObservationState.ACTIVE);
        later(1);
        engine.monitor().accept(Arrival.created("bucket", "b", 10, clock.instant(), "b").withRecords(600));
        engine.runOnce();
        assertThat(run().state()).isEqualTo(ObservationState.COMPLETE);
        assertThat(run().finishedAt()).isEqualTo(T0.plusSeconds(1));
        assertThat(run().reason()).isEqualTo("landed 1000 records as 1 producer declared");
    }
}
