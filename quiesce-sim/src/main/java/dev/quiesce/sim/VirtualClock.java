package dev.quiesce.sim;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Virtual time for one simulated run: it stands still until the simulator moves it, and only forward.
 *
 * <p>Time is kept as milliseconds since an origin, the resolution of the storage events and of the
 * engine's due times; the current {@link Instant} is made once per move rather than per read, because
 * the engine reads the clock several times per arrival and per check. Not thread-safe: one run, one
 * thread, one clock.
 */
public final class VirtualClock extends Clock {

    private final Instant origin;
    private final long originMillis;
    private long millis;
    private Instant now;

    private VirtualClock(Instant origin) {
        this.origin = origin;
        this.originMillis = origin.toEpochMilli();
        this.now = origin;
    }

    /** A clock standing at {@code origin}, which must be a whole millisecond. */
    public static VirtualClock at(Instant origin) {
        if (origin.getNano() % 1_000_000 != 0) {
            throw new IllegalArgumentException("origin must be a whole millisecond, was " + origin);
        }
        return new VirtualClock(origin);
    }

    /** The origin virtual time counts from. */
    public Instant origin() {
        return origin;
    }

    /** Milliseconds since the origin (not since the epoch, which {@link #millis()} gives). */
    public long elapsedMillis() {
        return millis;
    }

    /**
     * Moves time to {@code millisSinceOrigin}.
     *
     * @throws IllegalArgumentException if that is before the current time: virtual time never runs back
     */
    public void advanceTo(long millisSinceOrigin) {
        if (millisSinceOrigin < millis) {
            throw new IllegalArgumentException("virtual time runs forward only: at " + millis + " ms, asked for "
                    + millisSinceOrigin + " ms");
        }
        if (millisSinceOrigin != millis) {
            millis = millisSinceOrigin;
            now = Instant.ofEpochMilli(originMillis + millisSinceOrigin);
        }
    }

    /** Milliseconds from the origin to {@code t}. */
    public long toMillis(Instant t) {
        return t.toEpochMilli() - originMillis;
    }

    /** The instant {@code millisSinceOrigin} after the origin. */
    public Instant toInstant(long millisSinceOrigin) {
        return Instant.ofEpochMilli(originMillis + millisSinceOrigin);
    }

    @Override
    public Instant instant() {
        return now;
    }

    /** Milliseconds since the epoch, as every {@link Clock} gives them. */
    @Override
    public long millis() {
        return originMillis + millis;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
