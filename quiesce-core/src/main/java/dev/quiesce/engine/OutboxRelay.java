package dev.quiesce.engine;

import dev.quiesce.port.DeadLetters;
import dev.quiesce.port.Notifier;
import dev.quiesce.port.Outbox;
import dev.quiesce.port.OutboxEntry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers outbox entries to their notifiers: claims due entries, delivers each, retries failures with
 * {@link Backoff}, and after the last attempt marks the entry dead and hands it to {@link DeadLetters}.
 * Nothing is dropped in silence. Thread-safe.
 */
public final class OutboxRelay {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);

    private final Outbox outbox;
    private final Map<String, Notifier> notifiers = new LinkedHashMap<>();
    private final Backoff backoff;
    private final DeadLetters deadLetters;
    private final Clock clock;
    private final Duration lease;
    private Listeners listeners = new Listeners();

    /**
     * @param lease how long a claimed entry is withheld from other relays while this one delivers it
     */
    public OutboxRelay(Outbox outbox, List<Notifier> notifiers, Backoff backoff, DeadLetters deadLetters,
                       Clock clock, Duration lease) {
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        for (Notifier n : notifiers) {
            if (this.notifiers.put(n.name(), n) != null) {
                throw new IllegalArgumentException("two notifiers named '" + n.name() + "'");
            }
        }
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.lease = Objects.requireNonNull(lease, "lease");
    }

    /** Who hears about deliveries (the engine's listeners, shared with its observer). */
    void listeners(Listeners listeners) {
        this.listeners = Objects.requireNonNull(listeners, "listeners");
    }

    /** Delivers every entry due now; returns how many deliveries succeeded. */
    public int deliverDue() {
        int delivered = 0;
        List<OutboxEntry> batch;
        do {
            Instant now = clock.instant();
            batch = outbox.claim(now, now.plus(lease), 50);
            for (int i = 0; i < batch.size(); i++) {
                if (deliver(batch.get(i))) {
                    delivered++;
                }
            }
        } while (batch.size() == 50);
        return delivered;
    }

    private boolean deliver(OutboxEntry entry) {
        Notifier notifier = notifiers.get(entry.notifier());
        int attempt = entry.attempts() + 1;
        if (notifier == null) {
            // another engine sharing the store owns this notifier: hand the entry back uncounted
            Instant later = clock.instant().plus(lease);
            outbox.retryLater(entry.key(), entry.attempts(), later,
                    "no notifier named '" + entry.notifier() + "' in this engine");
            LOG.warn("notify.skipped event={} notifier={} reason=not_configured_here nextAttemptAt={}",
                    entry.event().id(), entry.notifier(), later);
            return false;
        }
        if (!notifier.accepts(entry.event())) {
            outbox.delivered(entry);
            listeners.each(l -> l.delivered(entry));
            LOG.debug("notify.skipped event={} notifier={} reason=not_wanted", entry.event().id(), entry.notifier());
            return false;
        }
        try {
            notifier.deliver(entry.event());
            outbox.delivered(entry);
            listeners.each(l -> l.delivered(entry));
            if (LOG.isDebugEnabled()) {
                // guarded: an array and a boxed attempt per delivery otherwise
                LOG.debug("notify.delivered event={} notifier={} attempt={}", entry.event().id(), entry.notifier(), attempt);
            }
            return true;
        } catch (RuntimeException e) {
            fail(entry, attempt, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            return false;
        }
    }

    private void fail(OutboxEntry entry, int attempt, String error) {
        if (attempt >= backoff.maxAttempts()) {
            // bury before marking dead: if burying fails the entry stays pending and is tried again
            deadLetters.bury(new OutboxEntry(entry.event(), entry.notifier(), OutboxEntry.Status.DEAD, attempt,
                    entry.nextAttemptAt(), error), error);
            outbox.dead(entry.key(), attempt, error);
            listeners.each(l -> l.deadLettered(entry, attempt, error));
            LOG.error("notify.dead event={} notifier={} attempts={} error=\"{}\" action=\"kept as a dead letter; deliver it by hand or replay it\"",
                    entry.event().id(), entry.notifier(), attempt, error);
            return;
        }
        Instant retryAt = clock.instant().plus(backoff.delayAfter(attempt));
        outbox.retryLater(entry.key(), attempt, retryAt, error);
        listeners.each(l -> l.retrying(entry, attempt, error, retryAt));
        LOG.warn("notify.failed event={} notifier={} attempt={} nextAttemptAt={} error=\"{}\"",
                entry.event().id(), entry.notifier(), attempt, retryAt, error);
    }
}
