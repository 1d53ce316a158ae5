package dev.quiesce;

import java.time.Instant;

/**
 * The durable counters of a dataset.
 *
 * <p>{@code changeSeq} grows by one for every distinct arrival recorded (new object, overwrite, removal,
 * or an older version landing late) and never for a redelivery, so two tallies with the same sequence
 * describe the same activity. Stable-count compares it rather than {@code objects}: a removal plus a
 * creation leaves the count equal but is still activity. Instances are immutable.
 *
 * <p>Two clocks: {@code firstArrival}/{@code lastArrival} are storage's event times, for reporting and
 * dated routing; {@code lastSeen} is when the monitor recorded the latest distinct arrival, on its own
 * clock, and is what every rule that measures silence uses. A backlog of notifications delivered late has
 * old event times but a recent {@code lastSeen}: it is lag, not silence.
 *
 * @param objects objects currently present (created and not removed since)
 * @param bytes total size of the present objects
 * @param removals distinct removal events recorded
 * @param changeSeq distinct arrivals recorded
 * @param firstArrival earliest event time seen, or {@code null} before any arrival
 * @param lastArrival latest event time seen, or {@code null} before any arrival
 * @param records records in the present objects, of those whose records a source counted
 * @param lastSeen when the monitor recorded the latest distinct arrival, or {@code null} before any
 * @param digest the {@link KeyDigest} of the present keys at their versions
 */
public record Tally(long objects, long bytes, long removals, long changeSeq, Instant firstArrival, Instant lastArrival,
                    long records, Instant lastSeen, long digest) {

    /** The tally of a dataset nothing has arrived in. */
    public static final Tally EMPTY = new Tally(0, 0, 0, 0, null, null, 0, null, 0);

    /** A tally of objects whose records nobody counted, without seen time or digest (tests, reports). */
    public Tally(long objects, long bytes, long removals, long changeSeq, Instant firstArrival, Instant lastArrival) {
        this(objects, bytes, removals, changeSeq, firstArrival, lastArrival, 0, null, 0);
    }

    /** The same tally with its silence clock started later by {@code pause}: blind time does not count as quiet. */
    public Tally withQuietPaused(java.time.Duration pause) {
        Instant last = lastActivity();
        return pause.isZero() || last == null ? this
                : new Tally(objects, bytes, removals, changeSeq, firstArrival, lastArrival, records, last.plus(pause), digest);
    }

    /** Whether anything has arrived. */
    public boolean hasArrivals() {
        return changeSeq > 0;
    }

    /**
     * When the monitor last saw a distinct arrival; a tally written before seen times were kept falls back
     * to the latest event time.
     */
    public Instant lastActivity() {
        return lastSeen != null ? lastSeen : lastArrival;
    }
}
