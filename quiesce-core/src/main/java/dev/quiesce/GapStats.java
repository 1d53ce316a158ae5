package dev.quiesce;

import java.time.Duration;
import java.time.Instant;

/**
 * What an observation has learned about the gaps between the tally's changes: their count, mean and
 * spread (Welford's running variance), the largest one, and when the latest change was seen. A gap is
 * the time between two checks that saw the tally change (with checks on arrival: between arrivals
 * becoming visible). Immutable.
 *
 * @param count gaps measured
 * @param meanMillis mean gap, in milliseconds
 * @param m2 sum of squared deviations from the mean (for the variance), in ms²
 * @param maxMillis largest gap, in milliseconds
 * @param lastArrival when the latest change was seen, or {@code null}
 * @param lastGapMillis the gap that ended at {@code lastArrival}, in milliseconds (0 before the first)
 */
public record GapStats(long count, double meanMillis, double m2, long maxMillis, Instant lastArrival,
                       long lastGapMillis) {

    /** Nothing learned yet. */
    public static final GapStats NONE = new GapStats(0, 0, 0, 0, null, 0);

    public GapStats {
        if (count < 0 || maxMillis < 0 || m2 < 0 || lastGapMillis < 0 || Double.isNaN(meanMillis)
                || Double.isNaN(m2)) {
            throw new IllegalArgumentException("gap statistics must be >= 0");
        }
    }

    /** Statistics stored before the last gap was kept (it reads as 0: unknown). */
    public GapStats(long count, double meanMillis, double m2, long maxMillis, Instant lastArrival) {
        this(count, meanMillis, m2, maxMillis, lastArrival, 0);
    }

    /** A baseline at a last-arrival time, before any gap. */
    public static GapStats from(Instant lastArrival) {
        return new GapStats(0, 0, 0, 0, lastArrival, 0);
    }

    /** The statistics after the tally's last arrival moved to {@code latest} (a later time adds one gap). */
    public GapStats observe(Instant latest) {
        if (latest == null) {
            return this;
        }
        if (lastArrival == null) {
            return new GapStats(count, meanMillis, m2, maxMillis, latest, lastGapMillis);
        }
        if (!latest.isAfter(lastArrival)) {
            return this;
        }
        long gap = Duration.between(lastArrival, latest).toMillis();
        long n = count + 1;
        double delta = gap - meanMillis;
        double mean = meanMillis + delta / n;
        double nextM2 = m2 + delta * (gap - mean);
        return new GapStats(n, mean, Math.max(0, nextM2), Math.max(maxMillis, gap), latest, gap);
    }

    /** The sample standard deviation of the gaps, in milliseconds (0 below two gaps). */
    public double stdDevMillis() {
        return count < 2 ? 0 : Math.sqrt(m2 / (count - 1));
    }
}
