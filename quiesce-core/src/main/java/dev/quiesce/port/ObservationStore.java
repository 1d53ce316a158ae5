package dev.quiesce.port;

import dev.quiesce.LifecycleEvent;
import dev.quiesce.Observation;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Holds observations and writes each change with an optimistic version check, together with the
 * notifications the change causes (the outbox), in one atomic step.
 *
 * <p>Implementations are thread-safe and, where the medium is shared (a database file), safe across
 * processes. Checked by {@code ObservationStoreContract}.
 */
public interface ObservationStore {

    /**
     * Stores a new observation.
     *
     * @return {@code false} (storing nothing) if an observation with that id exists
     */
    boolean create(Observation observation);

    /** The observation with this id, if any. */
    Optional<Observation> find(String id);

    /**
     * Replaces the stored observation with {@code next} if its version is still {@code next.version() - 1},
     * and in the same atomic step appends one outbox entry per (event, notifier) pair.
     *
     * @return {@code false}, writing nothing, when the stored version moved on (a lost race or a stale
     *     or duplicated check); that is an expected outcome, not an error
     * @throws dev.quiesce.ObservationNotFoundException if no observation has that id
     */
    boolean compareAndSet(Observation next, List<OutboxEntry> outbox);

    /**
     * Observations whose next check is due at or before {@code now}, earliest first (open ones, and
     * completed ones still watching for late data).
     */
    List<Observation> due(Instant now, int limit);

    /** The earliest next-check time of any observation. */
    Optional<Instant> nextDueAt();

    /**
     * The observations still watching a dataset ({@link dev.quiesce.Observation#watching()}): WAITING,
     * ACTIVE, or COMPLETE within their lateness.
     */
    List<Observation> openFor(String datasetId);

    /** Every observation, newest first, up to {@code limit}. */
    List<Observation> list(int limit);

    /** Convenience for a change that notifies nobody. */
    default boolean compareAndSet(Observation next) {
        return compareAndSet(next, List.of());
    }

    /** The entries of one event, one per notifier that takes it. */
    static List<OutboxEntry> entriesFor(LifecycleEvent event, List<String> notifiers) {
        return notifiers.stream().map(n -> OutboxEntry.pending(event, n)).toList();
    }
}
