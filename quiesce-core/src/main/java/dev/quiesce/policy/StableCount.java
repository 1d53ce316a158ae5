package dev.quiesce.policy;

import dev.quiesce.InvalidConfigurationException;
import dev.quiesce.Tally;
import dev.quiesce.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The founding note's algorithm: complete when the tally's change sequence stays the same for
 * {@code window} consecutive checks.
 *
 * <p>Each check compares the change sequence with the one the previous check saw: unchanged grows
 * the streak, changed resets it to 0. The check at which the streak reaches the window completes at
 * once (the note sends one more delayed message first; that delay is not repeated here). The first
 * check is due one delay after activation; each later one {@code delay.next(streak)} after the
 * previous. By default the window is 3 and checks are 30 s apart. Instances are immutable and
 * thread-safe.
 */
public final class StableCount implements Policy {

    /** The note's MAX_NUM_REPEAT. */
    public static final int DEFAULT_WINDOW = 3;
    /** The note's DelaySeconds. */
    public static final Duration DEFAULT_DELAY = Duration.ofSeconds(30);

    private final int window;
    private final DelayStrategy delay;

    private StableCount(int window, DelayStrategy delay) {
        this.window = window;
        this.delay = delay;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static StableCount ofDefaults() {
        return builder().build();
    }

    public int window() {
        return window;
    }

    public DelayStrategy delay() {
        return delay;
    }

    @Override
    public Instant firstCheckAt(Instant activatedAt, Tally tally) {
        return activatedAt.plus(delay.next(0));
    }

    @Override
    public Verdict decide(Check check) {
        int streak = check.progress().streak();
        if (streak >= window) {
            return new Verdict.Complete("tally unchanged for " + streak + " consecutive checks");
        }
        return new Verdict.Wait(check.now().plus(delay.next(streak)));
    }

    /** The unchanged streak against the window it completes at: {@code streak 2 of 3}. */
    @Override
    public java.util.List<Goal> progress(Check check) {
        return java.util.List.of(new Goal("streak", check.progress().streak(), window, Goal.Unit.STEPS));
    }

    /**
     * The least silence stable count completes on: a change seen at one check (streak 0) is followed by
     * {@code window} unchanged checks, {@code delay.next(0) + ... + delay.next(window - 1)} apart in all.
     */
    public Duration leastSilence() {
        Duration sum = Duration.ZERO;
        for (int s = 0; s < window; s++) {
            sum = sum.plus(delay.next(s));
        }
        return sum;
    }

    @Override
    public java.util.Optional<QuietWindow> quietWindow() {
        Duration least = leastSilence();
        return java.util.Optional.of(new QuietWindow(least, "stable count's quiet window "
                + dev.quiesce.Durations.format(least) + " (window " + window + ", delay " + delay.spec() + ")",
                "window or delay (--window, --delay)"));
    }

    @Override
    public Duration recheckInterval() {
        return delay.next(0);
    }

    @Override
    public String spec() {
        return "stable window=" + window + " delay=" + delay.spec();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StableCount && ((StableCount) o).window == window && ((StableCount) o).delay.equals(delay);
    }

    @Override
    public int hashCode() {
        return Objects.hash(window, delay);
    }

    @Override
    public String toString() {
        return spec();
    }

    /** Builds a {@link StableCount}; not thread-safe, and reusing it never changes a policy already built. */
    public static final class Builder {
        private int window = DEFAULT_WINDOW;
        private DelayStrategy delay = DelayStrategy.constant(DEFAULT_DELAY);

        private Builder() {
        }

        /** @throws InvalidConfigurationException if {@code window < 1} */
        public Builder window(int window) {
            if (window < 1) {
                throw new InvalidConfigurationException("window must be >= 1, was " + window);
            }
            this.window = window;
            return this;
        }

        public Builder delay(DelayStrategy delay) {
            this.delay = Objects.requireNonNull(delay, "delay");
            return this;
        }

        public StableCount build() {
            return new StableCount(window, delay);
        }
    }
}
