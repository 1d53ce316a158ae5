package dev.quiesce.sim;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.IntCountsHistogram;

/**
 * Sums the runs of one (scenario, policy) as they finish, in any order: only integer sums, maxima and
 * histogram counts, which do not depend on the order they are added in, so the row is the same however
 * the runs were spread over threads. Thread-safe.
 */
final class RowAccumulator {

    private final String scenario;
    private final String policy;
    private final int datasets;
    /**
     * Detection latency of correct completions in tenths of a second (the report's resolution), four
     * significant digits: exact up to 1638.3 s, within 0.4 s at an hour. Int counts halve its memory.
     */
    private final IntCountsHistogram latency = new IntCountsHistogram(4);
    private static final long UNIT_MS = 100;
    /** Each dataset's longest quiet gap before its end, same resolution. */
    private final IntCountsHistogram quietGaps = new IntCountsHistogram(4);
    private long maxQuietGap = -1;
    private long runs;
    private long observations;
    private long completed;
    private long falseCompletions;
    private long endedOtherwise;
    private long unfinished;
    private long maxLatency = -1;
    private long checks;
    private long reads;
    private long writes;
    private long messages;
    private long wakeUps;
    private long arrivals;

    RowAccumulator(String scenario, String policy, int datasets) {
        this.scenario = scenario;
        this.policy = policy;
        this.datasets = datasets;
    }

    synchronized void add(RunResult r) {
        runs++;
        for (int d = 0; d < r.datasets(); d++) {
            observations++;
            checks += r.checks(d);
            quietGaps.recordValue(r.longestQuietGapMillis(d) / UNIT_MS);
            maxQuietGap = Math.max(maxQuietGap, r.longestQuietGapMillis(d));
            switch (r.ending(d)) {
                case COMPLETED:
                    completed++;
                    if (r.falseCompletion(d)) {
                        falseCompletions++;
                    } else {
                        long ms = r.completedMillis(d) - r.lastVisibleMillis(d);
                        latency.recordValue(ms / UNIT_MS);
                        maxLatency = Math.max(maxLatency, ms);
                    }
                    break;
                case ENDED_OTHERWISE:
                    endedOtherwise++;
                    break;
                default:
                    unfinished++;
            }
        }
        reads += r.storeReads();
        writes += r.storeWrites();
        messages += r.schedulerMessages();
        wakeUps += r.wakeUps();
        arrivals += r.arrivals();
    }

    /**
     * A percentile in ms: the histogram's value (the top of its bucket) but never above the exact
     * maximum, so a column never shows p99 above max; the 100th is the exact maximum itself.
     */
    private long percentile(double p) {
        return p >= 100 ? maxLatency : Math.min(latency.getValueAtPercentile(p) * UNIT_MS, maxLatency);
    }

    synchronized Report.Row row() {
        List<Long> quantiles = new ArrayList<>();
        if (latency.getTotalCount() > 0) {
            for (double p : Report.LATENCY_PERCENTILES) {
                quantiles.add(percentile(p));
            }
        }
        long quietP50 = quietGaps.getTotalCount() == 0 ? -1
                : Math.min(quietGaps.getValueAtPercentile(50) * UNIT_MS, maxQuietGap);
        return new Report.Row(scenario, policy, runs, datasets, observations, completed, falseCompletions,
                endedOtherwise, unfinished, quantiles, checks, reads, writes, messages, wakeUps, arrivals,
                quietP50, maxQuietGap);
    }
}
