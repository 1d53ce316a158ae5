package dev.quiesce.policy;

import static java.util.Objects.requireNonNull;

import dev.quiesce.Expectations;
import dev.quiesce.Progress;
import dev.quiesce.Tally;
import java.time.Instant;

/**
 * What a policy sees at one check of an active observation: the tally just read, the progress
 * already updated with it, and the times that matter.
 *
 * @param tally the dataset's tally as this check read it
 * @param progress checks and unchanged streak, including this check
 * @param startedAt when the observation started
 * @param activatedAt when the first arrival was seen
 * @param now the time of this check
 * @param expectations producers' declarations for the dataset ({@link Expectations#NONE} unless the
 *     policy {@linkplain Policy#needsExpectations() needs them})
 */
public record Check(Tally tally, Progress progress, Instant startedAt, Instant activatedAt, Instant now,
                    Expectations expectations) {

    public Check {
        requireNonNull(tally, "tally");
        requireNonNull(progress, "progress");
        requireNonNull(startedAt, "startedAt");
        requireNonNull(activatedAt, "activatedAt");
        requireNonNull(now, "now");
        requireNonNull(expectations, "expectations");
    }

    /** A check without declarations. */
    public Check(Tally tally, Progress progress, Instant startedAt, Instant activatedAt, Instant now) {
        this(tally, progress, startedAt, activatedAt, now, Expectations.NONE);
    }
}
