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
     * @param p50 median detection latency, ms
     * @param p95 95th percentile, ms
     * @param p99 99th percentile, ms
     * @param max largest, ms
     * @param checks checks made
     * @param storeReads store reads
     * @param storeWrites store writes
     * @param schedulerMessages check messages scheduled
     * @param wakeUps engine wake-ups
     * @param arrivals storage-event deliveries accepted
     */
    public record Row(String scenario, String policy, long runs, int datasets, long observations, long completed,
                      long falseCompletions, long endedOtherwise, long unfinished, long p50, long p95, long p99,
                      long max, long checks, long storeReads, long storeWrites, long schedulerMessages,
                      long wakeUps, long arrivals) {

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
        b.append("| scenario | policy | false completions | unfinished | latency p50 (s) | p95 (s) | p99 (s) "
                + "| max (s) | checks/ds | reads/ds | writes/ds | sched. msgs/ds | wake-ups/ds | arrivals seen/run |\n");
        b.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        for (Row r : rows) {
            double n = r.observations == 0 ? 1 : r.observations;
            b.append("| ").append(r.scenario)
                    .append(" | `").append(r.policy).append('`')
                    .append(" | ").append(percent(r.falseCompletions, r.observations))
                    .append(" | ").append(percent(r.unfinished + r.endedOtherwise, r.observations))
                    .append(" | ").append(seconds(r.p50))
                    .append(" | ").append(seconds(r.p95))
                    .append(" | ").append(seconds(r.p99))
                    .append(" | ").append(seconds(r.max))
                    .append(" | ").append(fixed(r.checks / n))
                    .append(" | ").append(fixed(r.storeReads / n))
                    .append(" | ").append(fixed(r.storeWrites / n))
                    .append(" | ").append(fixed(r.schedulerMessages / n))
                    .append(" | ").append(fixed(r.wakeUps / n))
                    .append(" | ").append(fixed(r.runs == 0 ? 0 : (double) r.arrivals / r.runs))
                    .append(" |\n");
        }
        b.append("\nFalse completion: completed before the dataset's last object became visible to the monitor. "
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
