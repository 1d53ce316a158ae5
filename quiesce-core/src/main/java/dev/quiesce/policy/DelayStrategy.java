package dev.quiesce.policy;

import dev.quiesce.Durations;
import dev.quiesce.InvalidConfigurationException;
import java.time.Duration;
import java.util.Objects;

/**
 * How long stable count waits before its next check, given the current unchanged streak.
 *
 * <p>The founding note computes its delays in whole seconds ({@code int(30 / repeated)},
 * {@code ceil(30 * exp(-repeated))}). Strategies here do the same arithmetic in seconds when the base
 * delay is a whole number of seconds, so the note's numbers come out exactly, and in milliseconds
 * otherwise (for scaled-down time). Instances are immutable.
 */
public interface DelayStrategy {

    /** The delay before the next check when the streak is {@code streak} (0 after a change). */
    Duration next(int streak);

    /** A canonical text form, e.g. {@code constant:30s}. */
    String spec();

    /** The note's default: always {@code d}. */
    static DelayStrategy constant(Duration d) {
        requirePositive(d, "delay");
        return new NamedDelay("constant:" + Durations.format(d), streak -> d);
    }

    /** The note's first variant: {@code d} at streak 0, else {@code floor(d / streak)}. */
    static DelayStrategy dividedByStreak(Duration d) {
        requirePositive(d, "delay");
        long unit = unitMillis(d);
        long base = d.toMillis() / unit;
        return new NamedDelay("divided:" + Durations.format(d),
                streak -> streak == 0 ? d : Duration.ofMillis(base / streak * unit));
    }

    /** The note's second variant: {@code ceil(d * e^-streak)}. */
    static DelayStrategy exponentialDecay(Duration d) {
        requirePositive(d, "delay");
        long unit = unitMillis(d);
        double base = (double) d.toMillis() / unit;
        return new NamedDelay("decay:" + Durations.format(d),
                streak -> Duration.ofMillis((long) Math.ceil(base * Math.exp(-streak)) * unit));
    }

    /**
     * Grows while the data stays quiet: {@code min(max, d * factor^streak)}.
     *
     * @throws InvalidConfigurationException if {@code factor < 1} or {@code max < d}
     */
    static DelayStrategy exponentialBackoff(Duration d, double factor, Duration max) {
        requirePositive(d, "delay");
        Objects.requireNonNull(max, "max");
        if (!(factor >= 1.0) || Double.isInfinite(factor)) {
            throw new InvalidConfigurationException("backoff factor must be >= 1, was " + factor);
        }
        if (max.compareTo(d) < 0) {
            throw new InvalidConfigurationException(
                    "backoff max (" + Durations.format(max) + ") must be >= delay (" + Durations.format(d) + ")");
        }
        return new NamedDelay("backoff:" + Durations.format(d) + ":" + factor + ":" + Durations.format(max), streak -> {
            double ms = d.toMillis() * Math.pow(factor, streak);
            return ms >= max.toMillis() ? max : Duration.ofMillis((long) ms);
        });
    }

    private static long unitMillis(Duration d) {
        return d.toMillis() % 1000 == 0 ? 1000 : 1;
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isZero() || d.isNegative()) {
            throw new InvalidConfigurationException(name + " must be > 0, was " + d);
        }
        if (d.getNano() % 1_000_000 != 0) {
            throw new InvalidConfigurationException(name + " must be a whole number of milliseconds, was " + d);
        }
    }
}
