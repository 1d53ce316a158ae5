package dev.quiesce.jdbc;

import dev.quiesce.Arrival;
import dev.quiesce.port.TallyStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A second process for tests: records arrivals {@code key-k} (size k, token {@code tok-k}, at
 * {@code 2024-05-01T00:00:00Z + k s}) for k in [from, to) into a dataset of a database file.
 *
 * <p>Usage: {@code RecordArrivals <file> <dataset> <from> <to>}; exits 0 when all were recorded.
 */
final class RecordArrivals {

    private static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");

    private RecordArrivals() {
    }

    public static void main(String[] args) {
        try (SqliteDatabase db = SqliteDatabase.open(Path.of(args[0]))) {
            TallyStore store = db.tallyStore();
            int from = Integer.parseInt(args[2]);
            int to = Integer.parseInt(args[3]);
            for (int k = from; k < to; k++) {
                store.record(args[1], Arrival.created("bucket", "key-" + k, k, T0.plusSeconds(k), "tok-" + k), T0);
            }
        }
    }

    /** Starts this class in a new JVM with the test class path (surefire's manifest jar carries it). */
    static Process launch(Path file, String dataset, int from, int to) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), RecordArrivals.class.getName(),
                file.toString(), dataset, Integer.toString(from), Integer.toString(to))
                .redirectErrorStream(true)
                .redirectOutput(logOf(file).toFile())
                .start();
    }

    /** What the child launched on {@code file} printed, for assertion messages. */
    static String output(Path file) {
        try {
            return Files.readString(logOf(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path logOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".child.log");
    }
}
