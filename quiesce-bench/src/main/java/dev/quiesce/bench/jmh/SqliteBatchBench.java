package dev.quiesce.bench.jmh;

import dev.quiesce.Arrival;
import dev.quiesce.jdbc.JdbcTallyStore;
import dev.quiesce.jdbc.SqliteDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Recording new files into the SQLite tally store (a file on disk, WAL, synchronous=NORMAL, as the command
 * opens it), {@value #PER_INVOCATION} arrivals per invocation in batches of {@code batch}: 1 is the old
 * arrival-per-transaction path, 2000 what the directory source hands over.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SqliteBatchBench {

    static final int PER_INVOCATION = 2000;
    private static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");

    @Param({"1", "100", "2000"})
    int batch;

    private Path dir;
    private SqliteDatabase db;
    private JdbcTallyStore store;
    private long next;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("quiesce-jmh-");
        db = SqliteDatabase.open(dir.resolve("state.db"));
        store = db.tallyStore();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        db.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** One new file recorded. */
    @Benchmark
    @OperationsPerInvocation(PER_INVOCATION)
    public int recordNewFiles() {
        int effects = 0;
        for (int done = 0; done < PER_INVOCATION; done += batch) {
            List<Arrival> arrivals = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++) {
                long n = next++;
                String key = String.format(Locale.ROOT, "part-%04d/f-%09d.json", n % 100, n);
                String token = (1714521600123456789L + n) + ":12";
                arrivals.add(Arrival.created("/data", key, 12, T0.plusNanos(n), token).withVersion(token));
            }
            effects += store.recordAll("/data", arrivals, Instant.now()).size();
        }
        return effects;
    }
}
