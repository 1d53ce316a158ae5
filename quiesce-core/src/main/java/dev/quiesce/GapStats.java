package dev.quiesce;

import java.time.Duration;
import java.time.Instant;

/**
 * What an observation has learned about the gaps between the tally's changes: their count, mean and
 * spread (Welford's running variance), the largest one, when the latest change was seen and the gap it
 * ended; and how large the objects of the latest change were against the largest seen, which tells a
 * buffer flushed by size (full) from one flushed by its interval (partial). A gap is the time between
 * two checks that saw the tally change (with checks on arrival: between arrivals becoming visible).
 * Immutable.
 *
 * @param count gaps measured
 * @param meanMillis mean gap, in milliseconds
 * @param m2 sum of squared deviations from the mean (for the variance), in ms²
 * @param maxMillis largest gap, in milliseconds
 * @param lastArrival when the latest change was seen, or {@code null}
 * @param lastGapMillis the gap that ended at {@code lastArrival}, in milliseconds (0 before the first)
 * @param objects the tally's objects at the latest change
 * @param bytes the tally's bytes at the latest change
 * @param lastObjectBytes mean size of the objects the latest change added; -1 when unknown
 * @param largestObjectBytes the largest {@code lastObjectBytes} seen; 0 when none
 */
public record GapStats(long count, double meanMillis, double m2, long maxMillis, Instant lastArrival,
                       long lastGapMillis, long objects, long bytes, long lastObjectBytes,
                       long largestObjectBytes) {

    /** Nothing learned yet. */
    public static final GapStats NONE = new GapStats(0, 0, 0, 0, null, 0, 0, 0, -1, 0);

    public GapStats {
        if (count < 0 || maxMillis < 0 || m2 < 0 || lastGapMillis < 0 || Double.isNaN(meanMillis)
                || Double.isNaN(m2) || objects < 0 || lastObjectBytes < -1 || largestObjectBytes < 0) {
            throw new IllegalArgumentException("gap statistics must be >= 0");
        }
    }

    /** Statistics stored before sizes and the last gap were kept (they read as unknown). */
    public GapStats(long count, double meanMillis, double m2, long maxMillis, Instant lastArrival) {
        this(count, meanMillis, m2, maxMillis, lastArrival, 0, 0, 0, -1, 0);
    }

    /** The same statistics with the last change moved later by {@code pause} (blind time the silence clock skips). */
    public GapStats shifted(Duration pause) {
        return pause.isZero() || lastArrival == null ? this
                : new GapStats(count, meanMillis, m2, maxMillis, lastArrival.plus(pause), lastGapMillis, objects, bytes,
                        lastObjectBytes, largestObjectBytes);
    }

    /** A baseline at a last-arrival time, before any gap. */
    public static GapStats from(Instant lastArrival) {
        return new GapStats(0, 0, 0, 0, lastArrival, 0, 0, 0, -1, 0);
    }

    /** As {@link #observe(Instant, long, long)} without sizes. */
    public GapStats observe(Instant latest) {
        return observe(latest, objects, bytes);
    }

    /**
     * The statistics after the tally's last change moved to {@code latest} (a later time adds one gap),
     * the tally then holding {@code tallyObjects} objects of {@code tallyBytes} bytes.
     */
    public GapStats observe(Instant latest, long tallyObjects, long tallyBytes) {
        if (latest == null) {
            return this;
        }
        long added = tallyObjects - objects;
        long size = added > 0 ? Math.max(0, tallyBytes - bytes) / added : lastObjectBytes;
        long largest = Math.max(largestObjectBytes, size);
        if (lastArrival == null) {
            return new GapStats(count, meanMillis, m2, maxMillis, latest, lastGapMillis, tallyObjects, tallyBytes,
                    size, largest);
        }
        if (!latest.isAfter(lastArrival)) {
            return this;
        }
        long gap = Duration.between(lastArrival, latest).toMillis();
        long n = count + 1;
        double delta = gap - meanMillis;
        double mean = meanMillis + delta / n;
        double nextM2 = m2 + delta * (gap - mean);
        return new GapStats(n, mean, Math.max(0, nextM2), Math.max(maxMillis, gap), latest, gap, tallyObjects,
                tallyBytes, size, largest);
    }

    /**
     * Whether the latest change added objects at least 90% the size of the largest seen: what a buffer
     * flushed by size writes, rather than the remainder an interval flush writes. False when unknown.
     */
    public boolean lastObjectsFullSize() {
        return lastObjectBytes > 0 && lastObjectBytes * 10 >= largestObjectBytes * 9;
    }

    /** The sample standard deviation of the gaps, in milliseconds (0 below two gaps). */
    public double stdDevMillis() {
        return count < 2 ? 0 : Math.sqrt(m2 / (count - 1));
    }
}
