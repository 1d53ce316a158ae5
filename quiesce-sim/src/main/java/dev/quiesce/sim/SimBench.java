package dev.quiesce.sim;

import java.util.List;
import java.util.Locale;

/**
 * Measures the simulator's speed: the whole catalog × {@code runs} runs × the default policies, timed
 * with {@link System#nanoTime()}, then a throughput workload whose runs are nearly all arrivals. Prints
 * the figures; asserts nothing (timings belong in a benchmark, not in unit tests).
 *
 * <pre>{@code
 * java -cp <quiesce-sim and its dependencies> dev.quiesce.sim.SimBench [runs] [threads]
 * }</pre>
 */
public final class SimBench {

    private SimBench() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args optional: runs per scenario and policy (default 200), threads (default: cores)
     */
    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : Simulator.DEFAULT_RUNS;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        Simulator sim = Simulator.builder().runs(runs).threads(threads).build();
        List<Workload> catalog = Scenarios.catalog();

        // warm the JIT on a few runs of everything, then measure
        Simulator.builder().runs(3).threads(threads).build().run(catalog);

        Simulator.Result all = sim.run(catalog);
        System.out.println(all.report().toMarkdown());
        System.out.println("catalog (" + catalog.size() + " scenarios x " + runs + " runs x "
                + sim.policies().size() + " policies): " + all.speed());

        for (Workload w : catalog) {
            Simulator.Result one = Simulator.builder().runs(Math.max(1, runs / 4)).threads(threads).build().run(w);
            System.out.println(String.format(Locale.ROOT, "  %-22s %s", w.name(), one.speed()));
        }

        Workload throughput = Workload.parse("{\"name\": \"throughput\", \"producers\": [{\"count\": 100, "
                + "\"rate\": 1000, \"recordSize\": 1024, \"duration\": \"10m\"}], "
                + "\"firehose\": {\"bufferSizeMiB\": 1, \"bufferInterval\": \"0s\"}, "
                + "\"events\": {\"delay\": {\"distribution\": \"uniform\", \"min\": \"0s\", \"max\": \"2s\"}}}",
                "SimBench");
        Simulator.Result t = Simulator.builder().runs(Math.max(2, runs / 10)).threads(threads)
                .policies(List.of("stable window=3 delay=constant:30s", "inactivity period=90s")).build()
                .run(throughput);
        System.out.println("throughput (one object per 1000-record batch, 100 producers, 10 min): " + t.speed());
    }
}
