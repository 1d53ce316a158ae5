package dev.quiesce.policy;

import java.time.Duration;
import java.util.function.IntFunction;

/** A delay strategy identified by its spec text: two strategies with the same spec are equal. */
final class NamedDelay implements DelayStrategy {

    private final String spec;
    private final IntFunction<Duration> delays;

    NamedDelay(String spec, IntFunction<Duration> delays) {
        this.spec = spec;
        this.delays = delays;
    }

    @Override
    public Duration next(int streak) {
        if (streak < 0) {
            throw new IllegalArgumentException("streak must be >= 0, was " + streak);
        }
        return delays.apply(streak);
    }

    @Override
    public String spec() {
        return spec;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DelayStrategy && ((DelayStrategy) o).spec().equals(spec);
    }

    @Override
    public int hashCode() {
        return spec.hashCode();
    }

    @Override
    public String toString() {
        return spec;
    }
}
