package dev.quiesce.app.cli;

import dev.quiesce.Dataset;
import dev.quiesce.LifecycleEvent;
import dev.quiesce.Observation;
import dev.quiesce.ObservationState;
import dev.quiesce.app.demo.FirehoseStandIn;
import dev.quiesce.files.DirectorySource;
import dev.quiesce.Quiesce;
import dev.quiesce.Watch;
import dev.quiesce.jdbc.SqliteDatabase;
import dev.quiesce.policy.DelayStrategy;
import dev.quiesce.policy.Guards;
import dev.quiesce.policy.PolicySpec;
import dev.quiesce.policy.StableCount;
import dev.quiesce.port.Notifier;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quiesce demo}: the founding note's scenario end to end on the embedded default, time scaled
 * down 1:30. Producers push records through a buffering Firehose stand-in into a temporary
 * directory; quiesce watches it with the note's policy (window 3, 30 s scaled to 1 s) on SQLite and
 * reports the true last arrival, the moment of completion, and what starting when the producers
 * returned would have missed.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Show the founding note's scenario end to end in about 20 seconds.")
public final class DemoCommand implements Callable<Integer> {

    /** Real seconds per demo second: Firehose's 60 s buffer becomes 2 s, the note's 30 s delay 1 s. */
    static final int SCALE = 30;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--producers", defaultValue = "12", description = "Producers. Default: ${DEFAULT-VALUE}.")
    private int producers;

    @Option(names = "--records", defaultValue = "150", description = "Records per producer. Default: ${DEFAULT-VALUE}.")
    private int records;

    @Option(names = "--seed", defaultValue = "7", description = "Random seed for the producers' pacing. Default: ${DEFAULT-VALUE}.")
    private long seed;

    @Option(names = "--keep", description = "Keep the temporary directory.")
    private boolean keep;

    @Override
    public Integer call() throws Exception {
        if (producers < 1 || records < 1) {
            throw new dev.quiesce.InvalidConfigurationException("--producers and --records must be >= 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        Clock clock = Clock.systemUTC();
        Path home = Files.createTempDirectory("quiesce-demo-");
        Path landing = home.resolve("landing");
        Files.createDirectories(landing);
        // Firehose holds records up to its buffer interval (60-900 s) unless its size hint fills first.
        // The note's 3 checks x 30 s of quiet outlast a 60 s buffer; against a 90 s buffer they can call
        // it early, which is the note's warning about sampling a slow producer too fast.
        Duration bufferInterval = Duration.ofSeconds(60 / SCALE);
        Duration delay = Duration.ofMillis(30_000 / SCALE);
        int maxRecords = producers * records;
        PolicySpec policy = new PolicySpec(StableCount.builder().window(3).delay(DelayStrategy.constant(delay)).build(),
                Guards.NONE.withDeadline(Duration.ofMinutes(2)));

        out.printf("quiesce demo: the founding note's scenario, time scaled 1:%d (1 s here is %d s real)%n", SCALE, SCALE);
        out.printf("  %d producers push %,d records into a Firehose stand-in that buffers them and writes an object%n",
                producers, producers * records);
        out.printf("  every %s (a 60 s buffer interval), into %s%n", fmt(bufferInterval), landing);
        out.printf("  quiesce watches it: stable count, window 3, delay %s (the note's 30 s), state in SQLite%n%n",
                fmt(delay));
        out.flush();

        Instant t0 = clock.instant();
        AtomicReference<FirehoseStandIn.Delivery> lastDelivery = new AtomicReference<>();
        Notifier printer = new Notifier() {
            @Override
            public String name() {
                return "demo";
            }

            @Override
            public void deliver(LifecycleEvent e) {
                synchronized (out) {
                    out.printf("%8s  quiesce: %s (%s)%n", since(t0, e.time()), e.type(), e.reason());
                    out.flush();
                }
            }
        };

        DirectorySource source = DirectorySource.builder(landing).rescanInterval(Duration.ofMillis(500)).build();
        try (SqliteDatabase db = SqliteDatabase.open(home.resolve("state.db"));
             FirehoseStandIn firehose = new FirehoseStandIn(landing, maxRecords, bufferInterval, clock, d -> {
                 lastDelivery.set(d);
                 synchronized (out) {
                     out.printf("%8s  object %s landed with %d records%n", since(t0, d.landedAt()),
                             d.path().getFileName(), d.records());
                     out.flush();
                 }
             });
             Watch watch = Quiesce.builder().stores(db).source(source).dataset(Dataset.of("demo", source.bucket()))
                     .policy(policy).clock(clock).notifier(printer).start("demo")) {
            try {
                Instant returned = runProducers(firehose, clock);
                int stillBuffered = firehose.buffered();
                long landedWhenReturned = firehose.delivered();
                synchronized (out) {
                    out.printf("%8s  all %d producers returned; %d records are still in the stream's buffer%n",
                            since(t0, returned), producers, stillBuffered);
                    out.flush();
                }
                Observation end = watch.completion().get().run();
                firehose.awaitDrained();
                long total = (long) producers * records;
                FirehoseStandIn.Delivery last = lastDelivery.get();
                Duration lag = Duration.between(last.landedAt(), end.finishedAt());
                out.println();
                out.printf("  true last arrival     %8s  (%s)%n", since(t0, last.landedAt()), last.path().getFileName());
                out.printf("  quiesce completed     %8s  %s after the last arrival (%s at real scale)%n",
                        since(t0, end.finishedAt()), fmt(lag), fmt(lag.multipliedBy(SCALE)));
                out.printf("  landed                %,d of %,d records in %d objects%n",
                        firehose.delivered(), total, watch.tally().objects());
                out.printf("  starting when the producers returned (%s) would have read %,d of %,d records: %,d missing%n",
                        since(t0, returned), landedWhenReturned, total, total - landedWhenReturned);
                out.printf("  (the note's loop sends one more delayed message before calling the service: it would finish %s later)%n",
                        fmt(delay));
                if (end.state() == ObservationState.COMPLETE && end.finishedAt().isBefore(last.landedAt())) {
                    out.printf("%n  FALSE COMPLETE: quiesce decided before the last object landed. Stable count needs"
                            + " window x delay of quiet longer than the stream's buffer interval (%s here).%n",
                            fmt(bufferInterval));
                    out.flush();
                    return 1;
                }
                out.flush();
                return end.state() == ObservationState.COMPLETE ? ExitCodes.COMPLETE : ExitCodes.of(end.state());
            } finally {
                watch.close();
            }
        } finally {
            if (!keep) {
                deleteTree(home);
            } else {
                out.println("  kept " + home);
            }
        }
    }

    private Instant runProducers(FirehoseStandIn firehose, Clock clock) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(producers);
        try {
            List<CompletableFuture<Void>> running = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int producer = p;
                Random random = new Random(seed + p);
                // producers run 5.5-8 s (165-240 s real), pacing their records evenly with jitter
                long budgetMs = 5500 + random.nextInt(2500);
                running.add(CompletableFuture.runAsync(() -> {
                    for (int r = 0; r < records; r++) {
                        firehose.put("{\"producer\":" + producer + ",\"record\":" + r + "}");
                        pause((long) (budgetMs / records * (0.5 + random.nextDouble())));
                    }
                }, pool));
            }
            CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get();
            return clock.instant();
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("producer interrupted", e);
        }
    }

    private static String since(Instant t0, Instant t) {
        return "+" + fmt(Duration.between(t0, t));
    }

    private static String fmt(Duration d) {
        return String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    }

    private static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            // the temporary directory is best-effort cleanup; the demo's result stands
        }
    }
}
