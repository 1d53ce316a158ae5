package dev.quiesce.sim;

import java.util.List;
import java.util.Locale;

/**
 * The detection-quality table: one row per (scenario, policy) over every seeded run. It holds only
 * what the seed determines &mdash; no wall-clock figures (those are in {@link Speed}) &mdash; so two
 * simulations with the same seed, workloads and policies give equal reports and the same
 * {@link #toMarkdown()}, byte for byte.
 *
 * <p>Definitions (see {@link RunResult}): a <b>false completion</b> is a completion strictly before
 * the dataset's last object first became visible to the monitor; <b>latency</b> is the time from that
 * moment to a correct completion, over all correct completions (HdrHistogram at 0.1 s resolution,
 * four significant digits, never above the maximum, which is exact). Costs are per dataset per run: checks made, store reads and writes
 * (tally and observation store, as a database bills them), scheduler messages (check messages the
 * observer sends, an SQS message each in a Lambda deployment), and wake-ups (passes of the in-process
 * scheduler, shared by the datasets of a run). Immutable.
 *
 * @param seed the seed of the runs
 * @param runs runs per row
 * @param rows the rows, by scenario then policy, in the order given
 */
public record Report(long seed, int runs, List<Row> rows) {

    /**
     * The percentiles at which every row keeps its latency distribution: enough points to draw a CDF or a
     * box plot (quartiles, median, tails) while keeping the report small and exactly comparable. 0 is the
     * smallest latency, 100 the exact largest.
     */
    public static final List<Double> LATENCY_PERCENTILES = List.of(
            0.0, 1.0, 5.0, 10.0, 20.0, 25.0, 30.0, 40.0, 50.0, 60.0, 70.0, 75.0, 80.0, 90.0, 95.0, 99.0, 100.0);

    public Report {
        rows = List.copyOf(rows);
    }

    /**
     * One (scenario, policy) over all its runs. Latencies are in milliseconds, -1 when nothing completed
     * correctly; counters are totals over all runs.
     *
     * @param scenario the workload's name
     * @param policy the policy spec as given
     * @param runs runs made
     * @param datasets datasets per run
     * @param observations runs × datasets
     * @param completed observations that completed
     * @param falseCompletions completions before the last object became visible
     * @param endedOtherwise observations a guard ended (timed out, incomplete)
     * @param unfinished observations still open at the horizon
     * @param latency detection latency in ms at each of {@link #LATENCY_PERCENTILES}, in that order
     *     (non-decreasing, the last being the exact maximum); empty when nothing completed correctly
     * @param checks checks made
     * @param storeReads store reads
     * @param storeWrites store writes
     * @param schedulerMessages check messages scheduled
     * @param wakeUps engine wake-ups
     * @param arrivals storage-event deliveries accepted
     * @param quietGapP50 median over datasets and runs of a dataset's longest quiet gap before its last
     *     object, ms (-1 without observations): the scenario's, the same for every policy
     * @param quietGapMax the largest such gap, ms
     */
    public record Row(String scenario, String policy, long runs, int datasets, long observations, long completed,
                      long falseCompletions, long endedOtherwise, long unfinished, List<Long> latency,
                      long checks, long storeReads, long storeWrites, long schedulerMessages,
                      long wakeUps, long arrivals, long quietGapP50, long quietGapMax) {

        public Row {
            latency = List.copyOf(latency);
            if (!latency.isEmpty() && latency.size() != LATENCY_PERCENTILES.size()) {
                throw new IllegalArgumentException("latency needs one value per percentile of "
                        + LATENCY_PERCENTILES + ", got " + latency);
            }
            for (int i = 1; i < latency.size(); i++) {
                if (latency.get(i) < latency.get(i - 1)) {
                    throw new IllegalArgumentException("latency quantiles must not decrease: " + latency);
                }
            }
        }

        /** Median detection latency, ms; -1 when nothing completed correctly. */
        public long p50() {
            return latencyAt(50);
        }

        /** 95th percentile of detection latency, ms; -1 when nothing completed correctly. */
        public long p95() {
            return latencyAt(95);
        }

        /** 99th percentile of detection latency, ms; -1 when nothing completed correctly. */
        public long p99() {
            return latencyAt(99);
        }

        /** Largest detection latency (exact), ms; -1 when nothing completed correctly. */
        public long max() {
            return latencyAt(100);
        }

        /**
         * Detection latency at one of {@link #LATENCY_PERCENTILES}, ms; -1 when nothing completed correctly.
         *
         * @throws IllegalArgumentException if {@code percentile} is not one of them
         */
        public long latencyAt(double percentile) {
            int i = LATENCY_PERCENTILES.indexOf(percentile);
            if (i < 0) {
                throw new IllegalArgumentException("no latency kept at percentile " + percentile
                        + "; kept: " + LATENCY_PERCENTILES);
            }
            return latency.isEmpty() ? -1 : latency.get(i);
        }

        /** Whether any observation completed correctly, so there is a latency distribution to show. */
        public boolean hasLatency() {
            return !latency.isEmpty();
        }

        /** False completions per observation, 0 to 1. */
        public double falseCompletionRate() {
            return observations == 0 ? 0 : (double) falseCompletions / observations;
        }
    }

    /** The rows of one scenario, in policy order. */
    public List<Row> rowsOf(String scenario) {
        return rows.stream().filter(r -> r.scenario().equals(scenario)).toList();
    }

    /** The row of one (scenario, policy). */
    public java.util.Optional<Row> row(String scenario, String policy) {
        return rows.stream().filter(r -> r.scenario().equals(scenario) && r.policy().equals(policy)).findFirst();
    }

    /** The table as Markdown (readable as plain text too). */
    public String toMarkdown() {
        StringBuilder b = new StringBuilder();
        b.append("Seed ").append(seed).append(", ").append(runs).append(" runs per scenario and policy.\n\n");
        b.append("| scenario | longest gap before end, p50 / max (s) | policy | false completions | unfinished "
                + "| latency p50 (s) | p95 (s) | p99 (s) | max (s) | checks/ds | reads/ds | writes/ds | sched. msgs/ds "
                + "| wake-ups/ds | arrivals seen/run |\n");
        b.append("|---|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        for (Row r : rows) {
            double n = r.observations == 0 ? 1 : r.observations;
            b.append("| ").append(r.scenario)
                    .append(" | ").append(seconds(r.quietGapP50)).append(" / ").append(seconds(r.quietGapMax))
                    .append(" | `").append(r.policy).append('`')
                    .append(" | ").append(percent(r.falseCompletions, r.observations))
                    .append(" | ").append(percent(r.unfinished + r.endedOtherwise, r.observations))
                    .append(" | ").append(seconds(r.p50()))
                    .append(" | ").append(seconds(r.p95()))
                    .append(" | ").append(seconds(r.p99()))
                    .append(" | ").append(seconds(r.max()))
                    .append(" | ").append(fixed(r.checks / n))
                    .append(" | ").append(fixed(r.storeReads / n))
                    .append(" | ").append(fixed(r.storeWrites / n))
                    .append(" | ").append(fixed(r.schedulerMessages / n))
                    .append(" | ").append(fixed(r.wakeUps / n))
                    .append(" | ").append(fixed(r.runs == 0 ? 0 : (double) r.arrivals / r.runs))
                    .append(" |\n");
        }
        b.append("\nLongest gap before end: the longest time between two of a dataset's objects first becoming "
                + "visible, before its last; a heuristic waiting for less silence can be fooled. "
                + "False completion: completed before the dataset's last object became visible to the monitor. "
                + "Latency: from that moment to a correct completion. Costs are per dataset (ds) per run; a run stops once every observation has finished, so a policy that "
                + "finishes early sees fewer arrivals.\n");
        return b.toString();
    }

    private static String percent(long part, long whole) {
        if (whole == 0) {
            return "–";
        }
        return String.format(Locale.ROOT, "%.1f%% (%d)", 100.0 * part / whole, part);
    }

    private static String seconds(long ms) {
        return ms < 0 ? "–" : String.format(Locale.ROOT, "%.1f", ms / 1000.0);
    }

    private static String fixed(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    @Override
    public String toString() {
        return toMarkdown();
    }
}
