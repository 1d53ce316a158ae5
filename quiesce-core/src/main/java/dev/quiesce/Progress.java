package dev.quiesce;

/**
 * What an observation has learned from its checks so far.
 *
 * @param checks checks made while active
 * @param streak consecutive checks that found the change sequence unchanged
 * @param lastSeenSeq the change sequence the latest check (or the activation) saw
 * @param gaps the gaps between tally changes seen so far (for the adaptive policy)
 */
public record Progress(long checks, int streak, long lastSeenSeq, GapStats gaps) {

    /** No checks yet. */
    public static final Progress NONE = new Progress(0, 0, 0);

    public Progress {
        if (checks < 0 || streak < 0 || lastSeenSeq < 0) {
            throw new IllegalArgumentException("progress counters must be >= 0");
        }
        java.util.Objects.requireNonNull(gaps, "gaps");
    }

    /** Progress without gap statistics. */
    public Progress(long checks, int streak, long lastSeenSeq) {
        this(checks, streak, lastSeenSeq, GapStats.NONE);
    }

    /** Progress after one more check that saw {@code changeSeq}: unchanged grows the streak, changed resets it. */
    public Progress afterCheck(long changeSeq) {
        int nextStreak = changeSeq == lastSeenSeq ? streak + 1 : 0;
        return new Progress(checks + 1, nextStreak, changeSeq, gaps);
    }

    /**
     * As {@link #afterCheck(long)}, also learning the gap when the tally changed. Gaps are measured
     * between the times the monitor saw the changes ({@link Tally#lastSeen}, else the check's time), not
     * the storage event times: what matters is when data became visible, and a late-delivered event must
     * not look as if it arrived long ago.
     */
    public Progress afterCheck(Tally tally, java.time.Instant now) {
        Progress p = afterCheck(tally.changeSeq());
        if (tally.changeSeq() == lastSeenSeq) {
            return p;
        }
        java.time.Instant seen = tally.lastSeen() != null && tally.lastSeen().isBefore(now) ? tally.lastSeen() : now;
        return new Progress(p.checks, p.streak, p.lastSeenSeq, gaps.observe(seen, tally.objects(), tally.bytes()));
    }
}
