package dev.quiesce.port;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The delivery side of the outbox that {@link ObservationStore#compareAndSet} fills.
 *
 * <p>Claiming leases entries: a claimed entry is not offered again until its lease ends, so two
 * engines sharing a store deliver each entry once (and again only if the first one dies mid-delivery).
 * Checked by {@code OutboxContract}.
 */
public interface Outbox {

    /**
     * Claims up to {@code limit} pending entries due at or before {@code now}, earliest due first (then by
     * key), leasing each until {@code leaseUntil}. Leases compare times from the claimers' clocks, so
     * engines sharing a store need clocks that roughly agree.
     */
    List<OutboxEntry> claim(Instant now, Instant leaseUntil, int limit);

    /** Marks an entry delivered, counting the delivering attempt: its attempts grow by one. */
    void delivered(String key);

    /**
     * As {@link #delivered(String)}, for an entry as {@link #claim} returned it: a store may find it
     * without building and looking up its key.
     */
    default void delivered(OutboxEntry claimed) {
        delivered(claimed.key());
    }

    /** Records a failed attempt; the entry is tried again at {@code retryAt}. */
    void retryLater(String key, int attempts, Instant retryAt, String error);

    /** Gives up on an entry after its last attempt; it stays visible as DEAD. */
    void dead(String key, int attempts, String error);

    /** All entries of one observation, in event order. */
    List<OutboxEntry> entriesOf(String observationId);

    /** The earliest time a pending entry may be tried. */
    Optional<Instant> nextAttemptAt();
}
