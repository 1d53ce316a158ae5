package dev.quiesce.engine;

import dev.quiesce.InvalidConfigurationException;
import java.time.Duration;
import java.util.Objects;

/**
 * Retry timing for notifications: attempt {@code n} (from 1) that fails waits
 * {@code min(max, initial * factor^(n-1))}; after {@code maxAttempts} the entry is dead.
 *
 * @param initial wait after the first failure
 * @param factor growth per further failure, at least 1
 * @param max longest wait
 * @param maxAttempts attempts in all, at least 1
 */
public record Backoff(Duration initial, double factor, Duration max, int maxAttempts) {

    /** 1 s, doubling, at most 1 min, 6 attempts (about a minute in all). */
    public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(1), 6);

    public Backoff {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (initial.isNegative() || max.compareTo(initial) < 0) {
            throw new InvalidConfigurationException("backoff needs 0 <= initial <= max, was " + initial + ", " + max);
        }
        if (!(factor >= 1.0)) {
            throw new InvalidConfigurationException("backoff factor must be >= 1, was " + factor);
        }
        if (maxAttempts < 1) {
            throw new InvalidConfigurationException("max attempts must be >= 1, was " + maxAttempts);
        }
    }

    /** The wait after failed attempt {@code attempt} (1-based). */
    public Duration delayAfter(int attempt) {
        double ms = initial.toMillis() * Math.pow(factor, Math.max(0, attempt - 1));
        return ms >= max.toMillis() ? max : Duration.ofMillis((long) ms);
    }
}
