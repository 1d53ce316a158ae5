package dev.quiesce;

/**
 * What an observation has learned from its checks so far.
 *
 * @param checks checks made while active
 * @param streak consecutive checks that found the change sequence unchanged
 * @param lastSeenSeq the change sequence the latest check (or the activation) saw
 */
public record Progress(long checks, int streak, long lastSeenSeq) {

    /** No checks yet. */
    public static final Progress NONE = new Progress(0, 0, 0);

    public Progress {
        if (checks < 0 || streak < 0 || lastSeenSeq < 0) {
            throw new IllegalArgumentException("progress counters must be >= 0");
        }
    }

    /** Progress after one more check that saw {@code changeSeq}: unchanged grows the streak, changed resets it. */
    public Progress afterCheck(long changeSeq) {
        int nextStreak = changeSeq == lastSeenSeq ? streak + 1 : 0;
        return new Progress(checks + 1, nextStreak, changeSeq);
    }
}
