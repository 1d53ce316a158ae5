package dev.quiesce.app.cli;

import dev.quiesce.InvalidConfigurationException;
import dev.quiesce.policy.PolicySpec;
import dev.quiesce.sim.Scenarios;
import dev.quiesce.sim.Simulator;
import dev.quiesce.sim.Workload;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * long each waited after the true last arrival. The same seed gives the same table.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Compare completion policies on a simulated workload (the real engine on virtual time).",
            "Example: quiesce simulate --scenario all --runs 200 --out report/"})
public final class SimulateCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--workload", paramLabel = "FILE", description = "A workload JSON file.")
    private Path workload;

    @Option(names = "--scenario", paramLabel = "NAME", description = "A catalog scenario, or 'all'.")
    private String scenario;

    @Option(names = "--policy", paramLabel = "SPEC",
            description = "A policy spec to compare (repeatable). Default: the note's three settings, inactivity 1h and 90s, adaptive.")
    private List<String> policies = new ArrayList<>();

    @Option(names = "--runs", paramLabel = "N", defaultValue = "200", description = "Seeded runs per scenario and policy. Default: ${DEFAULT-VALUE}.")
    private int runs;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed. Default: ${DEFAULT-VALUE}.")
    private long seed;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads. Default: one per core.")
    private Integer threads;

    @Option(names = "--out", paramLabel = "DIR", description = "Also write the table to DIR/report.md.")
    private Path out;

    @Override
    public Integer call() throws IOException {
        List<Workload> workloads = workloads(workload, scenario);
        for (String p : policies) {
            PolicySpec.parse(p); // fails here, with the spec's own message, before minutes of simulation
        }
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
            Files.createDirectories(out);
            Files.writeString(out.resolve("report.md"), markdown, StandardCharsets.UTF_8);
            spec.commandLine().getOut().println("wrote " + out.resolve("report.md"));
        }
        return 0;
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
