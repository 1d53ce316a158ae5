package dev.quiesce.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code quiesce watch DIR --policy inactivity --inactivity 5s} while 100,000 files are created across 100
 * new subdirectories at about 10,000 files a second: does it complete with exactly every file, and how
 * long after the last one? Also reports the command's peak resident memory.
 *
 * <p>Run: {@code ./mvnw -q -B -ntp -DskipTests package && java -cp quiesce-bench/target/classes
 * dev.quiesce.bench.ManyFilesWatch [files] [directories] [files-per-second]}
 */
public final class ManyFilesWatch {

    private static final Pattern OBJECTS = Pattern.compile("\"type\":\"COMPLETED\".*?\"objects\":(\\d+)");

    private ManyFilesWatch() {
    }

    public static void main(String[] args) throws Exception {
        int files = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int dirs = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int perSecond = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        Path work = Files.createTempDirectory("quiesce-bench-many-");
        try {
            Path data = Files.createDirectories(work.resolve("data"));
            try (QuiesceCommand q = QuiesceCommand.start(work, "watch", data.toString(), "--policy", "inactivity",
                    "--inactivity", "5s", "--json", "--verbose")) {
                q.awaitStderr("source.started", 60_000);
                long started = System.nanoTime();
                byte[] content = "{\"event\":1}\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                int perDir = files / dirs;
                int written = 0;
                for (int d = 0; d < dirs; d++) {
                    Path dir = Files.createDirectories(data.resolve(String.format(Locale.ROOT, "part-%03d", d)));
                    for (int f = 0; f < perDir; f++) {
                        Files.write(dir.resolve(String.format(Locale.ROOT, "f-%05d.json", f)), content);
                        written++;
                        long due = started + (long) (written * 1e9 / perSecond);
                        long ahead = due - System.nanoTime();
                        if (ahead > 1_000_000) {
                            Thread.sleep(ahead / 1_000_000); // pace the producer, not the measurement
                        }
                    }
                }
                long lastFile = System.nanoTime();
                PeakMemory peak = new PeakMemory(q);
                int code = peak.waitFor(600_000);
                long exited = System.nanoTime();
                String out = q.stdout();
                Matcher m = OBJECTS.matcher(out);
                long objects = m.find() ? Long.parseLong(m.group(1)) : -1;
                System.out.printf(Locale.ROOT, "%,d files in %d new directories written in %.1f s; exit %d, COMPLETED"
                                + " with %,d objects (%s), %.1f s after the last file; peak RSS %,d MB%n",
                        written, dirs, (lastFile - started) / 1e9, code, objects,
                        objects == written ? "all of them" : "MISSING " + (written - objects),
                        (exited - lastFile) / 1e9, peak.peakKb() / 1024);
                if (objects != written || code != 0) {
                    System.exit(1);
                }
            }
        } finally {
            ExactCompletionLatency.deleteTree(work);
        }
    }

    /** Waits for the command while sampling its resident memory high-water mark from /proc. */
    private static final class PeakMemory {
        private final QuiesceCommand q;
        private long peakKb;

        PeakMemory(QuiesceCommand q) {
            this.q = q;
        }

        int waitFor(long timeoutMillis) throws Exception {
            long end = System.currentTimeMillis() + timeoutMillis;
            while (q.alive()) {
                peakKb = Math.max(peakKb, q.residentHighWaterKb());
                if (System.currentTimeMillis() > end) {
                    break;
                }
                Thread.sleep(100);
            }
            return q.waitFor(10_000);
        }

        long peakKb() {
            return peakKb;
        }
    }
}
