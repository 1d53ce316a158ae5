package dev.quiesce.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The directory source at scale, end to end: the packaged {@code quiesce watch DIR --policy inactivity
 * --inactivity 5s} in a child process, over a tree of many files.
 *
 * <ul>
 *   <li>{@code throughput FILES DIRS}: FILES files, written beforehand outside the watched tree, are renamed
 *       into DIRS directories of it (created before the watch starts) as fast as this process can. Reports the
 *       rename rate, the rate from the first rename to the tally holding every file (completion minus the
 *       quiet window: the inactivity policy completes one quiet window after the last arrival it recorded),
 *       the time from the last rename to completion, and the command's peak resident memory (VmHWM).
 *   <li>{@code idle FILES DIRS SECONDS}: the command watches a tree of FILES existing files (with a window it
 *       will not reach); once its first pass is done and it has had 15 s to settle, its CPU time over SECONDS
 *       from {@code /proc/<pid>/stat}, as a fraction of one core. With {@code inotifywait} installed, the same
 *       for {@code inotifywait -m -r} on the same tree.
 * </ul>
 *
 * <p>Run: {@code ./mvnw -o -q -B -ntp -DskipTests package -pl quiesce-app,quiesce-bench -am && java -cp
 * quiesce-bench/target/classes dev.quiesce.bench.MillionFiles throughput 100000 100} (or {@code idle 100000 100 20}).
 * {@code -Dquiesce.jvm="..."} passes JVM options to the command.
 */
public final class MillionFiles {

    private static final Pattern OBJECTS = Pattern.compile("\"type\":\"COMPLETED\".*?\"objects\":(\\d+)");
    private static final double QUIET_SECONDS = 5;
    /** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
    private static final double TICKS = 100;

    private MillionFiles() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "throughput";
        int files = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int dirs = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        Path work = Files.createTempDirectory("quiesce-bench-million-");
        try {
            if (mode.equals("idle")) {
                idle(work, files, dirs, args.length > 3 ? Integer.parseInt(args[3]) : 20);
            } else {
                throughput(work, files, dirs);
            }
        } finally {
            ExactCompletionLatency.deleteTree(work);
        }
    }

    private static String dirName(int d) {
        return String.format(Locale.ROOT, "part-%04d", d);
    }

    private static String fileName(int f) {
        return String.format(Locale.ROOT, "f-%07d.json", f);
    }

    /** Writes the files under {@code base}, DIRS directories of FILES / DIRS each. */
    private static void write(Path base, int files, int dirs) throws IOException {
        byte[] content = "{\"event\":1}\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int perDir = files / dirs;
        for (int d = 0; d < dirs; d++) {
            Path dir = Files.createDirectories(base.resolve(dirName(d)));
            for (int f = 0; f < perDir; f++) {
                Files.write(dir.resolve(fileName(f)), content);
            }
        }
    }

    private static void throughput(Path work, int files, int dirs) throws Exception {
        Path staging = Files.createDirectories(work.resolve("staging"));
        Path data = Files.createDirectories(work.resolve("data"));
        long t = System.nanoTime();
        write(staging, files, dirs);
        System.out.printf(Locale.ROOT, "staged %,d files in %.1f s%n", files, (System.nanoTime() - t) / 1e9);
        for (int d = 0; d < dirs; d++) {
            Files.createDirectories(data.resolve(dirName(d)));
        }
        int perDir = files / dirs;
        try (QuiesceCommand q = QuiesceCommand.start(work, "watch", data.toString(), "--policy", "inactivity",
                "--inactivity", "5s", "--json", "--verbose")) {
            q.awaitStderr("source.started", 120_000);
            Peak peak = new Peak(q);
            peak.start();
            long first = System.nanoTime();
            for (int d = 0; d < dirs; d++) {
                Path from = staging.resolve(dirName(d));
                Path to = data.resolve(dirName(d));
                for (int f = 0; f < perDir; f++) {
                    Files.move(from.resolve(fileName(f)), to.resolve(fileName(f)));
                }
            }
            long last = System.nanoTime();
            int code = q.waitFor(1_800_000);
            long exited = System.nanoTime();
            peak.interrupt();
            peak.join();
            if (System.getProperty("quiesce.stderr") != null) {
                Files.writeString(Path.of(System.getProperty("quiesce.stderr")), q.stderr()); // for a look at its log
            }
            Matcher m = OBJECTS.matcher(q.stdout());
            long objects = m.find() ? Long.parseLong(m.group(1)) : -1;
            int renamed = perDir * dirs;
            double renameSeconds = (last - first) / 1e9;
            double tallied = Math.max(renameSeconds, (exited - first) / 1e9 - QUIET_SECONDS);
            System.out.printf(Locale.ROOT, "%,d files renamed into %d directories in %.1f s (%,.0f renames/s); exit %d,"
                            + " COMPLETED with %,d objects (%s); rename->tally %,.0f files/s; completion %.1f s after the"
                            + " last rename (quiet window %.0f s); peak RSS (VmHWM) %,d MB%n",
                    renamed, dirs, renameSeconds, renamed / renameSeconds, code, objects,
                    objects == renamed ? "all of them" : "MISSING " + (renamed - objects), renamed / tallied,
                    (exited - last) / 1e9, QUIET_SECONDS, peak.kb / 1024);
            if (objects != renamed || code != 0) {
                System.exit(1);
            }
        }
    }

    private static void idle(Path work, int files, int dirs, int seconds) throws Exception {
        Path data = Files.createDirectories(work.resolve("data"));
        write(data, files, dirs);
        long launched = System.nanoTime();
        try (QuiesceCommand q = QuiesceCommand.start(work, "watch", data.toString(), "--policy", "inactivity",
                "--inactivity", "1h", "--json", "--verbose")) {
            q.awaitStderr("source.started", 900_000);
            double firstPass = (System.nanoTime() - launched) / 1e9;
            System.out.printf(Locale.ROOT, "first pass over %,d existing files recorded %.1f s after launch (JVM start"
                    + " included): %,.0f files/s; peak RSS so far (VmHWM) %,d MB%n", files, firstPass, files / firstPass,
                    q.residentHighWaterKb() / 1024);
            Thread.sleep(15_000); // past the first checks, the JIT's work and the first paced rescans
            double core = coreFraction(q.pid(), seconds);
            System.out.printf(Locale.ROOT, "quiesce watching %,d files in %d directories, idle: %.4f of a core over %d s;"
                            + " VmRSS %,d MB, VmHWM %,d MB; Java heap after a full GC %s%n", files, dirs, core, seconds,
                    rssKb(q.pid()) / 1024, q.residentHighWaterKb() / 1024, heapAfterGc(q.pid(), files));
        }
        Process inotify;
        try {
            inotify = new ProcessBuilder(List.of("inotifywait", "-m", "-r", "-q", data.toString()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            System.out.println("inotifywait is not installed: no comparison");
            return;
        }
        try {
            Thread.sleep(5_000);
            System.out.printf(Locale.ROOT, "inotifywait -m -r on the same tree: %.4f of a core over %d s%n",
                    coreFraction(inotify.pid(), seconds), seconds);
        } finally {
            inotify.destroy();
            inotify.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** The Java heap in use after a full collection, from {@code jcmd}: the live state, per file too. */
    private static String heapAfterGc(long pid, int files) {
        try {
            String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
            new ProcessBuilder(jcmd, Long.toString(pid), "GC.run").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(60, TimeUnit.SECONDS);
            Process p = new ProcessBuilder(jcmd, Long.toString(pid), "GC.heap_info").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            Matcher m = Pattern.compile("used (\\d+)K").matcher(out);
            if (!m.find()) {
                return "unknown";
            }
            long kb = Long.parseLong(m.group(1));
            return String.format(Locale.ROOT, "%,d MB (%,d bytes a file)", kb / 1024, kb * 1024 / files);
        } catch (IOException | InterruptedException e) {
            return "unknown (" + e + ")";
        }
    }

    /** CPU time (user + system) of a process over {@code seconds}, as a fraction of one core. */
    static double coreFraction(long pid, int seconds) throws Exception {
        long before = cpuTicks(pid);
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long after = cpuTicks(pid);
        return (after - before) / TICKS / ((System.nanoTime() - t0) / 1e9);
    }

    static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // fields after the command name, which is in parentheses and may hold spaces
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
    }

    static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }

    /** Samples the command's VmHWM until interrupted. */
    private static final class Peak extends Thread {
        private final QuiesceCommand q;
        volatile long kb;

        Peak(QuiesceCommand q) {
            this.q = q;
            setDaemon(true);
        }

        @Override
        public void run() {
            while (!isInterrupted() && q.alive()) {
                kb = Math.max(kb, q.residentHighWaterKb());
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
