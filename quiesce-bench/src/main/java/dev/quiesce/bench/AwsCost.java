package dev.quiesce.bench;

import dev.quiesce.aws.testing.Dynalite;
import dev.quiesce.aws.testing.ElasticMq;
import dev.quiesce.bench.aws.CostRun;
import dev.quiesce.bench.aws.Ledger;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What the AWS deployment costs per million objects, from what the code's own requests consume on the
 * local stand-ins: the real Lambda handlers ({@code MonitorHandler}, {@code ObserverHandler},
 * {@code SweepHandler}) over dynalite and ElasticMQ, on a virtual clock, with every DynamoDB request
 * metered by its returned {@code ConsumedCapacity} (plus what dynalite does not report: GSI writes, failed
 * conditional writes, empty queries; see {@link dev.quiesce.bench.aws.DynamoMeter}) and every SQS request
 * counted. Lambda time is not measurable here: it is modelled as {@code --invoke-ms} plus
 * {@code --request-ms} per AWS request the invocation made (counted).
 *
 * <p>Run from the project root after packaging, with dynalite installed:
 * <pre>{@code
 * ./mvnw -q -B -ntp -pl quiesce-bench -am package -DskipTests && (cd quiesce-aws && npm ci --no-audit --no-fund)
 * java -cp "quiesce-bench/target/classes:$(cat quiesce-bench/target/runtime.classpath)" dev.quiesce.bench.AwsCost \
 *     [OBJECTSxSHARDS[@HOURS] ...] [--policy=SPEC] [--batch-size=100] [--window=5] [--check-batch=10]
 *     [--sweep-minutes=5] [--invoke-ms=5] [--request-ms=8] [--memory-gb=1] [--gsi-overhead=0]
 *     [--size-check-every=100] [--seed=1] [--parallel=3] [--real-poller] [--monitor-cold-starts=0] [--quiet]
 * }</pre>
 * Without scenarios it runs the README's rows: {@code 1440x4 10000x4 10000x16}, each over 24 hours
 * (arrivals evenly spread), the policy the template deploys ({@code stable window=3 delay=constant:30s}).
 *
 * <ul>
 *   <li>{@code OBJECTSxSHARDS[@HOURS]}: one dataset-day of OBJECTS arrivals spread evenly over HOURS (24),
 *       counted into a tally spread over SHARDS partition key values ({@code QUIESCE_TALLY_SHARDS});
 *   <li>{@code --policy}: {@code QUIESCE_POLICY} (default: the template's);
 *   <li>{@code --batch-size}, {@code --window}: the monitor's event source ({@code BatchSize},
 *       {@code MaximumBatchingWindowInSeconds}); {@code --check-batch}: the observer's {@code BatchSize};
 *   <li>{@code --sweep-minutes}: the sweep's schedule;
 *   <li>{@code --invoke-ms}, {@code --request-ms}, {@code --memory-gb}: the Lambda time model (assumed);
 *   <li>{@code --gsi-overhead}: bytes added to each index entry before rounding its writes to KB (0);
 *   <li>{@code --size-check-every}: recompute one tally write in this many from item sizes (100);
 *   <li>{@code --monitor-cold-starts}: new monitor containers per day, evenly spread (0);
 *   <li>{@code --real-poller}: send S3's and the SQS poller's requests through ElasticMQ instead of counting
 *       them by the same rules (slower, same counts);
 *   <li>{@code --parallel}: scenarios run side by side, each on a dynalite of its own (3);
 *   <li>{@code --quiet}: only the Markdown tables, not every metered request type per scenario.
 * </ul>
 */
public final class AwsCost {

    // us-east-1 list prices (check current ones)
    static final double WRU = 0.625 / 1e6;
    static final double RRU = 0.125 / 1e6;
    static final double SQS = 0.40 / 1e6;
    static final double LAMBDA_REQUEST = 0.20 / 1e6;
    static final double LAMBDA_GB_S = 0.0000133334;

    private AwsCost() {
    }

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        List<CostRun.Scenario> scenarios = new ArrayList<>();
        Map<String, String> o = new LinkedHashMap<>();
        for (String a : args) {
            if (a.startsWith("--")) {
                int eq = a.indexOf('=');
                o.put(eq < 0 ? a.substring(2) : a.substring(2, eq), eq < 0 ? "true" : a.substring(eq + 1));
            } else {
                scenarios.add(scenario(a));
            }
        }
        List<String> known = List.of("policy", "batch-size", "window", "check-batch", "sweep-minutes", "gsi-overhead",
                "size-check-every", "seed", "real-poller", "monitor-cold-starts", "invoke-ms", "request-ms", "memory-gb",
                "parallel", "quiet");
        for (String name : o.keySet()) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown option --" + name + "; known: --" + String.join(", --", known)
                        + " (see the class comment of " + AwsCost.class.getName() + ")");
            }
        }
        if (scenarios.isEmpty()) {
            for (String s : List.of("1440x4", "10000x4", "10000x16")) {
                scenarios.add(scenario(s));
            }
        }
        CostRun.Settings settings = new CostRun.Settings(o.get("policy"), intOpt(o, "batch-size", 100),
                intOpt(o, "window", 5), intOpt(o, "check-batch", 10), intOpt(o, "sweep-minutes", 5),
                intOpt(o, "gsi-overhead", 0), intOpt(o, "size-check-every", 100), intOpt(o, "seed", 1),
                o.containsKey("real-poller"), intOpt(o, "monitor-cold-starts", 0));
        Model model = new Model(dbl(o, "invoke-ms", 5), dbl(o, "request-ms", 8), dbl(o, "memory-gb", 1));
        boolean quiet = o.containsKey("quiet");

        int parallel = Math.max(1, Math.min(scenarios.size(), intOpt(o, "parallel", 3)));
        List<Summary> summaries = new ArrayList<>();
        long t0 = System.nanoTime();
        // scenarios run side by side, each on a dynalite of its own (one Node.js process each), sharing ElasticMQ
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(parallel);
        try (ElasticMq sqs = ElasticMq.start()) {
            List<java.util.concurrent.Future<CostRun.Result>> runs = new ArrayList<>();
            int n = 0;
            for (CostRun.Scenario s : scenarios) {
                int number = ++n;
                runs.add(pool.submit(() -> {
                    try (Dynalite dynalite = Dynalite.start()) {
                        CostRun.Result r = new CostRun(s, settings, dynalite.endpoint(), sqs.endpoint(), number).run();
                        System.err.printf(Locale.ROOT, "%s: done in %.1f s%n", s.label(), r.wall().toMillis() / 1000.0);
                        return r;
                    }
                }));
            }
            for (java.util.concurrent.Future<CostRun.Result> f : runs) {
                Summary summary = new Summary(f.get(), model);
                summaries.add(summary);
                if (!quiet) {
                    printDetails(summary);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("a scenario failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
        System.out.printf(Locale.ROOT, "%nall scenarios in %.1f s%n%n", (System.nanoTime() - t0) / 1e9);
        printMarkdown(summaries, settings, model);
    }

    // ------------------------------------------------------------------------------------ the model

    /** The assumed Lambda duration: a fixed part plus a part per AWS request the invocation made. */
    record Model(double invokeMs, double requestMs, double memoryGb) {

        /** Billed milliseconds (rounded up to 1 ms) of one invocation that made {@code requests} requests. */
        double billedMs(long requests) {
            return Math.ceil(invokeMs + requests * requestMs);
        }

        double dollars(CostRun.Function f) {
            double ms = 0;
            for (long r : f.requestsPerInvocation()) {
                ms += billedMs(r);
            }
            return f.invocations() * LAMBDA_REQUEST + ms / 1000.0 * memoryGb * LAMBDA_GB_S;
        }
    }

    /** A scenario's figures, per run and per million objects. */
    static final class Summary {
        final CostRun.Result r;
        final Model model;
        final double perMillion;
        final double tallyWrites;
        final double tallyReads;
        final double runLookups;
        final double observationWrites;
        final double observationGsiWrites;
        final double checkReads;
        final double otherWrites;
        final double otherReads;
        final double arrivalSqs;
        final double checkSqs;
        final long publishes;
        final double sweepRru;
        final double sweepWru;

        Summary(CostRun.Result r, Model model) {
            this.r = r;
            this.model = model;
            Ledger l = r.ledger();
            perMillion = 1e6 / r.scenario().objects();
            tallyWrites = l.billed(in("monitor", "tally", Ledger.Kind.WRITE));
            tallyReads = l.billed(in("monitor", "tally", Ledger.Kind.READ));
            runLookups = l.billed(in("monitor", "observations", Ledger.Kind.READ));
            Predicate<Ledger.Key> obsWrites = k -> (k.phase().equals("monitor") || k.phase().equals("observer"))
                    && k.target().startsWith("observations") && k.kind() == Ledger.Kind.WRITE;
            observationWrites = l.billed(obsWrites);
            observationGsiWrites = l.billed(obsWrites.and(k -> k.target().contains("/")));
            checkReads = l.billed(k -> k.phase().equals("observer") && k.kind() == Ledger.Kind.READ);
            Predicate<Ledger.Key> handlers = k -> k.phase().equals("monitor") || k.phase().equals("observer");
            otherWrites = l.billed(handlers.and(k -> k.kind() == Ledger.Kind.WRITE)) - tallyWrites - observationWrites;
            otherReads = l.billed(handlers.and(k -> k.kind() == Ledger.Kind.READ)) - tallyReads - runLookups - checkReads;
            arrivalSqs = l.billed(k -> k.kind() == Ledger.Kind.REQUEST && k.target().equals("arrival queue"));
            checkSqs = l.billed(k -> k.kind() == Ledger.Kind.REQUEST && k.target().equals("check queue"));
            publishes = l.requests(k -> k.target().startsWith("completion") && k.operation().equals("SendMessage"));
            sweepRru = l.billed(k -> k.phase().equals("sweep") && k.kind() == Ledger.Kind.READ);
            sweepWru = l.billed(k -> k.phase().equals("sweep") && k.kind() == Ledger.Kind.WRITE);
        }

        double wru() {
            return tallyWrites + observationWrites + otherWrites;
        }

        double rru() {
            return tallyReads + runLookups + checkReads + otherReads;
        }

        long invocations() {
            return fn("monitor").invocations() + fn("observer").invocations();
        }

        CostRun.Function fn(String name) {
            return r.functions().get(name);
        }

        double dynamoDollars() {
            return wru() * WRU + rru() * RRU;
        }

        double sqsDollars() {
            return (arrivalSqs + checkSqs) * SQS;
        }

        double lambdaDollars() {
            return model.dollars(fn("monitor")) + model.dollars(fn("observer"));
        }

        double total() {
            return dynamoDollars() + sqsDollars() + lambdaDollars();
        }

        // the checks alone: the observer's invocations and the check queue
        long checks() {
            return fn("observer").invocations();
        }

        double checkRru() {
            return r.ledger().billed(k -> k.phase().equals("observer") && k.kind() == Ledger.Kind.READ);
        }

        double checkWru() {
            return r.ledger().billed(k -> k.phase().equals("observer") && k.kind() == Ledger.Kind.WRITE);
        }

        double checkDollars() {
            return checkRru() * RRU + checkWru() * WRU + checkSqs * SQS + model.dollars(fn("observer"));
        }

        /** The check's units at the end of the active period (the dearest: the tally is largest). */
        CostRun.CheckCost lastActiveCheck() {
            CostRun.CheckCost last = null;
            for (CostRun.CheckCost c : r.checks()) {
                if (!c.at().isAfter(r.lastArrival())) {
                    last = c;
                }
            }
            return last;
        }

        CostRun.CheckCost firstCheck() {
            return r.checks().isEmpty() ? null : r.checks().get(0);
        }
    }

    private static Predicate<Ledger.Key> in(String phase, String tablePrefix, Ledger.Kind kind) {
        return k -> k.phase().equals(phase) && k.target().startsWith(tablePrefix) && k.kind() == kind;
    }

    // ------------------------------------------------------------------------------------ output

    private static void printDetails(Summary s) {
        CostRun.Result r = s.r;
        System.out.printf(Locale.ROOT, "%n=== %s: %s in %.1f s (wall), run %s after %d checks; last arrival %s, finished %s%n",
                r.scenario().label(), "measured", r.wall().toMillis() / 1000.0, r.finalState(), r.checksMade(),
                r.lastArrival(), r.finishedAt());
        System.out.printf(Locale.ROOT, "%-9s %-40s %-38s %9s %12s %12s%n", "who", "where", "operation", "requests",
                "reported", "billed");
        for (Map.Entry<Ledger.Key, Ledger.Cell> e : r.ledger().lines()) {
            Ledger.Key k = e.getKey();
            if (k.phase().equals("setup")) {
                continue;
            }
            String unit = k.kind() == Ledger.Kind.READ ? " RRU" : k.kind() == Ledger.Kind.WRITE ? " WRU" : " req";
            System.out.printf(Locale.ROOT, "%-9s %-40s %-38s %9d %12s %12s%n", k.phase(), k.target(), k.operation(),
                    e.getValue().requests(), num(e.getValue().reported()) + unit, num(e.getValue().billed()) + unit);
        }
        for (Map.Entry<String, CostRun.Function> f : r.functions().entrySet()) {
            System.out.printf(Locale.ROOT, "lambda %-8s %6d invocations, %7d AWS requests (%.2f per invocation), $%.6f%n",
                    f.getKey(), f.getValue().invocations(), f.getValue().requests(),
                    f.getValue().invocations() == 0 ? 0.0 : (double) f.getValue().requests() / f.getValue().invocations(),
                    s.model.dollars(f.getValue()));
        }
        System.out.printf(Locale.ROOT, "tally: %d shard items, largest %,d bytes, mean %,d bytes; run item %,d bytes%n",
                r.tallyItems(), r.tallyMaxBytes(), r.tallyMeanBytes(), r.observationBytes());
        System.out.printf(Locale.ROOT, "table writes recomputed from item sizes: %d, differing from dynalite: %d%n",
                r.writeChecks(), r.writeMismatches());
        CostRun.CheckCost first = s.firstCheck();
        CostRun.CheckCost last = s.lastActiveCheck();
        System.out.printf(Locale.ROOT, "per check: %.1f RRU + %.1f WRU on average; first %s, last before the final"
                        + " arrival %s%n", s.checkRru() / s.checks(), s.checkWru() / s.checks(),
                first == null ? "-" : num(first.rru()) + " RRU + " + num(first.wru()) + " WRU (run item "
                        + first.runItemBytes() + " bytes)",
                last == null ? "-" : num(last.rru()) + " RRU + " + num(last.wru()) + " WRU (run item "
                        + last.runItemBytes() + " bytes)");
        StringBuilder layout = new StringBuilder();
        r.runItemLayout().entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> layout.append(' ').append(e.getKey()).append('=').append(e.getValue()));
        System.out.printf(Locale.ROOT, "run item at the last check before the final arrival, bytes by attribute:%s%n",
                layout);
        System.out.printf(Locale.ROOT, "sweeps: %d, %.1f RRU + %.1f WRU%n", s.fn("sweep").invocations(), s.sweepRru,
                s.sweepWru);
        if (Math.abs(s.otherWrites) > 1e-9 || Math.abs(s.otherReads) > 1e-9) {
            System.out.printf(Locale.ROOT, "units outside the table's columns (in its totals): %.1f WRU, %.1f RRU%n",
                    s.otherWrites, s.otherReads);
        }
    }

    private static void printMarkdown(List<Summary> summaries, CostRun.Settings settings, Model model) {
        System.out.printf(Locale.ROOT, "Measured %s with dev.quiesce.bench.AwsCost (policy: %s; monitor batches: %d"
                        + " messages or %d s; Lambda time assumed %s ms + %s ms per AWS request at %s GB).%n%n",
                LocalDate.now(), settings.policy() == null ? "the default, stable window=3 delay=constant:30s"
                        : settings.policy(), settings.batchSize(), settings.windowSeconds(), num(model.invokeMs()),
                num(model.requestMs()), num(model.memoryGb()));
        System.out.println("Per million objects:");
        System.out.println();
        System.out.println("| objects per dataset and day | shards | tally writes | tally reads | run lookups"
                + " | run writes (table + GSIs) | check reads | DynamoDB | SQS requests | Lambda invocations | total |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        for (Summary s : summaries) {
            double m = s.perMillion;
            System.out.printf(Locale.ROOT, "| %,d | %d | %s WRU | %s RRU | %s RRU | %s WRU (%s + %s) | %s RRU | $%s"
                            + " | %s → $%s | %s → $%s | **$%s** |%n",
                    s.r.scenario().objects(), s.r.scenario().shards(), big(s.tallyWrites * m), big(s.tallyReads * m),
                    big(s.runLookups * m), big(s.observationWrites * m),
                    big((s.observationWrites - s.observationGsiWrites) * m), big(s.observationGsiWrites * m),
                    big(s.checkReads * m), money(s.dynamoDollars() * m), big((s.arrivalSqs + s.checkSqs) * m),
                    money(s.sqsDollars() * m), big(s.invocations() * m), money(s.lambdaDollars() * m),
                    money(s.total() * m));
        }
        System.out.println();
        System.out.println("Per run (one dataset-day) — the checks alone:");
        System.out.println();
        System.out.println("| objects per dataset and day | shards | checks (observer invocations) | per check, average"
                + " | per check, end of day | checks' cost per run | of which DynamoDB | per million objects |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (Summary s : summaries) {
            CostRun.CheckCost last = s.lastActiveCheck();
            System.out.printf(Locale.ROOT, "| %,d | %d | %,d | %s RRU + %s WRU | %s | $%s | $%s | $%s |%n",
                    s.r.scenario().objects(), s.r.scenario().shards(), s.checks(), num(s.checkRru() / s.checks()),
                    num(s.checkWru() / s.checks()),
                    last == null ? "-" : num(last.rru()) + " RRU + " + num(last.wru()) + " WRU",
                    money4(s.checkDollars()), money4(s.checkRru() * RRU + s.checkWru() * WRU),
                    money(s.checkDollars() * s.perMillion));
        }
        System.out.println();
        System.out.println("Reported by dynalite vs billed (per run):");
        System.out.println();
        System.out.println("| scenario | reported RRU | billed RRU | reported WRU | billed WRU | of which index writes"
                + " (computed) | empty queries | failed conditional writes |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (Summary s : summaries) {
            Ledger l = s.r.ledger();
            Predicate<Ledger.Key> code = k -> !k.phase().equals("setup");
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %d | %d |%n", s.r.scenario().label(),
                    big(l.reported(code.and(k -> k.kind() == Ledger.Kind.READ))),
                    big(l.billed(code.and(k -> k.kind() == Ledger.Kind.READ))),
                    big(l.reported(code.and(k -> k.kind() == Ledger.Kind.WRITE))),
                    big(l.billed(code.and(k -> k.kind() == Ledger.Kind.WRITE))),
                    big(l.billed(code.and(k -> k.operation().contains("(index, computed)")))),
                    l.requests(code.and(k -> k.operation().contains("(empty)") && k.kind() == Ledger.Kind.READ)),
                    l.requests(code.and(k -> k.operation().contains("condition failed"))));
        }
        Summary any = summaries.get(0);
        System.out.printf(Locale.ROOT, "%nFixed, not per object: the sweep every %d min made %s RRU + %s WRU per"
                        + " invocation (%d invocations in the first scenario).%n", settings.sweepMinutes(),
                num(any.sweepRru / Math.max(1, any.fn("sweep").invocations())),
                num(any.sweepWru / Math.max(1, any.fn("sweep").invocations())), any.fn("sweep").invocations());
    }

    // ------------------------------------------------------------------------------------ args and numbers

    private static CostRun.Scenario scenario(String text) {
        String[] at = text.split("@", 2);
        String[] xs = at[0].toLowerCase(Locale.ROOT).split("x", 2);
        if (xs.length != 2) {
            throw new IllegalArgumentException("a scenario is OBJECTSxSHARDS[@HOURS], e.g. 10000x16 or 1440x16@24, was "
                    + text);
        }
        Duration active = at.length > 1 ? Duration.ofSeconds(Math.round(Double.parseDouble(at[1]) * 3600))
                : Duration.ofHours(24);
        return new CostRun.Scenario(Integer.parseInt(xs[0].replace("_", "").replace(",", "")),
                Integer.parseInt(xs[1]), active);
    }

    private static int intOpt(Map<String, String> o, String name, int dflt) {
        return o.containsKey(name) ? Integer.parseInt(o.get(name)) : dflt;
    }

    private static double dbl(Map<String, String> o, String name, double dflt) {
        return o.containsKey(name) ? Double.parseDouble(o.get(name)) : dflt;
    }

    static String num(double v) {
        if (v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%,d", (long) v);
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%,.0f" : Math.abs(v) >= 10 ? "%.1f" : "%.2f", v);
    }

    /** Millions as "12.3 M", thousands as "456 k". */
    static String big(double v) {
        if (Math.abs(v) >= 1e6) {
            return String.format(Locale.ROOT, "%.2f M", v / 1e6);
        }
        if (Math.abs(v) >= 1e4) {
            return String.format(Locale.ROOT, "%.0f k", v / 1e3);
        }
        return num(v);
    }

    static String money(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : "%.2f", v);
    }

    static String money4(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
