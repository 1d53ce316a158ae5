package dev.quiesce;

import java.time.Instant;

/**
 * The durable counters of a dataset.
 *
 * <p>{@code changeSeq} grows by one for every distinct arrival recorded (new object, overwrite or
 * removal) and never for a redelivery, so two tallies with the same sequence describe the same
 * activity. Stable-count compares it rather than {@code objects}: a removal plus a creation leaves
 * the count equal but is still activity. Instances are immutable.
 *
 * @param objects objects currently present (created and not removed since)
 * @param bytes total size of the present objects
 * @param removals distinct removal events recorded
 * @param changeSeq distinct arrivals recorded
 * @param firstArrival earliest event time seen, or {@code null} before any arrival
 * @param lastArrival latest event time seen, or {@code null} before any arrival
 * @param records records in the present objects, of those whose records a source counted
 */
public record Tally(long objects, long bytes, long removals, long changeSeq, Instant firstArrival, Instant lastArrival,
                    long records) {

    /** The tally of a dataset nothing has arrived in. */
    public static final Tally EMPTY = new Tally(0, 0, 0, 0, null, null, 0);

    /** A tally of objects whose records nobody counted. */
    public Tally(long objects, long bytes, long removals, long changeSeq, Instant firstArrival, Instant lastArrival) {
        this(objects, bytes, removals, changeSeq, firstArrival, lastArrival, 0);
    }

    /** Whether anything has arrived. */
    public boolean hasArrivals() {
        return changeSeq > 0;
    }
}
