package dev.quiesce.port;

import dev.quiesce.LifecycleEvent;

/**
 * Delivers lifecycle events to whatever runs next: a webhook, a command, standard output.
 *
 * <p>Delivery is at least once: the outbox retries until {@link #deliver} returns normally, so a
 * receiver may see an event twice and drops the repeat by its id. Implementations are thread-safe.
 */
public interface Notifier {

    /** The name outbox entries refer to; unique among the notifiers of one engine. */
    String name();

    /**
     * Whether this notifier wants the event; by default the final ones (completed, timed out, ...) and
     * OVERDUE reports ({@link dev.quiesce.EventType#notifiesByDefault()}).
     * Events it does not want are marked delivered without a call to {@link #deliver}.
     */
    default boolean accepts(LifecycleEvent event) {
        return event.type().notifiesByDefault();
    }

    /**
     * Delivers one event.
     *
     * @throws dev.quiesce.DeliveryFailedException (or any runtime exception) when delivery failed and
     *     should be retried
     */
    void deliver(LifecycleEvent event);
}
