package dev.quiesce.engine;

import dev.quiesce.Blindness;
import dev.quiesce.LifecycleEvent;
import dev.quiesce.Observation;
import dev.quiesce.Tally;
import dev.quiesce.port.OutboxEntry;
import java.time.Instant;

/**
 * Hears what the engine does as it does it, in the process that runs it: a command's live line, a
 * front door's completion future, a dashboard. Lets callers learn what the engine already knows without
 * polling the store.
 *
 * <p>Calls come from the engine's threads right after the change was written; a listener returns quickly
 * and does not throw (what it throws is logged and dropped, never undoing the change). Every method has
 * an empty default, so a listener implements only what it needs.
 */
public interface EngineListener {

    /** A transition (or an OVERDUE or LATE report) was written together with its event's outbox entries. */
    default void transitioned(Observation observation, LifecycleEvent event) {
    }

    /** A check was written without a transition: progress and the next check moved. */
    default void checked(Observation observation, Tally tally) {
    }

    /** The source of a dataset became blind (or behind); {@code blindness} says why and since when. */
    default void blind(String datasetId, Blindness blindness) {
    }

    /** The source of a dataset sees everything again. */
    default void seeing(String datasetId) {
    }

    /** An outbox entry was delivered (or its notifier declined the event, which settles it too). */
    default void delivered(OutboxEntry entry) {
    }

    /** A delivery failed and will be retried at {@code retryAt}. */
    default void retrying(OutboxEntry entry, int attempt, String error, Instant retryAt) {
    }

    /** A delivery failed for the last time; the event went to the dead letters. */
    default void deadLettered(OutboxEntry entry, int attempts, String error) {
    }
}
