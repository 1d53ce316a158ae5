package dev.quiesce.aws.lambda;

import dev.quiesce.LifecycleEvent;
import dev.quiesce.Observation;
import dev.quiesce.engine.EngineListener;
import dev.quiesce.engine.OutboxRelay;
import dev.quiesce.port.OutboxEntry;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * Whether a function has notifications of its own to deliver: a run it moved wrote lifecycle events to the
 * outbox, or a delivery it tried is due again. Only then does it ask the relay, whose claim reads every
 * shard of the outbox index (16 queries); entries this container never touched are the sweep's. Without
 * this, every monitor invocation paid those queries to find nothing (measured: 8 read units an object).
 *
 * <p>Thread-safe; one per container, heard by its engine.
 */
final class PendingDeliveries implements EngineListener {

    private final Clock clock;
    private boolean written;
    private Instant retryAt;

    PendingDeliveries(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public synchronized void transitioned(Observation observation, LifecycleEvent event) {
        written = true;
    }

    @Override
    public synchronized void retrying(OutboxEntry entry, int attempt, String error, Instant at) {
        retryAt = retryAt == null || at.isBefore(retryAt) ? at : retryAt;
    }

    /** Delivers what is due if this container has anything pending; the number delivered (0 if nothing asked). */
    int deliverIfPending(OutboxRelay relay) {
        synchronized (this) {
            boolean retryDue = retryAt != null && !retryAt.isAfter(clock.instant());
            if (!written && !retryDue) {
                return 0;
            }
            written = false;
            if (retryDue) {
                retryAt = null;
            }
        }
        // a failing delivery tells retrying() again, with its next time
        return relay.deliverDue();
    }
}
