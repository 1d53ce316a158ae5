package dev.quiesce.app.notify;

import dev.quiesce.EventType;
import dev.quiesce.LifecycleEvent;
import dev.quiesce.Observation;
import dev.quiesce.ObservationState;
import dev.quiesce.Progress;
import dev.quiesce.Tally;
import dev.quiesce.policy.PolicySpec;
import dev.quiesce.port.ObservationStore;
import dev.quiesce.port.Outbox;
import java.time.Instant;
import java.util.List;

/** Lifecycle events and stored observations for the notifier tests. */
final class Events {

    static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");
    static final Instant COMPLETED_AT = T0.plusSeconds(120);
    static final Tally TALLY = new Tally(3, 30, 0, 3, T0, T0.plusSeconds(20));

    private Events() {
    }

    /** Transition 2 of {@code obs-1} over dataset {@code events}: completed with 3 objects, 30 bytes. */
    static LifecycleEvent completed() {
        return new LifecycleEvent(LifecycleEvent.idOf("obs-1", 2), EventType.COMPLETED, "obs-1", "events", 2,
                COMPLETED_AT, TALLY, 3, "stable", T0, T0);
    }

    /** Transition 1 of {@code obs-1}: the first arrival. */
    static LifecycleEvent activated() {
        return new LifecycleEvent(LifecycleEvent.idOf("obs-1", 1), EventType.ACTIVATED, "obs-1", "events", 1,
                T0, new Tally(1, 10, 0, 1, T0, T0), 0, "first arrival", T0, T0);
    }

    /**
     * Creates observation {@code id}, completes it at {@link #COMPLETED_AT} and writes one outbox entry
     * per notifier, as the observer does (the same steps as the core's {@code OutboxContract.complete},
     * which is protected there). Returns the completion event.
     */
    static <S extends ObservationStore & Outbox> LifecycleEvent complete(S store, String id, String... notifiers) {
        Observation o = Observation.start(id, "events", PolicySpec.defaults(), T0);
        store.create(o);
        Observation active = o.activate(T0, T0.plusSeconds(30), 1);
        store.compareAndSet(active);
        Observation done = active.finish(ObservationState.COMPLETE, new Progress(3, 3, 1), COMPLETED_AT, "stable");
        LifecycleEvent e = new LifecycleEvent(LifecycleEvent.idOf(id, done.transitions()), EventType.COMPLETED, id,
                "events", done.transitions(), COMPLETED_AT, TALLY, 3, "stable", T0, T0);
        store.compareAndSet(done, ObservationStore.entriesFor(e, List.of(notifiers)));
        return e;
    }
}
