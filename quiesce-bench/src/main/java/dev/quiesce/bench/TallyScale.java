package dev.quiesce.bench;

import dev.quiesce.Arrival;
import dev.quiesce.Tally;
import dev.quiesce.aws.dynamodb.DynamoDbTallyStore;
import dev.quiesce.aws.testing.Dynalite;
import dev.quiesce.bench.aws.DynamoMeter;
import dev.quiesce.bench.aws.Ledger;
import dev.quiesce.bench.aws.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Records many objects into one dataset of the DynamoDB tally on dynalite and shows what each costs as the
 * dataset grows: write units per object in ten steps from the first objects to the last, read units per
 * check, the largest item, and the final count, which must be exact. Every request is metered by
 * {@link DynamoMeter} (dynalite's consumed capacity plus the local index's writes, computed by DynamoDB's
 * rules). Arrivals look like Firehose objects' S3 events (long keys, padded sequencers as tokens, eTag:size
 * versions); one in {@code --duplicate-every} is delivered twice, as SQS does. The detector's clock is
 * virtual: arrivals are spread evenly over {@code --hours}, and a check reads the tally every
 * {@code --check-seconds}, as the observer does.
 *
 * <p>Run from the project root after packaging, with dynalite installed:
 * <pre>{@code
 * ./mvnw -q -B -ntp -pl quiesce-bench -am package -DskipTests && (cd quiesce-aws && npm ci --no-audit --no-fund)
 * java -Xmx4g -cp "quiesce-bench/target/classes:$(cat quiesce-bench/target/runtime.classpath)" \
 *     dev.quiesce.bench.TallyScale [--objects=200000] [--shards=4] [--hours=24] [--check-seconds=30]
 *     [--duplicate-every=100]
 * }</pre>
 */
public final class TallyScale {

    private static final String DATASET = "events/2026-05-01";
    private static final Instant START = Instant.parse("2026-05-01T00:00:00Z");
    private static final int STEPS = 10;

    private TallyScale() {
    }

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        Map<String, String> o = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (!a.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("options are --name=value, was '" + a + "'");
            }
            o.put(a.substring(2, eq), a.substring(eq + 1));
        }
        int objects = Integer.parseInt(o.getOrDefault("objects", "200000"));
        int shards = Integer.parseInt(o.getOrDefault("shards", Integer.toString(DynamoDbTallyStore.DEFAULT_SHARDS)));
        double hours = Double.parseDouble(o.getOrDefault("hours", "24"));
        int checkSeconds = Integer.parseInt(o.getOrDefault("check-seconds", "30"));
        int duplicateEvery = Integer.parseInt(o.getOrDefault("duplicate-every", "100"));
        long started = System.nanoTime();
        try (Dynalite dynalite = Dynalite.start(); DynamoDbClient shadow = dynalite.client()) {
            Ledger ledger = new Ledger();
            DynamoMeter meter = new DynamoMeter(ledger, 0, 100);
            meter.shadow(shadow);
            DynamoDbTallyStore.createTable(shadow, "tally");
            meter.register("tally", "tally", true);
            VirtualClock clock = new VirtualClock(START);
            try (DynamoDbClient metered = dynalite.client(meter)) {
                DynamoDbTallyStore store = DynamoDbTallyStore.builder(metered, "tally").shards(shards).clock(clock)
                        .build();
                run(store, meter, ledger, clock, objects, shards, hours, checkSeconds, duplicateEvery, started);
            }
        }
    }

    private static void run(DynamoDbTallyStore store, DynamoMeter meter, Ledger ledger, VirtualClock clock, int objects,
                            int shards, double hours, int checkSeconds, int duplicateEvery, long started) {
        Duration spacing = Duration.ofNanos((long) (hours * 3600e9 / objects));
        Instant nextCheck = START.plusSeconds(checkSeconds);
        int step = objects / STEPS;
        double wruBefore = 0;
        double rruBefore = 0;
        long checksBefore = 0;
        long checks = 0;
        long duplicates = 0;
        double rruChecksBefore = 0;
        double wruChecksBefore = 0;
        Predicate<Ledger.Key> recording = k -> k.phase().equals("record");
        Predicate<Ledger.Key> checking = k -> k.phase().equals("check");
        System.out.printf(Locale.ROOT, "TallyScale: %,d objects into one dataset, %d shards, over %.0f h, a check every"
                + " %d s, one arrival in %d delivered twice%n%n", objects, shards, hours, checkSeconds, duplicateEvery);
        System.out.println("| objects | write units per object (table + index) | read units per object | checks | read units"
                + " per check | write units per check | wall time |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (int i = 0; i < objects; i++) {
            Instant now = START.plus(spacing.multipliedBy(i));
            while (!nextCheck.isAfter(now)) {
                clock.set(nextCheck);
                meter.phase("check");
                store.tally(DATASET);
                checks++;
                nextCheck = nextCheck.plusSeconds(checkSeconds);
            }
            clock.set(now);
            meter.phase("record");
            Arrival a = firehoseObject(i, now);
            store.record(DATASET, a, now);
            if (duplicateEvery > 0 && i % duplicateEvery == duplicateEvery - 1) {
                if (store.record(DATASET, a, now).counted()) {
                    throw new IllegalStateException("a redelivery was counted: " + a.key());
                }
                duplicates++;
            }
            if ((i + 1) % step == 0) {
                double wru = ledger.billed(recording.and(k -> k.kind() == Ledger.Kind.WRITE));
                double rru = ledger.billed(recording.and(k -> k.kind() == Ledger.Kind.READ));
                double checkRru = ledger.billed(checking.and(k -> k.kind() == Ledger.Kind.READ));
                double checkWru = ledger.billed(checking.and(k -> k.kind() == Ledger.Kind.WRITE));
                long stepChecks = checks - checksBefore;
                System.out.printf(Locale.ROOT, "| %,d–%,d | %.3f | %.3f | %,d | %.2f | %.3f | %ds |%n", i + 2 - step, i + 1,
                        (wru - wruBefore) / step, (rru - rruBefore) / step, stepChecks,
                        stepChecks == 0 ? 0 : (checkRru - rruChecksBefore) / stepChecks,
                        stepChecks == 0 ? 0 : (checkWru - wruChecksBefore) / stepChecks,
                        (System.nanoTime() - started) / 1_000_000_000L);
                wruBefore = wru;
                rruBefore = rru;
                rruChecksBefore = checkRru;
                wruChecksBefore = checkWru;
                checksBefore = checks;
            }
        }
        // the day ends: a check after everything settled
        clock.set(START.plus(spacing.multipliedBy(objects)).plus(DynamoDbTallyStore.DEFAULT_SETTLE).plusSeconds(1));
        meter.phase("final");
        Tally t = store.tally(DATASET);
        double wru = ledger.billed(recording.and(k -> k.kind() == Ledger.Kind.WRITE));
        double rru = ledger.billed(recording.and(k -> k.kind() == Ledger.Kind.READ));
        double checkRru = ledger.billed(checking.and(k -> k.kind() == Ledger.Kind.READ));
        double checkWru = ledger.billed(checking.and(k -> k.kind() == Ledger.Kind.WRITE));
        System.out.println();
        System.out.printf(Locale.ROOT, "tally: %,d objects, %,d bytes, change sequence %,d (expected %,d objects, %,d"
                + " changes): %s%n", t.objects(), t.bytes(), t.changeSeq(), objects, objects,
                t.objects() == objects && t.changeSeq() == objects ? "exact" : "WRONG");
        System.out.printf(Locale.ROOT, "recording: %.3f WRU and %.3f RRU per object (%,d redeliveries included, each a"
                + " failed conditional put and a read)%n", wru / objects, rru / objects, duplicates);
        System.out.printf(Locale.ROOT, "checks: %,d, %.2f RRU and %.3f WRU each on average%n", checks, checkRru / checks,
                checkWru / checks);
        System.out.printf(Locale.ROOT, "largest item written: %,d bytes; wall time %ds%n",
                meter.maxItemBytes().getOrDefault("tally", 0L), (System.nanoTime() - started) / 1_000_000_000L);
        System.out.printf(Locale.ROOT, "DynamoDB at us-east-1 on-demand prices, per million objects: $%.2f%n",
                ((wru + checkWru) * AwsCost.WRU + (rru + checkRru) * AwsCost.RRU) * 1e6 / objects);
        if (t.objects() != objects || t.changeSeq() != objects) {
            throw new IllegalStateException("the tally is not exact: " + t);
        }
    }

    /** The S3 event of the i-th object Firehose delivers: its key, padded sequencer, eTag and size. */
    private static Arrival firehoseObject(int i, Instant at) {
        String key = String.format(Locale.ROOT, "events/2026/05/01/%02d/stream-1-2026-05-01-%02d-%02d-00-%08x-1a2b-3c4d.gz",
                i / 8334 % 24, i / 8334 % 24, i % 60, i);
        String sequencer = String.format(Locale.ROOT, "0062E99A88DC%08X", i) + "000000000000";
        long size = 8L * 1024 * 1024 + i % 4096;
        return Arrival.created("landing", key, size, at, sequencer).withSequencer(sequencer)
                .withVersion(String.format(Locale.ROOT, "%032x", i * 7919L) + ":" + size);
    }
}
