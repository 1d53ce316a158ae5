package dev.quiesce.source;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How long a listing source waits between full rescans when something else (file-system events) does the
 * everyday work and the rescan is only a safety net: a fixed share of its time, so the rescan's cost follows
 * the location's size. After a pass that took {@code t}, the next one is due {@code t × factor} later, but
 * never sooner than the floor (the configured interval, what a small tree gets) nor later than the ceiling
 * (how long a missed event may go unnoticed at worst). Thread-safe; immutable apart from the last pass's
 * time, which is volatile.
 */
public final class RescanPacing {

    /** A pass may take 1 % of the time: 100 files cost what 1 file does at a fixed interval of the floor. */
    public static final int DEFAULT_FACTOR = 100;
    /** The longest wait between rescans unless told otherwise: 5 minutes. */
    public static final Duration DEFAULT_CEILING = Duration.ofMinutes(5);

    private final Duration floor;
    private final Duration ceiling;
    private final long factor;
    private volatile Duration next;

    /**
     * @param floor the shortest interval, and the first one
     * @param ceiling the longest interval; raised to the floor if below it
     * @param factor how many times a pass's duration to wait after it
     * @throws IllegalArgumentException if the floor is not positive or the factor below 1
     */
    public RescanPacing(Duration floor, Duration ceiling, int factor) {
        requireNonNull(floor, "floor");
        requireNonNull(ceiling, "ceiling");
        if (floor.isZero() || floor.isNegative() || factor < 1) {
            throw new IllegalArgumentException("floor must be > 0 and factor >= 1, were " + floor + " and " + factor);
        }
        this.floor = floor;
        this.ceiling = ceiling.compareTo(floor) < 0 ? floor : ceiling;
        this.factor = factor;
        this.next = floor;
    }

    /** Pacing with the default factor and ceiling above {@code floor}. */
    public static RescanPacing over(Duration floor) {
        return new RescanPacing(floor, DEFAULT_CEILING, DEFAULT_FACTOR);
    }

    /** Notes how long a full pass took; returns the interval until the next one. */
    public Duration passed(Duration took) {
        Duration wanted;
        try {
            wanted = took.multipliedBy(factor);
        } catch (ArithmeticException e) {
            wanted = ceiling;
        }
        Duration d = wanted.compareTo(floor) < 0 ? floor : wanted.compareTo(ceiling) > 0 ? ceiling : wanted;
        next = d;
        return d;
    }

    /** The interval until the next full pass, from the last one noted (the floor before any). */
    public Duration next() {
        return next;
    }

    /** The shortest interval. */
    public Duration floor() {
        return floor;
    }

    /** The longest interval. */
    public Duration ceiling() {
        return ceiling;
    }
}
