package dev.quiesce.port;

import java.time.Instant;

/**
 * Arranges for an observation to be checked at (or soon after) a time.
 *
 * <p>Implementations may deliver a check more than once or late; the engine ignores a check that is
 * not due or whose version moved on. An in-process scheduler needs only a wake-up, since the due time
 * is already stored; a queue-backed one sends a delayed message.
 */
public interface Scheduler {

    /** Check observation {@code observationId} (at version {@code version}) at {@code dueAt}. */
    void schedule(String observationId, long version, Instant dueAt);

    /** New outbox entries are ready for delivery. */
    default void outboxReady() {
    }

    /** A scheduler for callers that drive checks themselves (tests on virtual time). */
    static Scheduler none() {
        return (id, version, at) -> { };
    }
}
