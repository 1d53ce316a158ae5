package dev.quiesce.app.cli;

import dev.quiesce.Blindness;
import dev.quiesce.Dataset;
import dev.quiesce.InvalidConfigurationException;
import dev.quiesce.Observation;
import dev.quiesce.notify.CommandNotifier;
import dev.quiesce.notify.FileDeadLetters;
import dev.quiesce.notify.JsonLinesNotifier;
import dev.quiesce.notify.WebhookNotifier;
import dev.quiesce.engine.Backoff;
import dev.quiesce.engine.Engine;
import dev.quiesce.jdbc.JdbcObservationStore;
import dev.quiesce.jdbc.SqliteDatabase;
import dev.quiesce.Sent;
import dev.quiesce.policy.Adaptive;
import dev.quiesce.policy.DelayStrategy;
import dev.quiesce.policy.ExpectedTotals;
import dev.quiesce.policy.Guards;
import dev.quiesce.policy.InactivityPeriod;
import dev.quiesce.policy.Policy;
import dev.quiesce.policy.PolicySpec;
import dev.quiesce.policy.StableCount;
import dev.quiesce.port.ArrivalSource;
import dev.quiesce.port.Notifier;
import dev.quiesce.port.OutboxEntry;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code quiesce watch DIR}: blocks until the files landing in a directory tree have stopped, per the
 * chosen policy, notifies, and exits with a code scripts can branch on.
 */
@Command(name = "watch",
        description = {
            "Watch a directory tree or an S3 prefix until the data landing in it has finished landing, then exit 0.",
            "Idiom: quiesce watch /data/incoming/2024-05-01 && spark-submit aggregate.py",
            "       quiesce watch s3://landing/events/2024/05/01/ && spark-submit aggregate.py"},
        mixinStandardHelpOptions = true,
        sortOptions = false,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:complete", "3:timed out", "4:incomplete (less landed than declared)", "5:cancelled",
            "6:source blind for --blind-timeout",
            "7:deleted (--deletes fail)", "64:bad usage", "70:internal error",
            "75:downstream unreachable after retries"})
public final class WatchCommand implements Callable<Integer> {

    /** The policies {@code --policy} accepts. */
    enum PolicyName { stable, inactivity, adaptive, expected }

    /** The delay strategies {@code --delay-strategy} accepts. */
    enum StrategyName { constant, divided, decay, backoff }

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR|s3://BUCKET/PREFIX",
            description = "Directory tree to watch, or an S3 prefix (listed with ListObjectsV2).")
    private String location;

    @Option(names = "--policy", paramLabel = "NAME",
            description = "stable (tally unchanged for --window checks), inactivity (no arrival for --inactivity)"
                    + ", adaptive (silence improbable given the gaps seen) or expected (producers declare what they"
                    + " sent). Default: stable, or expected with --expect-producers.")
    private PolicyName policy;

    @Option(names = "--phi-threshold", paramLabel = "X",
            description = "adaptive: phi at which silence means done. Default: 8.")
    private Double phiThreshold;

    @CommandLine.Mixin
    private GuardOptions guardOptions = new GuardOptions();

    @Option(names = "--gap-model", paramLabel = "MODEL",
            description = "adaptive: normal (default) or gamma, for irregular trickles whose gaps vary as much as"
                    + " they last.")
    private String gapModel;

    @Option(names = "--expect-producers", paramLabel = "N",
            description = "expected: complete once N producers closed and their declared totals landed.")
    private Integer expectProducers;

    @Option(names = "--expect-unit", paramLabel = "UNIT",
            description = "expected: what the declared totals count: objects, bytes, or records (lines of each"
                    + " file, gzip too; directories only). Default: objects.")
    private String expectUnit;

    @Option(names = "--manifests", paramLabel = "DIR", defaultValue = "_manifests",
            description = "Directory (under what is watched) of producer manifests <producer>.json; they and"
                    + " _SUCCESS markers are declarations, not data. Default: ${DEFAULT-VALUE}.")
    private String manifestDirectory;

    @Option(names = "--window", paramLabel = "N", description = "stable: unchanged checks needed. Default: 3.")
    private Integer window;

    @Option(names = "--delay", paramLabel = "D", converter = DurationConverter.class,
            description = "stable: base delay between checks. Default: 30s.")
    private Duration delay;

    @Option(names = "--delay-strategy", paramLabel = "NAME",
            description = "stable: constant, divided (d/streak), decay (ceil(d*e^-streak)) or backoff. Default: constant.")
    private StrategyName strategy;

    @Option(names = "--backoff-factor", paramLabel = "F", description = "backoff: growth per unchanged check. Default: 2.")
    private Double backoffFactor;

    @Option(names = "--backoff-max", paramLabel = "D", converter = DurationConverter.class,
            description = "backoff: longest delay. Default: 10 x --delay.")
    private Duration backoffMax;

    @Option(names = "--inactivity", paramLabel = "D", converter = DurationConverter.class,
            description = "inactivity: quiet period that means done. Default: 5m.")
    private Duration inactivity;

    @Option(names = "--min-objects", paramLabel = "N", description = "Never complete with fewer objects than this.")
    private Long minObjects;

    @Option(names = "--deadline", paramLabel = "D", converter = DurationConverter.class,
            description = "Give up (exit 3) if not complete this long after the start.")
    private Duration deadline;

    @Option(names = "--first-arrival-timeout", paramLabel = "D", converter = DurationConverter.class,
            description = "Give up (exit 3) if nothing arrives this long after the start.")
    private Duration firstArrivalTimeout;

    @Option(names = "--include", paramLabel = "GLOB", description = "Count only files matching (repeatable). Default: all.")
    private List<String> includes = new ArrayList<>();

    @Option(names = "--exclude", paramLabel = "GLOB",
            description = "Also ignore files matching (repeatable). Hidden files, *.tmp, *.part, *.crdownload"
                    + " (and for directories _temporary/) are always ignored.")
    private List<String> excludes = new ArrayList<>();

    @Option(names = "--rescan", paramLabel = "D", converter = DurationConverter.class,
            description = "Full rescan interval: besides file-system events for a directory (default 2s);"
                    + " the listing interval for S3 (default 10s).")
    private Duration rescan;

    @CommandLine.Mixin
    private S3Options s3 = new S3Options();

    @Option(names = "--notify-webhook", paramLabel = "URL",
            description = "POST a CloudEvent here when the observation ends.")
    private URI webhook;

    @Option(names = "--webhook-secret-env", paramLabel = "VAR",
            description = "Sign webhook bodies (HMAC-SHA256, header X-Quiesce-Signature) with the secret in this environment variable.")
    private String webhookSecretEnv;

    @Option(names = "--notify-command", paramLabel = "CMD",
            description = "Run this shell command when the observation ends; event fields arrive as QUIESCE_* variables.")
    private String command;

    @Option(names = "--notify-attempts", paramLabel = "N", defaultValue = "6",
            description = "Delivery attempts before an event is dead-lettered. Default: ${DEFAULT-VALUE}.")
    private int attempts;

    @Option(names = "--notify-backoff", paramLabel = "D", converter = DurationConverter.class, defaultValue = "1s",
            description = "Wait after the first failed delivery; doubles per attempt up to 1m. Default: ${DEFAULT-VALUE}.")
    private Duration notifyBackoff;

    @Option(names = "--notify-timeout", paramLabel = "D", converter = DurationConverter.class, defaultValue = "30s",
            description = "Time allowed for one webhook request or command run. Default: ${DEFAULT-VALUE}.")
    private Duration notifyTimeout;

    @Option(names = "--dead-letters", paramLabel = "FILE",
            description = "Where undeliverable events go. Default: STATE.dead-letters.jsonl, or ./quiesce-dead-letters.jsonl without --state.")
    private Path deadLetters;

    @Option(names = "--state", paramLabel = "FILE",
            description = "SQLite state file; rerun with the same file to resume after a crash. Default: a temporary file.")
    private Path state;

    @Option(names = "--id", paramLabel = "NAME",
            description = "Observation id. Default: watch:<absolute DIR> or watch:s3://BUCKET/PREFIX.")
    private String id;

    @Option(names = "--blind-timeout", paramLabel = "D", converter = DurationConverter.class, defaultValue = "10m",
            description = "End the run (exit 6) when the source cannot see the location (gone, unreadable, listing"
                    + " failing) for this long; while blind nothing completes. Default: ${DEFAULT-VALUE}.")
    private Duration blindTimeout;

    @Option(names = "--settle", paramLabel = "D", converter = DurationConverter.class, defaultValue = "1s",
            description = "A new or changed file counts once its size and mtime stayed the same this long"
                    + " (directories). Default: ${DEFAULT-VALUE}.")
    private Duration settle;

    @CommandLine.Mixin
    private CertificateOptions certificate = new CertificateOptions();

    @Option(names = "--json", description = "Print lifecycle events as JSON lines on stdout.")
    private boolean json;

    @Option(names = "--verbose", description = "Log engine events (INFO) on stderr.")
    private boolean verbose;

    @Override
    public Integer call() throws Exception {
        PolicySpec policySpec = policySpec();
        validateNotifyOptions();
        certificate.validate();
        boolean countRecords = policySpec.policy() instanceof ExpectedTotals
                && ((ExpectedTotals) policySpec.policy()).unit() == Sent.Unit.RECORDS;
        if (blindTimeout.isZero() || blindTimeout.isNegative()) {
            throw new InvalidConfigurationException("--blind-timeout must be > 0, was " + blindTimeout);
        }
        WatchedLocation watched = WatchedLocation.open(location, includes, excludes, rescan, s3.endpoint, s3.region,
                countRecords, settle);
        ArrivalSource source = watched.source();
        List<Notifier> notifiers = notifiers();
        Path stateFile = state != null ? state : temporaryStateFile();
        Path deadLetterFile = deadLetters != null ? deadLetters
                : state != null ? Path.of(state + ".dead-letters.jsonl") : Path.of("quiesce-dead-letters.jsonl");
        String observationId = id != null ? id : "watch:" + watched.name();
        Dataset dataset = watched.dataset();

        try (SqliteDatabase db = SqliteDatabase.open(stateFile)) {
            JdbcObservationStore store = db.observationStore();
            Engine.Builder builder = Engine.builder()
                    .tallies(db.tallyStore())
                    .store(store)
                    .clock(Clock.systemUTC())
                    .dataset(dataset)
                    .backoff(new Backoff(notifyBackoff, 2.0, max(notifyBackoff, Duration.ofMinutes(1)), attempts))
                    .deadLetters(new FileDeadLetters(deadLetterFile))
                    .expectations(db.expectationStore())
                    .maxIdle(Duration.ofMillis(200))
                    .blindTimeout(blindTimeout);
            notifiers.forEach(builder::notifier);
            try (Engine engine = builder.build()) {
                Observation started = engine.observer().start(observationId, dataset.id(), policySpec);
                if (!started.spec().equals(policySpec)) {
                    spec.commandLine().getErr().println("quiesce: resuming " + observationId
                            + " with the policy it started with: " + started.spec().text());
                }
                // the source's first pass runs here, before any check: a check in the middle of it would
                // judge data that has been there all along by the part of it counted so far
                source.start(new DeclaringSink(watched, manifestDirectory, engine.monitor(),
                        spec.commandLine().getErr()));
                engine.start();
                try {
                    Set<String> ours = notifiers.stream().map(Notifier::name).collect(Collectors.toSet());
                    int exit = awaitEnd(engine, store, db, observationId, ours, deadLetterFile);
                    certificate.writeIfComplete(db, observationId, watched, includes, excludes, manifestDirectory,
                            spec.commandLine().getErr());
                    return exit;
                } finally {
                    source.close();
                }
            }
        } finally {
            if (state == null) {
                deleteTemporaryState(stateFile);
            }
        }
    }

    /**
     * Waits for the observation to end and for this run's notifiers to finish with its events (entries
     * for notifiers of another run on the same state file do not hold the exit).
     */
    private int awaitEnd(Engine engine, JdbcObservationStore store, SqliteDatabase db, String observationId,
                         Set<String> ours, Path deadLetterFile) throws InterruptedException {
        ProgressLine progress = ProgressLine.forTerminal(System.console() != null, System.err);
        BlindReport blindReport = new BlindReport(json ? System.out : null, spec.commandLine().getErr());
        while (true) {
            long passes = engine.passesEnded();
            Observation o = store.find(observationId).orElseThrow();
            Optional<Blindness> blind = engine.observer().blindness(o.datasetId());
            blindReport.update(o, blind);
            progress.show(o, db.tallyStore().tally(o.datasetId()), blind);
            if (!o.state().open()) {
                List<OutboxEntry> entries = store.entriesOf(observationId).stream()
                        .filter(e -> ours.contains(e.notifier())).toList();
                if (entries.stream().noneMatch(e -> e.status() == OutboxEntry.Status.PENDING)) {
                    progress.finish(o, db.tallyStore().tally(o.datasetId()));
                    List<OutboxEntry> dead = entries.stream()
                            .filter(e -> e.status() == OutboxEntry.Status.DEAD).toList();
                    if (!dead.isEmpty()) {
                        for (OutboxEntry e : dead) {
                            spec.commandLine().getErr().println("quiesce: could not deliver " + e.event().id()
                                    + " to " + e.notifier() + " after " + e.attempts() + " attempts: " + e.lastError()
                                    + "; the event is in " + deadLetterFile.toAbsolutePath());
                        }
                        return ExitCodes.DOWNSTREAM_UNREACHABLE;
                    }
                    return ExitCodes.of(o.state());
                }
            }
            // woken by the engine's next pass; the timeout keeps the progress line moving
            engine.awaitPassAfter(passes, Duration.ofMillis(100));
        }
    }

    PolicySpec policySpec() {
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        List<String> stableOnly = List.of("--window", "--delay", "--delay-strategy", "--backoff-factor", "--backoff-max");
        Policy p;
        PolicyName chosen = policy != null ? policy : expectProducers != null ? PolicyName.expected : PolicyName.stable;
        if (chosen != PolicyName.expected && (expectProducers != null || expectUnit != null)) {
            throw new InvalidConfigurationException("--expect-producers and --expect-unit apply to --policy expected only");
        }
        if (chosen != PolicyName.adaptive && (phiThreshold != null || gapModel != null)) {
            throw new InvalidConfigurationException(
                    "--phi-threshold and --gap-model apply to --policy adaptive only");
        }
        if (chosen == PolicyName.adaptive) {
            for (String o : java.util.stream.Stream.concat(stableOnly.stream(), java.util.stream.Stream.of("--inactivity"))
                    .toList()) {
                if (parsed.hasMatchedOption(o)) {
                    throw new InvalidConfigurationException(o + " does not apply to --policy adaptive");
                }
            }
            Adaptive.Builder b = Adaptive.builder();
            if (phiThreshold != null) {
                b.threshold(phiThreshold);
            }
            if (gapModel != null) {
                if (!gapModel.equals("normal") && !gapModel.equals("gamma")) {
                    throw new InvalidConfigurationException("--gap-model must be normal or gamma, was '" + gapModel + "'");
                }
                b.gamma(gapModel.equals("gamma"));
            }
            p = b.build();
        } else if (chosen == PolicyName.expected) {
            for (String o : java.util.stream.Stream.concat(stableOnly.stream(), java.util.stream.Stream.of("--inactivity"))
                    .toList()) {
                if (parsed.hasMatchedOption(o)) {
                    throw new InvalidConfigurationException(o + " does not apply to --policy expected");
                }
            }
            Sent.Unit unit;
            try {
                unit = Sent.Unit.valueOf((expectUnit != null ? expectUnit : "objects").toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigurationException("--expect-unit must be objects, bytes or records, was '"
                        + expectUnit + "'", e);
            }
            if (expectProducers != null && expectProducers < 1) {
                throw new InvalidConfigurationException("--expect-producers must be >= 1, was " + expectProducers);
            }
            p = ExpectedTotals.of(unit, expectProducers != null ? expectProducers : 0, ExpectedTotals.DEFAULT_POLL);
        } else if (chosen == PolicyName.inactivity) {
            for (String o : stableOnly) {
                if (parsed.hasMatchedOption(o)) {
                    throw new InvalidConfigurationException(o + " applies to --policy stable only; "
                            + "with --policy inactivity set the quiet period with --inactivity");
                }
            }
            p = InactivityPeriod.of(inactivity != null ? inactivity : Duration.ofMinutes(5));
        } else {
            if (inactivity != null) {
                throw new InvalidConfigurationException("--inactivity applies to --policy inactivity only");
            }
            StrategyName s = strategy != null ? strategy : StrategyName.constant;
            if ((backoffFactor != null || backoffMax != null) && s != StrategyName.backoff) {
                throw new InvalidConfigurationException("--backoff-factor and --backoff-max need --delay-strategy backoff");
            }
            Duration d = delay != null ? delay : StableCount.DEFAULT_DELAY;
            DelayStrategy ds;
            switch (s) {
                case divided: ds = DelayStrategy.dividedByStreak(d); break;
                case decay: ds = DelayStrategy.exponentialDecay(d); break;
                case backoff:
                    ds = DelayStrategy.exponentialBackoff(d, backoffFactor != null ? backoffFactor : 2.0,
                            backoffMax != null ? backoffMax : d.multipliedBy(10));
                    break;
                default: ds = DelayStrategy.constant(d);
            }
            p = StableCount.builder().window(window != null ? window : StableCount.DEFAULT_WINDOW).delay(ds).build();
        }
        Guards g = guardOptions.applyTo(new Guards(minObjects != null ? minObjects : 0, deadline, firstArrivalTimeout));
        return new PolicySpec(p, g);
    }

    private void validateNotifyOptions() {
        if (attempts < 1) {
            throw new InvalidConfigurationException("--notify-attempts must be >= 1, was " + attempts);
        }
        if (notifyBackoff.isZero()) {
            throw new InvalidConfigurationException("--notify-backoff must be > 0");
        }
        if (webhookSecretEnv != null && webhook == null) {
            throw new InvalidConfigurationException("--webhook-secret-env needs --notify-webhook");
        }
        if (webhook != null && (webhook.getScheme() == null
                || !(webhook.getScheme().equals("http") || webhook.getScheme().equals("https")))) {
            throw new InvalidConfigurationException("--notify-webhook must be an http:// or https:// URL, was '"
                    + webhook + "'");
        }
    }

    private List<Notifier> notifiers() {
        List<Notifier> list = new ArrayList<>();
        if (json) {
            list.add(new JsonLinesNotifier(new PrintStream(System.out, true)));
        }
        if (command != null) {
            list.add(new CommandNotifier(command, notifyTimeout));
        }
        if (webhook != null) {
            String secret = null;
            if (webhookSecretEnv != null) {
                secret = System.getenv(webhookSecretEnv);
                if (secret == null || secret.isEmpty()) {
                    throw new InvalidConfigurationException("environment variable " + webhookSecretEnv
                            + " (named by --webhook-secret-env) is not set or empty");
                }
            }
            list.add(WebhookNotifier.builder(webhook).secret(secret).timeout(notifyTimeout).build());
        }
        return list;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static Path temporaryStateFile() throws IOException {
        return Files.createTempDirectory("quiesce-").resolve("state.db");
    }

    private static void deleteTemporaryState(Path stateFile) {
        try {
            for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) {
                Files.deleteIfExists(Path.of(stateFile + suffix));
            }
            Files.deleteIfExists(stateFile.getParent());
        } catch (IOException e) {
            // a leftover temporary file is harmless; the exit code must not change because of it
        }
    }
}
