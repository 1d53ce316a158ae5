package dev.quiesce.port;

import dev.quiesce.Arrival;
import dev.quiesce.Tally;
import java.time.Instant;

/**
 * Keeps each dataset's {@link Tally} durable and counts arrivals idempotently.
 *
 * <p>Contract (checked by {@code TallyStoreContract} for every implementation):
 * <ul>
 *   <li>an arrival whose key and dedupe token were already recorded changes nothing;
 *   <li>a creation for a key already present is an overwrite: a change, not a new object;
 *   <li>a removal takes the object away and counts a removal;
 *   <li>the result does not depend on the order arrivals come in: per key the latest version by
 *       {@link Arrival#VERSION_ORDER} wins (S3 sequencers when both events carry one, else event time);
 *   <li>every distinct arrival, even one older than its key's latest version, moves the change sequence
 *       and the seen time; a redelivery moves neither;
 *   <li>the {@link dev.quiesce.KeyDigest digest} covers exactly the present keys at their latest versions.
 * </ul>
 * Implementations are thread-safe; recording is atomic per arrival.
 */
public interface TallyStore {

    /**
     * Records one arrival into a dataset's tally and says what it did. It does not return the tally:
     * on a sharded store that would cost a read of every shard per arrival.
     *
     * @param seenAt when the monitor received the arrival, on its own clock: a distinct arrival moves the
     *     tally's {@link Tally#lastSeen} to it, a redelivery does not
     */
    Effect record(String datasetId, Arrival arrival, Instant seenAt);

    /**
     * Records arrivals into a dataset's tally as {@link #record} would one after the other, in list order,
     * and returns each one's effect at the same index. A source that lands many files at once hands them
     * here so a store can record them together (one transaction, one write of the counters) rather than
     * pay a commit per arrival. The default loops over {@link #record}; a store that overrides it must give
     * the same effects and the same tally, duplicates within the list included. Atomic per arrival at
     * least: a failure may leave a prefix of the list recorded, which a redelivery then counts once.
     *
     * @param seenAt when the monitor received the arrivals, as for {@link #record}
     */
    default java.util.List<Effect> recordAll(String datasetId, java.util.List<Arrival> arrivals, Instant seenAt) {
        java.util.List<Effect> effects = new java.util.ArrayList<>(arrivals.size());
        for (Arrival a : arrivals) {
            effects.add(record(datasetId, a, seenAt));
        }
        return effects;
    }

    /** The dataset's tally; {@link Tally#EMPTY} when nothing was recorded. */
    Tally tally(String datasetId);

    /**
     * Which of the given keys are present in the dataset (their latest version a creation, not a
     * removal): for naming the objects a producer declared that have not landed.
     */
    java.util.Set<String> present(String datasetId, java.util.Collection<String> keys);

    /**
     * How many present keys of the dataset start with {@code prefix}.
     *
     * @throws UnsupportedOperationException from a store that keeps keys only as digests (DynamoDB),
     *     which can test listed keys but cannot enumerate a prefix
     */
    long presentUnder(String datasetId, String prefix);

    /** What one arrival did to a tally. */
    enum Effect {
        /** A key not present before. */
        CREATED,
        /** A newer version of a present key. */
        OVERWRITTEN,
        /** A present key removed, or a removal of a key never seen. */
        REMOVED,
        /** New event, but older than the version already recorded for its key: counts as activity only. */
        SUPERSEDED,
        /** Already recorded: nothing changed. */
        DUPLICATE;

        /** Whether the arrival was new (anything but a redelivery). */
        public boolean counted() {
            return this != DUPLICATE;
        }
    }
}
