package dev.quiesce.bench.aws;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock the benchmark moves: a day of checks runs in seconds. Only moves forward. */
public final class VirtualClock extends Clock {

    private volatile Instant now;

    public VirtualClock(Instant start) {
        this.now = start;
    }

    /** Moves the clock to {@code t}; earlier instants are refused. */
    public void set(Instant t) {
        if (t.isBefore(now)) {
            throw new IllegalArgumentException("the virtual clock only moves forward: " + now + " -> " + t);
        }
        now = t;
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this; // everything here is UTC
    }
}
