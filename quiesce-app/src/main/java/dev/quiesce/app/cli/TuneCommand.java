package dev.quiesce.app.cli;

import dev.quiesce.InvalidConfigurationException;
import dev.quiesce.sim.Report;
import dev.quiesce.sim.Simulator;
import dev.quiesce.sim.Workload;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quiesce tune}: tries a grid of settings of each policy on a workload and recommends, per
 * policy, the fastest setting that completed falsely in none of the runs, with the latency it gives.
 */
@Command(name = "tune", mixinStandardHelpOptions = true,
        description = {"Recommend the fastest settings of each policy with zero false completions on a workload.",
            "Example: quiesce tune --workload my-stream.json --runs 100"})
public final class TuneCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--workload", paramLabel = "FILE", description = "A workload JSON file.")
    private Path workload;

    @Option(names = "--scenario", paramLabel = "NAME", description = "A catalog scenario instead of a file.")
    private String scenario;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "100", description = "Seeded runs per setting. Default: ${DEFAULT-VALUE}.")
    private int runs;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed. Default: ${DEFAULT-VALUE}.")
    private long seed;

    /** The settings tried, per policy family, fastest-looking first only by convention. */
    static Map<String, List<String>> grid(java.time.Duration bufferInterval) {
        Map<String, List<String>> g = new LinkedHashMap<>();
        List<String> stable = new ArrayList<>();
        List<String> divided = new ArrayList<>();
        List<String> decay = new ArrayList<>();
        for (String d : List.of("5s", "10s", "15s", "30s", "60s", "120s", "300s")) {
            for (int w : new int[] {2, 3, 5}) {
                stable.add("stable window=" + w + " delay=constant:" + d);
                divided.add("stable window=" + w + " delay=divided:" + d);
                decay.add("stable window=" + w + " delay=decay:" + d);
            }
        }
        g.put("stable count, constant delay", stable);
        g.put("stable count, delay / streak", divided);
        g.put("stable count, delay · e^-streak", decay);
        List<String> inactivity = new ArrayList<>();
        for (String p : List.of("30s", "60s", "90s", "2m", "5m", "10m", "20m", "30m", "1h")) {
            inactivity.add("inactivity period=" + p);
        }
        g.put("inactivity period", inactivity);
        List<String> adaptive = new ArrayList<>();
        List<String> tails = new ArrayList<>(List.of("", " fallback=2m", " model=gamma fallback=2m"));
        if (bufferInterval != null && !bufferInterval.isZero()) {
            // the stream's buffer interval, known from the workload: the hint the policy accepts
            tails.add(" hint=" + dev.quiesce.Durations.format(bufferInterval));
        }
        for (String t : List.of("3.0", "5.0", "8.0", "12.0")) {
            for (String f : List.of("1.25", "2.0", "4.0")) {
                for (String tail : tails) {
                    adaptive.add("adaptive threshold=" + t + " floor-factor=" + f + tail);
                }
            }
        }
        g.put("adaptive", adaptive);
        return g;
    }

    @Override
    public Integer call() {
        if ("all".equals(scenario)) {
            // settings are recommended for one stream: the fastest safe one on a catalog is no stream's
            throw new InvalidConfigurationException("tune recommends settings for one workload: give --scenario NAME"
                    + " or --workload FILE, not 'all'");
        }
        Workload w = SimulateCommand.workloads(workload, scenario).get(0);
        Map<String, List<String>> grid = grid(w.firehose() == null ? null : w.firehose().bufferInterval());
        List<String> all = grid.values().stream().flatMap(List::stream).toList();
        Report report = Simulator.builder().policies(all).runs(runs).seed(seed).build().run(w).report();
        StringBuilder out = new StringBuilder();
        out.append("Recommended settings for ").append(w.name()).append(" (").append(runs)
                .append(" runs each; zero false completions, lowest median latency):\n\n");
        out.append("| policy | setting | latency p50 (s) | p95 (s) | max (s) | checks/ds |\n|---|---|--:|--:|--:|--:|\n");
        for (Map.Entry<String, List<String>> family : grid.entrySet()) {
            Optional<Report.Row> best = family.getValue().stream()
                    .map(p -> report.row(w.name(), p))
                    .flatMap(Optional::stream)
                    .filter(r -> r.falseCompletions() == 0 && r.unfinished() == 0 && r.p50() >= 0)
                    .min((a, b) -> Long.compare(a.p50(), b.p50()));
            out.append("| ").append(family.getKey()).append(" | ");
            if (best.isPresent()) {
                Report.Row r = best.get();
                out.append('`').append(r.policy()).append("` | ").append(s(r.p50())).append(" | ")
                        .append(s(r.p95())).append(" | ").append(s(r.max())).append(" | ")
                        .append(String.format(Locale.ROOT, "%.1f", r.checks() / (double) Math.max(1, r.observations())))
                        .append(" |\n");
            } else {
                out.append("none of the ").append(family.getValue().size())
                        .append(" settings tried avoided false completions | – | – | – | – |\n");
            }
        }
        List<String> pasteable = new ArrayList<>();
        for (Map.Entry<String, List<String>> family : grid.entrySet()) {
            family.getValue().stream().map(p -> report.row(w.name(), p)).flatMap(Optional::stream)
                    .filter(r -> r.falseCompletions() == 0 && r.unfinished() == 0 && r.p50() >= 0)
                    .min((a, b) -> Long.compare(a.p50(), b.p50()))
                    .ifPresent(r -> pasteable.add(watchLine(r.policy())));
        }
        if (!pasteable.isEmpty()) {
            out.append("\nTo use one, paste its line (DIR is your directory or s3://bucket/prefix):\n\n");
            pasteable.forEach(l -> out.append("  ").append(l).append('\n'));
        }
        spec.commandLine().getOut().print(out);
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** The watch command that runs with {@code policy}, quoted for a POSIX shell. */
    static String watchLine(String policy) {
        return "quiesce watch DIR --policy '" + policy.replace("'", "'\\''") + "'";
    }

    private static String s(long ms) {
        return String.format(Locale.ROOT, "%.1f", ms / 1000.0);
    }
}
