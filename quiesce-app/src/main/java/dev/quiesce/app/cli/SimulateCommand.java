package dev.quiesce.app.cli;

import dev.quiesce.InvalidConfigurationException;
import dev.quiesce.sim.ReportWriter;
import dev.quiesce.sim.Scenarios;
import dev.quiesce.sim.Simulator;
import dev.quiesce.sim.Workload;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quiesce simulate}: plays a workload (a JSON file, or scenarios of the shipped catalog) against
 * policies on virtual time, through the real engine, and prints how often each completed falsely and how
 * long each waited after the true last arrival. The same seed gives the same table. With {@code --out},
 * also writes it as a Markdown report with PNG charts ({@link ReportWriter}).
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Compare completion policies on a simulated workload (the real engine on virtual time).",
            "Example: quiesce simulate --scenario all --runs 200 --out report/"})
public final class SimulateCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--list", description = "List the catalog's scenarios, one line each (name, then what it stands for), and exit.")
    private boolean list;

    @Option(names = "--workload", paramLabel = "FILE", description = "A workload JSON file.")
    private Path workload;

    @Option(names = "--scenario", paramLabel = "NAME", description = "A catalog scenario, or 'all'.")
    private String scenario;

    @Option(names = "--policy", paramLabel = "SPEC",
            description = {"A policy spec to compare (repeatable); {buffer-interval} and {producers} take the workload's"
                + " values, as in 'adaptive hint={buffer-interval}'. Default: the note's three settings, inactivity"
                + " 1h and 90s, adaptive with and without the hint, and exact completion from the producers'"
                + " declarations."})
    private List<String> policies = new ArrayList<>();

    @Option(names = "--runs", paramLabel = "N", defaultValue = "200", description = "Seeded runs per scenario and policy. Default: ${DEFAULT-VALUE}.")
    private int runs;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed. Default: ${DEFAULT-VALUE}.")
    private long seed;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads. Default: one per core.")
    private Integer threads;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Also write DIR/report.md (the table and charts) and its PNG charts under DIR/plots/.")
    private Path out;

    @Override
    public Integer call() throws IOException {
        if (list) {
            if (workload != null || scenario != null) {
                throw new InvalidConfigurationException("--list takes no --workload or --scenario");
            }
            int width = Scenarios.NAMES.stream().mapToInt(String::length).max().orElse(0);
            for (String name : Scenarios.NAMES) {
                String description = Scenarios.named(name).description().replaceAll("\\s+", " ").strip();
                spec.commandLine().getOut().printf("%-" + width + "s  %s%n", name, description);
            }
            spec.commandLine().getOut().flush();
            return 0;
        }
        List<Workload> workloads = workloads(workload, scenario);
        if (runs < 1) {
            throw new InvalidConfigurationException("--runs must be >= 1, was " + runs);
        }
        Simulator.Builder b = Simulator.builder().runs(runs).seed(seed);
        if (!policies.isEmpty()) {
            b.policies(policies);
        }
        if (threads != null) {
            b.threads(threads);
        }
        Simulator.Result result = b.build().run(workloads);
        String markdown = result.report().toMarkdown();
        spec.commandLine().getOut().print(markdown);
        spec.commandLine().getOut().println();
        spec.commandLine().getOut().println(result.speed());
        if (out != null) {
            for (Path written : ReportWriter.write(result.report(), out, command())) {
                spec.commandLine().getOut().println("wrote " + written);
            }
        }
        return 0;
    }

    /**
     * This command line in a canonical form for the report's header: the options that decide the report,
     * seed and runs always spelled out (so a changed default cannot change what it regenerates), and
     * {@code --threads} left out, since it changes only the speed.
     */
    String command() {
        List<String> words = new ArrayList<>(List.of("quiesce", "simulate"));
        if (workload != null) {
            words.addAll(List.of("--workload", workload.toString()));
        } else {
            words.addAll(List.of("--scenario", scenario));
        }
        for (String p : policies) {
            words.addAll(List.of("--policy", p));
        }
        words.addAll(List.of("--runs", Integer.toString(runs), "--seed", Long.toString(seed)));
        if (out != null) {
            words.addAll(List.of("--out", out.toString()));
        }
        return String.join(" ", words.stream().map(SimulateCommand::shellQuoted).toList());
    }

    /** A word as a POSIX shell reads it back: as is when plain, else single-quoted. */
    static String shellQuoted(String word) {
        if (!word.isEmpty() && word.matches("[A-Za-z0-9_./:=,@%+-]+")) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** The workloads a command names: a file, one scenario, or the whole catalog. */
    static List<Workload> workloads(Path file, String scenario) {
        if ((file == null) == (scenario == null)) {
            throw new InvalidConfigurationException("give either --workload FILE or --scenario NAME|all; scenarios: "
                    + String.join(", ", Scenarios.NAMES));
        }
        if (file != null) {
            return List.of(Workload.read(file));
        }
        if (scenario.equals("all")) {
            return Scenarios.catalog();
        }
        if (!Scenarios.NAMES.contains(scenario)) {
            throw new InvalidConfigurationException("unknown scenario '" + scenario + "'; use one of "
                    + String.join(", ", Scenarios.NAMES) + ", or all");
        }
        return List.of(Scenarios.named(scenario));
    }
}
