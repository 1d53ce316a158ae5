package dev.quiesce.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * How soon {@code quiesce watch DIR --policy expected} exits after the object that makes the declared
 * totals meet: from the rename of the last file into place to the process's exit, over many runs.
 *
 * <p>Each run watches a fresh directory. A producer creates {@code _manifests/} during the watch and
 * declares 4 objects in it, writes three files (one in a new subdirectory), then renames the fourth into
 * a subdirectory created just before, 200 ms apart. Files are written under a {@code .part} name and renamed, as
 * producers that signal completeness do, so the run uses {@code --settle 0s} unless told otherwise (with
 * the default 1 s each new file also costs a look at which files are open for writing).
 *
 * <p>Run: {@code ./mvnw -q -B -ntp -DskipTests package && java -cp quiesce-bench/target/classes
 * dev.quiesce.bench.ExactCompletionLatency [runs] [settle]}
 */
public final class ExactCompletionLatency {

    /** Between a producer's files. */
    private static final long GAP_MILLIS = 200;

    private ExactCompletionLatency() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        String settle = args.length > 1 ? args[1] : "0s";
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            micros.add(oneRun(settle));
        }
        micros.sort(null);
        System.out.printf(Locale.ROOT, "exact completion, --settle %s, rename of the last file to process exit,"
                        + " %d runs: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", settle, runs,
                percentile(micros, 0.50) / 1000.0, percentile(micros, 0.99) / 1000.0,
                micros.get(micros.size() - 1) / 1000.0);
    }

    static long percentile(List<Long> sorted, double q) {
        int index = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static long oneRun(String settle) throws Exception {
        Path work = Files.createTempDirectory("quiesce-bench-");
        try {
            Path data = Files.createDirectories(work.resolve("data"));
            try (QuiesceCommand q = QuiesceCommand.start(work, "watch", data.toString(), "--policy", "expected",
                    "--expect-producers", "1", "--settle", settle, "--verbose", "--json")) {
                q.awaitStderr("source.started", 60_000);
                Path manifests = Files.createDirectories(data.resolve("_manifests"));
                place(manifests.resolve("loader.json"), "{\"producer\":\"loader\",\"objects\":4}");
                Thread.sleep(GAP_MILLIS); // a producer's pace: the measured latency is the last file's, not a backlog's
                place(data.resolve("part-0.json"), "{\"n\":0}");
                Thread.sleep(GAP_MILLIS);
                place(Files.createDirectories(data.resolve("a")).resolve("part-1.json"), "{\"n\":1}");
                Thread.sleep(GAP_MILLIS);
                place(data.resolve("part-2.json"), "{\"n\":2}");
                Thread.sleep(GAP_MILLIS);
                Path last = Files.createDirectories(data.resolve("b")).resolve("part-3.json");
                Path staged = last.resolveSibling("part-3.json.part");
                Files.writeString(staged, "{\"n\":3}");
                long renamed = System.nanoTime();
                Files.move(staged, last, StandardCopyOption.ATOMIC_MOVE);
                int code;
                try {
                    code = q.waitFor(30_000);
                } catch (IllegalStateException e) {
                    throw new IllegalStateException(e.getMessage() + "; stdout: " + q.stdout() + " stderr: " + q.stderr(), e);
                }
                long exited = System.nanoTime();
                if (code != 0 || !q.stdout().contains("\"objects\":\"4\"") && !q.stdout().contains("\"objects\":4")) {
                    throw new IllegalStateException("run did not complete with 4 objects (exit " + code + "): "
                            + q.stdout() + q.stderr());
                }
                return (exited - renamed) / 1000;
            }
        } finally {
            deleteTree(work);
        }
    }

    /** Writes under a {@code .part} name, then renames into place: the producer's signal that the file is whole. */
    static void place(Path file, String content) throws IOException {
        Path staged = file.resolveSibling(file.getFileName() + ".part");
        Files.writeString(staged, content);
        Files.move(staged, file, StandardCopyOption.ATOMIC_MOVE);
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
