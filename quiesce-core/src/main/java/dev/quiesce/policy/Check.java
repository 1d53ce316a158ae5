package dev.quiesce.policy;

import static java.util.Objects.requireNonNull;

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
 */
public record Check(Tally tally, Progress progress, Instant startedAt, Instant activatedAt, Instant now) {

    public Check {
        requireNonNull(tally, "tally");
        requireNonNull(progress, "progress");
        requireNonNull(startedAt, "startedAt");
        requireNonNull(activatedAt, "activatedAt");
        requireNonNull(now, "now");
    }
}
