package dev.quiesce.sim;

import java.util.Locale;

/**
 * How fast a simulation ran on this machine: kept apart from the {@link Report}, which must be the same
 * on every machine.
 *
 * @param arrivals storage-event deliveries the engines accepted, over every run and policy
 * @param runs engine runs (workloads × runs × policies)
 * @param wallNanos elapsed wall time, from {@link System#nanoTime()}
 * @param threads threads the runs were spread over
 */
public record Speed(long arrivals, long runs, long wallNanos, int threads) {

    /** Simulated arrivals per second of wall time. */
    public double arrivalsPerSecond() {
        return wallNanos == 0 ? 0 : arrivals * 1e9 / wallNanos;
    }

    /** Wall time in seconds. */
    public double seconds() {
        return wallNanos / 1e9;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%,d arrivals in %,d engine runs, %.2f s wall on %d threads: %,.0f arrivals/s",
                arrivals, runs, seconds(), threads, arrivalsPerSecond());
    }
}
