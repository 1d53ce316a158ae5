package dev.quiesce.policy;

import dev.quiesce.Durations;
import dev.quiesce.InvalidConfigurationException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The least silence after the last change on which a policy can complete, and how to raise it.
 *
 * <p>A stream that buffers (Firehose holds records up to its buffer interval) can be silent for a whole
 * interval while data is still on its way; a policy that completes on less silence completes early.
 * {@link #check} refuses such a configuration at start rather than letting it complete on part of the
 * data. Instances are immutable.
 *
 * @param least the shortest silence the policy completes on
 * @param what the policy's window in words, e.g. {@code inactivity period 45s}
 * @param raise which setting to raise, in words, e.g. {@code period (--inactivity)}
 */
public record QuietWindow(Duration least, String what, String raise) {

    /** Firehose dynamic partitioning can hold delivery for this many buffer intervals. */
    static final double DYNAMIC_PARTITIONING_FACTOR = 1.5;

    public QuietWindow {
        Objects.requireNonNull(least, "least");
        Objects.requireNonNull(what, "what");
        Objects.requireNonNull(raise, "raise");
    }

    /**
     * Refuses a policy whose quiet window is shorter than the buffer interval in {@code guards}, unless
     * the guards allow it; no-op when the interval is unknown or the policy has no fixed window.
     *
     * @throws InvalidConfigurationException in one line naming both values and what to raise
     */
    public static void check(Policy policy, Guards guards) {
        Duration buffer = guards.buffer();
        if (buffer == null || guards.allowShortWindow()) {
            return;
        }
        Optional<QuietWindow> w = policy.quietWindow();
        if (w.isEmpty() || w.get().least().compareTo(buffer) >= 0) {
            return;
        }
        long ms = (long) Math.ceil(buffer.toMillis() * DYNAMIC_PARTITIONING_FACTOR);
        if (buffer.toMillis() % 1000 == 0) {
            ms = (ms + 999) / 1000 * 1000; // whole seconds for an interval given in seconds
        }
        Duration partitioned = Duration.ofMillis(ms);
        throw new InvalidConfigurationException(w.get().what() + " is shorter than the buffer interval "
                + Durations.format(buffer) + ": raise " + w.get().raise() + " to at least " + Durations.format(buffer)
                + " (" + Durations.format(partitioned) + " with Firehose dynamic partitioning, which can delay delivery"
                + " to 1.5 x the interval), or pass --allow-short-window (allow-short-window in a spec)");
    }
}
