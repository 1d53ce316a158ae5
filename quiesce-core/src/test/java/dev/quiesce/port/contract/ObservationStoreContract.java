package dev.quiesce.port.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiesce.EventType;
import dev.quiesce.LifecycleEvent;
import dev.quiesce.Observation;
import dev.quiesce.ObservationNotFoundException;
import dev.quiesce.ObservationState;
import dev.quiesce.Progress;
import dev.quiesce.Tally;
import dev.quiesce.policy.DelayStrategy;
import dev.quiesce.policy.Guards;
import dev.quiesce.policy.InactivityPeriod;
import dev.quiesce.policy.PolicySpec;
import dev.quiesce.policy.StableCount;
import dev.quiesce.port.ObservationStore;
import dev.quiesce.port.Outbox;
import dev.quiesce.port.OutboxEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ObservationStore} must do. Subclass once per implementation; {@link #newStore()}
 * returns a fresh, empty store that is also the {@link Outbox} its compare-and-set fills.
 */
public abstract class ObservationStoreContract {

    protected static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");
    protected static final PolicySpec SPEC = new PolicySpec(
            StableCount.builder().window(4).delay(DelayStrategy.exponentialDecay(Duration.ofSeconds(30))).build(),
            new Guards(5, Duration.ofHours(2), Duration.ofMinutes(10)));

    /** A fresh, empty store. */
    protected abstract <S extends ObservationStore & Outbox> S newStore();

    protected static LifecycleEvent event(Observation o, EventType type) {
        return new LifecycleEvent(LifecycleEvent.idOf(o.id(), o.transitions()), type, o.id(), o.datasetId(),
                o.transitions(), T0.plusSeconds(60), new Tally(3, 300, 1, 4, T0, T0.plusSeconds(50)),
                o.progress().checks(), o.reason(), o.startedAt(), o.activatedAt());
    }

    @Test
    void createdObservationReadsBackEqual() {
        ObservationStore store = newStore();
        Observation o = Observation.start("obs-1", "events", SPEC, T0);
        assertThat(store.create(o)).isTrue();
        assertThat(store.find("obs-1")).contains(o);
    }

    @Test
    void everyFieldSurvivesARoundTrip() {
        ObservationStore store = newStore();
        Observation o = Observation.start("obs-1", "events",
                new PolicySpec(InactivityPeriod.of(Duration.ofMillis(1500)), Guards.NONE),
                List.of("stdout", "webhook"), T0);
        store.create(o);
        Observation active = o.activate(T0.plusMillis(1234), T0.plusSeconds(9), 7)
                .checked(new Progress(3, 2, 9, new dev.quiesce.GapStats(4, 1234.5, 987.25, 3000,
                        T0.plusMillis(777), 2500, 12, 4096, 300, 512)), T0.plusSeconds(99));
        Observation v2 = o.activate(T0.plusMillis(1234), T0.plusSeconds(9), 7);
        assertThat(store.compareAndSet(v2)).isTrue();
        assertThat(store.compareAndSet(active)).isTrue();
        assertThat(store.find("obs-1")).contains(active);
        Observation done = active.completeWatching(new Progress(4, 3, 9), T0.plusSeconds(120),
                "tally unchanged for 3 consecutive checks; \"quoted\" & more", T0.plusSeconds(3720));
        assertThat(store.compareAndSet(done)).isTrue();
        assertThat(store.find("obs-1")).contains(done);
        Observation amended = done.amended(12, T0.plusSeconds(3720), "late data: amendment 1");
        assertThat(store.compareAndSet(amended)).isTrue();
        assertThat(store.find("obs-1")).contains(amended);
        assertThat(store.find("obs-1").orElseThrow().amendments()).isEqualTo(1);
    }

    @Test
    void theOverdueReportAndTheNewGuardsSurviveARoundTrip() {
        ObservationStore store = newStore();
        Observation o = Observation.start("obs-1", "events",
                PolicySpec.parse("inactivity period=2m buffer=1m deletes=fail overdue=30m deadline=2h"), T0);
        assertThat(o.nextCheckAt()).as("the soft deadline is the first check").isEqualTo(T0.plusSeconds(1800));
        store.create(o);
        assertThat(store.find("obs-1")).contains(o);
        Observation active = o.activate(T0.plusSeconds(5), T0.plusSeconds(125), 1);
        assertThat(store.compareAndSet(active)).isTrue();
        Observation overdue = active.overdue(T0.plusSeconds(1800), T0.plusSeconds(1900), "overdue: missing 3 objects");
        assertThat(store.compareAndSet(overdue)).isTrue();
        Observation read = store.find("obs-1").orElseThrow();
        assertThat(read).isEqualTo(overdue);
        assertThat(read.overdueReportedAt()).isEqualTo(T0.plusSeconds(1800));
        assertThat(read.transitions()).isEqualTo(2);
        assertThat(read.spec().guards().deletes()).isEqualTo(Guards.Deletes.FAIL);
        // a later change keeps the report
        Observation done = read.finish(dev.quiesce.ObservationState.COMPLETE, read.progress(), T0.plusSeconds(2000), "done");
        assertThat(store.compareAndSet(done)).isTrue();
        assertThat(store.find("obs-1").orElseThrow().overdueReportedAt()).isEqualTo(T0.plusSeconds(1800));
    }

    @Test
    void aPeriodEndSurvivesARoundTrip() {
        ObservationStore store = newStore();
        PolicySpec spec = PolicySpec.parse(
                "stable window=3 delay=constant:30s deadline=6h buffer=60s period-end=2024-05-02T00:00:00Z");
        Observation o = Observation.start("events/2024-05-01", "events/2024-05-01", spec, T0.plusSeconds(45));
        store.create(o);
        Observation read = store.find("events/2024-05-01").orElseThrow();
        assertThat(read).isEqualTo(o);
        assertThat(read.spec().text()).isEqualTo(spec.text());
        assertThat(read.spec().guards().periodEnd()).isEqualTo(Instant.parse("2024-05-02T00:00:00Z"));
        Observation active = read.activate(T0.plusSeconds(45), T0.plusSeconds(75), 1);
        assertThat(store.compareAndSet(active)).isTrue();
        assertThat(store.find("events/2024-05-01").orElseThrow().spec()).isEqualTo(spec);
    }

    @Test
    void duplicateCreateIsRefusedAndKeepsTheFirst() {
        ObservationStore store = newStore();
        Observation first = Observation.start("obs-1", "events", SPEC, T0);
        store.create(first);
        assertThat(store.create(Observation.start("obs-1", "other", SPEC, T0.plusSeconds(5)))).isFalse();
        assertThat(store.find("obs-1")).contains(first);
    }

    @Test
    void missingObservationIsEmpty() {
        ObservationStore store = newStore();
        assertThat(store.find("nope")).isEmpty();
    }

    @Test
    void compareAndSetWinsOnceFromTheSameVersion() {
        ObservationStore store = newStore();
        Observation o = Observation.start("obs-1", "events", SPEC, T0);
        store.create(o);
        Observation a = o.activate(T0.plusSeconds(1), T0.plusSeconds(31), 1);
        Observation b = o.activate(T0.plusSeconds(2), T0.plusSeconds(32), 1);
        assertThat(store.compareAndSet(a)).isTrue();
        assertThat(store.compareAndSet(b)).isFalse();
        assertThat(store.find("obs-1")).contains(a);
    }

    @Test
    void staleVersionIsRefused() {
        ObservationStore store = newStore();
        Observation o = Observation.start("obs-1", "events", SPEC, T0);
        store.create(o);
        Observation v2 = o.activate(T0, T0.plusSeconds(30), 1);
        store.compareAndSet(v2);
        store.compareAndSet(v2.checked(new Progress(1, 0, 2), T0.plusSeconds(60)));
        assertThat(store.compareAndSet(v2.checked(new Progress(1, 1, 1), T0.plusSeconds(60)))).isFalse();
    }

    @Test
    void compareAndSetOfUnknownObservationThrows() {
        ObservationStore store = newStore();
        Observation ghost = Observation.start("ghost", "events", SPEC, T0).activate(T0, T0, 1);
        assertThatThrownBy(() -> store.compareAndSet(ghost)).isInstanceOf(ObservationNotFoundException.class);
    }

    @Test
    void outboxEntriesAreWrittenOnlyWithAWinningChange() {
        ObservationStore store = newStore();
        Outbox outbox = (Outbox) store;
        Observation o = Observation.start("obs-1", "events", SPEC, T0);
        store.create(o);
        Observation done = o.activate(T0, T0.plusSeconds(30), 1)
                .finish(ObservationState.COMPLETE, new Progress(3, 3, 1), T0.plusSeconds(60), "stable");
        // version skips: refused, and nothing may reach the outbox
        LifecycleEvent e = event(done, EventType.COMPLETED);
        assertThat(store.compareAndSet(done, List.of(OutboxEntry.pending(e, "webhook")))).isFalse();
        assertThat(outbox.entriesOf("obs-1")).isEmpty();

        Observation active = o.activate(T0, T0.plusSeconds(30), 1);
        LifecycleEvent activated = event(active, EventType.ACTIVATED);
        assertThat(store.compareAndSet(active, List.of(OutboxEntry.pending(activated, "stdout")))).isTrue();
        assertThat(outbox.entriesOf("obs-1")).extracting(x -> x.event()).containsExactly(activated);
    }

    @Test
    void dueListsOpenObservationsAtOrBeforeNowEarliestFirst() {
        ObservationStore store = newStore();
        Observation late = Observation.start("late", "events", SPEC, T0).activate(T0, T0.plusSeconds(50), 1);
        Observation early = Observation.start("early", "events", SPEC, T0).activate(T0, T0.plusSeconds(10), 1);
        Observation future = Observation.start("future", "events", SPEC, T0).activate(T0, T0.plusSeconds(500), 1);
        Observation exact = Observation.start("exact", "events", SPEC, T0).activate(T0, T0.plusSeconds(60), 1);
        Observation done = Observation.start("done", "events", SPEC, T0);
        for (Observation o : List.of(late, early, future, exact, done)) {
            store.create(Observation.start(o.id(), o.datasetId(), SPEC, T0));
            if (o != done) {
                store.compareAndSet(o);
            }
        }
        store.compareAndSet(done.activate(T0, T0.plusSeconds(5), 1));
        store.compareAndSet(done.activate(T0, T0.plusSeconds(5), 1)
                .finish(ObservationState.CANCELLED, Progress.NONE, T0, "stop"));

        assertThat(store.due(T0.plusSeconds(60), 10)).extracting(Observation::id)
                .containsExactly("early", "late", "exact");
        assertThat(store.due(T0.plusSeconds(60), 2)).extracting(Observation::id).containsExactly("early", "late");
        assertThat(store.nextDueAt()).contains(T0.plusSeconds(10));
    }

    @Test
    void waitingObservationWithoutGuardsIsNeverDue() {
        ObservationStore store = newStore();
        store.create(Observation.start("w", "events", PolicySpec.defaults(), T0));
        assertThat(store.due(T0.plusSeconds(1_000_000), 10)).isEmpty();
        assertThat(store.nextDueAt()).isEmpty();
    }

    @Test
    void openForListsOnlyOpenObservationsOfTheDataset() {
        ObservationStore store = newStore();
        store.create(Observation.start("a", "events", SPEC, T0));
        store.create(Observation.start("b", "other", SPEC, T0));
        Observation c = Observation.start("c", "events", SPEC, T0);
        store.create(c);
        store.compareAndSet(c.finish(ObservationState.CANCELLED, Progress.NONE, T0, "stop"));
        assertThat(store.openFor("events")).extracting(Observation::id).containsExactly("a");
    }

    @Test
    void listShowsNewestFirst() {
        ObservationStore store = newStore();
        store.create(Observation.start("old", "events", SPEC, T0));
        store.create(Observation.start("new", "events", SPEC, T0.plusSeconds(5)));
        assertThat(store.list(10)).extracting(Observation::id).containsExactly("new", "old");
        assertThat(store.list(1)).extracting(Observation::id).containsExactly("new");
    }

    @Test
    void aCompletedRunWatchingForLateDataIsDueAndStillWatchesItsDataset() {
        ObservationStore store = newStore();
        Observation o = Observation.start("late", "events", SPEC, T0);
        store.create(o);
        Observation active = o.activate(T0, T0.plusSeconds(30), 1);
        store.compareAndSet(active);
        Observation watching = active.completeWatching(new Progress(3, 3, 1), T0.plusSeconds(90), "stable",
                T0.plusSeconds(3690));
        store.compareAndSet(watching);
        assertThat(store.openFor("events")).extracting(Observation::id).containsExactly("late");
        assertThat(store.due(T0.plusSeconds(3690), 10)).extracting(Observation::id).containsExactly("late");
        assertThat(store.nextDueAt()).contains(T0.plusSeconds(3690));
        Observation sealed = watching.checked(watching.progress(), null);
        store.compareAndSet(sealed);
        assertThat(store.openFor("events")).isEmpty();
        assertThat(store.due(T0.plusSeconds(99_999), 10)).isEmpty();
    }
}
