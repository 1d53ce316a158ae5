package dev.quiesce.port;

import dev.quiesce.Expectations;
import dev.quiesce.Sent;
import java.time.Instant;

/**
 * Keeps producers' declarations per dataset. Declarations arrive at least once and in any order, so
 * both calls are idempotent: opening a known producer changes nothing, and the first close wins (a
 * later close, even with other numbers, changes nothing). A close for a producer never opened records
 * it as opened and closed. Thread-safe; checked by {@code ExpectationStoreContract}.
 */
public interface ExpectationStore {

    /** Records that a producer opened; {@code false} if it was already known (open or closed). */
    boolean open(String datasetId, String producerId, Instant at);

    /** Records that a producer closed with what it sent; {@code false} if it had already closed. */
    default boolean close(String datasetId, String producerId, Sent sent, Instant at) {
        return close(datasetId, producerId, sent, dev.quiesce.Attribution.NONE, at);
    }

    /**
     * As {@link #close(String, String, Sent, Instant)}, also keeping which objects are the producer's, so
     * a shortfall can be named per producer.
     */
    boolean close(String datasetId, String producerId, Sent sent, dev.quiesce.Attribution attribution, Instant at);

    /** Every declaration for the dataset, in the order producers first appeared. */
    Expectations of(String datasetId);
}
