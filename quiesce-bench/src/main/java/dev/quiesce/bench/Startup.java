package dev.quiesce.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * How long the packaged command takes from exec to exit when it has nothing to wait for:
 * {@code --help}, {@code --version}, and {@code watch EMPTY_DIR --deadline 1ms} (exit 3 at once). That
 * is the price every {@code quiesce watch DIR && next-job} pays on top of the data's own time.
 *
 * <p>Each round runs the three commands once, in turn, so a burst of load from another process on the
 * machine spreads over all three rather than landing on one; the median and p90 of the wall time are
 * printed per command, with the median CPU time (user + system) of the child where Linux tells it: on a
 * machine shared with other builds the wall time grows with the load, the CPU time much less. A run with
 * an unexpected exit code fails the benchmark.
 *
 * <p>Run from the project root after packaging ({@code ./mvnw -q -B -ntp -DskipTests package}):
 * <pre>{@code
 * java -cp quiesce-bench/target/classes dev.quiesce.bench.Startup [runs] [launcher]
 * }</pre>
 * {@code launcher} is the command to time, e.g. {@code quiesce-dist/target/quiesce-0.1.0-SNAPSHOT/bin/quiesce}
 * from the unpacked tarball, or {@code ./quiesce}; without it, {@code java -jar quiesce-app/target/quiesce.jar}.
 */
public final class Startup {

    private Startup() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        List<String> launcher = args.length > 1 ? List.of(args[1])
                : List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                        QuiesceCommand.jar().toString());
        Path work = Files.createTempDirectory("quiesce-startup-");
        Path empty = Files.createDirectories(work.resolve("empty"));
        Map<String, List<String>> commands = new LinkedHashMap<>();
        commands.put("--help", List.of("--help"));
        commands.put("--version", List.of("--version"));
        commands.put("watch EMPTY --deadline 1ms", List.of("watch", empty.toString(), "--deadline", "1ms"));
        Map<String, Integer> expected = Map.of("--help", 0, "--version", 0, "watch EMPTY --deadline 1ms", 3);
        Map<String, List<Long>> micros = new LinkedHashMap<>();
        Map<String, List<Long>> cpuMillis = new LinkedHashMap<>();
        commands.keySet().forEach(k -> micros.put(k, new ArrayList<>()));
        commands.keySet().forEach(k -> cpuMillis.put(k, new ArrayList<>()));
        // one warm-up round: the first exec after a build pays for the page cache, not for quiesce
        for (int round = -1; round < runs; round++) {
            for (Map.Entry<String, List<String>> c : commands.entrySet()) {
                List<String> cmd = new ArrayList<>(launcher);
                cmd.addAll(c.getValue());
                long cpuBefore = childrenCpuMillis();
                long took = time(cmd, work, expected.get(c.getKey()));
                long cpu = childrenCpuMillis() - cpuBefore;
                if (round >= 0) {
                    micros.get(c.getKey()).add(took);
                    cpuMillis.get(c.getKey()).add(cpu);
                }
            }
        }
        System.out.printf(Locale.ROOT, "start-up of %s, %d runs each (exec to exit):%n", String.join(" ", launcher),
                runs);
        for (Map.Entry<String, List<Long>> m : micros.entrySet()) {
            List<Long> sorted = new ArrayList<>(m.getValue());
            sorted.sort(null);
            List<Long> cpu = new ArrayList<>(cpuMillis.get(m.getKey()));
            cpu.sort(null);
            long cpuMedian = ExactCompletionLatency.percentile(cpu, 0.50);
            System.out.printf(Locale.ROOT, "  %-28s median %4.0f ms  p90 %4.0f ms  min %4.0f ms  max %4.0f ms  cpu %s%n",
                    m.getKey(), ExactCompletionLatency.percentile(sorted, 0.50) / 1000.0,
                    ExactCompletionLatency.percentile(sorted, 0.90) / 1000.0, sorted.get(0) / 1000.0,
                    sorted.get(sorted.size() - 1) / 1000.0, cpuMedian < 0 ? "n/a" : cpuMedian + " ms");
        }
        try (var files = Files.walk(work)) {
            files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }

    /**
     * CPU time of this process's waited-for children so far (fields cutime and cstime of
     * {@code /proc/self/stat}, in clock ticks taken as 10 ms), or a negative number where there is no /proc.
     */
    private static long childrenCpuMillis() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ", field 3 (state) is f[0]: cutime is field 16, cstime 17
            return (Long.parseLong(f[13]) + Long.parseLong(f[14])) * 10;
        } catch (java.io.IOException | RuntimeException e) {
            return -1_000_000;
        }
    }

    /** Wall time of one run in microseconds; output is discarded so a terminal's speed is not measured. */
    private static long time(List<String> cmd, Path workDir, int expectedExit) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        long started = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " did not exit within 60 s");
        }
        long took = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - started);
        if (p.exitValue() != expectedExit) {
            throw new IllegalStateException(String.join(" ", cmd) + " exited " + p.exitValue() + ", expected "
                    + expectedExit);
        }
        return took;
    }
}
