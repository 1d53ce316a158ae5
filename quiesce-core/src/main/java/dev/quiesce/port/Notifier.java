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

    /**
     * A notifier from a function, for code that embeds quiesce: {@code Notifier.of("log", e -> log.info(...))}.
     * It wants the events {@link #accepts} wants by default; what {@code delivery} throws is a failed delivery
     * and is retried.
     */
    static Notifier of(String name, java.util.function.Consumer<LifecycleEvent> delivery) {
        java.util.Objects.requireNonNull(name, "name");
        java.util.Objects.requireNonNull(delivery, "delivery");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a notifier's name must not be blank");
        }
        return new Notifier() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void deliver(LifecycleEvent event) {
                delivery.accept(event);
            }

            @Override
            public String toString() {
                return "Notifier[" + name + "]";
            }
        };
    }
}
