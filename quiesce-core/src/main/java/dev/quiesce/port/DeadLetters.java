package dev.quiesce.port;

/**
 * Where an event goes when its last delivery attempt failed, so a person can see and replay it.
 */
public interface DeadLetters {

    /** Keeps the entry with the final error. */
    void bury(OutboxEntry entry, String error);

    /** Keeps nothing beyond the outbox's own DEAD status (and the ERROR log line). */
    static DeadLetters none() {
        return (entry, error) -> { };
    }
}
