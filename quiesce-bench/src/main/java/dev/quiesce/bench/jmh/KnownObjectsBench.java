package dev.quiesce.bench.jmh;

import dev.quiesce.Arrival;
import dev.quiesce.source.KnownObjects;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The diff a directory rescan makes per file: {@link KnownObjects#seen} plus {@link KnownObjects#created} of a
 * file that did not change (the safety-net rescan's whole work per file), and reporting new files. 100,000
 * keys in 100 directories, as the source names them.
 *
 * <p>Run: {@code java -cp "quiesce-bench/target/classes:$(cat quiesce-bench/target/classpath.txt)"
 * org.openjdk.jmh.Main KnownObjectsBench} (see the README's benchmarks section).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class KnownObjectsBench {

    static final int FILES = 100_000;
    private static final Instant MODIFIED = Instant.parse("2024-05-01T00:00:00.123456789Z");

    private final String[] keys = new String[FILES];
    private final String[] versions = new String[FILES];
    private KnownObjects known;

    @Setup(Level.Trial)
    public void fill() {
        for (int i = 0; i < FILES; i++) {
            keys[i] = String.format(Locale.ROOT, "part-%04d/f-%07d.json", i % 100, i);
            versions[i] = (1714521600123456789L + i) + ":" + (100 + i % 900);
        }
        known = new KnownObjects("/data");
        for (int i = 0; i < FILES; i++) {
            known.reported(known.created(keys[i], 100 + i % 900, MODIFIED, versions[i], versions[i]));
        }
    }

    /** One file of a rescan that finds nothing changed. */
    @Benchmark
    @OperationsPerInvocation(FILES)
    public void rescanUnchanged(Blackhole bh) {
        known.startPass();
        for (int i = 0; i < FILES; i++) {
            known.seen(keys[i]);
            bh.consume(known.created(keys[i], 100 + i % 900, MODIFIED, versions[i], versions[i]));
        }
        bh.consume(known.notSeen(null, k -> false));
    }

    /** One new file found and reported (into a fresh record each invocation). */
    @Benchmark
    @OperationsPerInvocation(FILES)
    public KnownObjects reportNew() {
        KnownObjects fresh = new KnownObjects("/data");
        for (int i = 0; i < FILES; i++) {
            Arrival a = fresh.created(keys[i], 100 + i % 900, MODIFIED, versions[i], versions[i]);
            fresh.reported(a);
        }
        return fresh;
    }
}
