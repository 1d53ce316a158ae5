package dev.quiesce.notify;

import dev.quiesce.EventType;
import dev.quiesce.LifecycleEvent;
import dev.quiesce.Tally;
import java.time.Instant;

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
}
