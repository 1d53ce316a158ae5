package dev.quiesce.port;

import static java.util.Objects.requireNonNull;

import dev.quiesce.LifecycleEvent;
import java.time.Instant;

/**
 * One event to deliver to one notifier, and how delivery has gone so far.
 *
 * @param event the event
 * @param notifier the name of the notifier it is for
 * @param status pending, delivered or dead
 * @param attempts delivery attempts made
 * @param nextAttemptAt when a pending entry may next be tried (or is leased until)
 * @param lastError the last failure, or {@code null}
 */
public record OutboxEntry(LifecycleEvent event, String notifier, Status status, int attempts,
                          Instant nextAttemptAt, String lastError) {

    /** Where delivery stands. */
    public enum Status { PENDING, DELIVERED, DEAD }

    public OutboxEntry {
        requireNonNull(event, "event");
        requireNonNull(notifier, "notifier");
        requireNonNull(status, "status");
        requireNonNull(nextAttemptAt, "nextAttemptAt");
    }

    /** A new entry, due at once (at the event's time). */
    public static OutboxEntry pending(LifecycleEvent event, String notifier) {
        return new OutboxEntry(event, notifier, Status.PENDING, 0, event.time(), null);
    }

    /** The entry's key: the event id and the notifier. */
    public String key() {
        return event.id() + "@" + notifier;
    }
}
