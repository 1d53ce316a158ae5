package dev.quiesce.app.cli;

import dev.quiesce.Durations;
import dev.quiesce.Expectations;
import dev.quiesce.MissingNotifierException;
import dev.quiesce.Outcome;
import dev.quiesce.Quiesce;
import dev.quiesce.Watch;
import java.io.PrintWriter;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import dev.quiesce.InvalidConfigurationException;
import dev.quiesce.Observation;
import dev.quiesce.notify.FileDeadLetters;
import dev.quiesce.notify.JsonLinesNotifier;
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
import dev.quiesce.port.Notifier;
import dev.quiesce.port.OutboxEntry;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
            "0:complete, and every notification delivered",
            "3:timed out (--deadline, --first-arrival-timeout)",
            "4:incomplete: less landed than producers declared by the deadline",
            "5:cancelled (quiesce cancel)",
            "6:blind: the source could not see the location for --blind-timeout",
            "7:deleted: an object was removed from the dataset with --deletes fail",
            "64:bad usage: options, policy, --state; no S3 credentials or bucket; a notifier the run owes events"
                    + " to is missing",
            "70:internal error",
            "75:unreachable: a notification undelivered after every retry (in --dead-letters; quiesce notify"
                    + " --replay FILE), or the S3 endpoint at the start",
            "130:interrupted (Ctrl-C); resume with the same --state"})
public final class WatchCommand implements Callable<Integer> {

    /** The policy names {@code --policy} accepts alone, set by the shortcut options. */
    enum PolicyName { stable, inactivity, adaptive, expected }

    /** The delay strategies {@code --delay-strategy} accepts. */
    enum StrategyName { constant, divided, decay, backoff }

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR|s3://BUCKET/PREFIX",
            description = "Directory tree to watch, or an S3 prefix (listed with ListObjectsV2).")
    private String location;

    @Option(names = "--policy", paramLabel = "SPEC",
            description = {"A whole policy spec, as tune prints it: 'stable window=3 delay=constant:30s',"
                    + " 'inactivity period=90s', 'adaptive threshold=3.0 hint=1m', 'expected producers=3' (guards such as"
                    + " deadline=2h may follow). Or just the name, set by the shortcut options below:"
                    + " stable (tally unchanged for --window checks), inactivity (no arrival for --inactivity),"
                    + " adaptive (silence improbable given the gaps seen) or expected (producers declare what they"
                    + " sent).",
                "Default: stable; inactivity with --inactivity, adaptive with --phi-threshold or --gap-model,"
                    + " expected with --expect-producers or --expect-unit."})
    private String policy;

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

    @Option(names = "--lateness", paramLabel = "D", converter = DurationConverter.class,
            description = "After completing, keep watching this long and report data that still lands as LATE"
                    + " events (the exit waits for it).")
    private Duration lateness;

    @Option(names = "--include", paramLabel = "GLOB", description = "Count only files matching (repeatable). Default: all.")
    private List<String> includes = new ArrayList<>();

    @Option(names = "--exclude", paramLabel = "GLOB",
            description = "Also ignore files matching (repeatable). Hidden files, *.tmp, *.part, *.crdownload"
                    + " (and for directories _temporary/) are always ignored.")
    private List<String> excludes = new ArrayList<>();

    @Option(names = "--rescan", paramLabel = "D", converter = DurationConverter.class,
            description = "Directory: the shortest interval of the full rescan that backs up file-system events"
                    + " (default 2s; it grows to 100 x the time a rescan takes, at most 5m, so a big tree idles"
                    + " cheaply). S3: the listing interval (default 10s).")
    private Duration rescan;

    @CommandLine.Mixin
    private S3Options s3 = new S3Options();

    @CommandLine.Mixin
    private NotifyOptions notify = new NotifyOptions();

    @Option(names = "--dead-letters", paramLabel = "FILE",
            description = "Where undeliverable events go. Default: STATE.dead-letters.jsonl, or ./quiesce-dead-letters.jsonl without --state.")
    private Path deadLetters;

    @Option(names = "--state", paramLabel = "FILE",
            description = "SQLite state file. Rerun with the same file to resume an open run after a crash or"
                    + " Ctrl-C; once a run has ended, the next invocation starts the next run (ID#2, ID#3, ...)."
                    + " Default: a temporary file, removed at exit.")
    private Path state;

    @Option(names = "--resume-only",
            description = "Resume the latest run of the id, or report how it ended (its exit code); never start a"
                    + " new one.")
    private boolean resumeOnly;

    @Option(names = "--keep-state",
            description = "Keep the temporary state file at exit (its path is printed) instead of removing it.")
    private boolean keepState;

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

    @Option(names = "--quiet", description = "No summary line, no notes on stderr; errors only.")
    private boolean quiet;

    @Option(names = "--verbose", description = "One line per check on stderr, and the engine's log (INFO).")
    private boolean verbose;

    @Override
    public Integer call() throws Exception {
        PolicySpec policySpec = policySpec();
        notify.validate();
        certificate.validate();
        if (quiet && verbose) {
            throw new InvalidConfigurationException("--quiet and --verbose contradict each other: give one");
        }
        boolean countRecords = policySpec.policy() instanceof ExpectedTotals
                && ((ExpectedTotals) policySpec.policy()).unit() == Sent.Unit.RECORDS;
        if (blindTimeout.isZero() || blindTimeout.isNegative()) {
            throw new InvalidConfigurationException("--blind-timeout must be > 0, was " + blindTimeout);
        }
        if (keepState && state != null) {
            throw new InvalidConfigurationException("--keep-state keeps the temporary state; a --state FILE is kept anyway");
        }
        PrintWriter err = spec.commandLine().getErr();
        WatchedLocation watched = WatchedLocation.open(location, includes, excludes, rescan, s3.endpoint, s3.region,
                countRecords, settle);
        List<Notifier> notifiers = notifiers();
        StateFile stateFile = StateFile.of(state, keepState);
        boolean terminal = System.console() != null;
        ProgressLine progress = terminal ? ProgressLine.forTerminal(true, System.err, TerminalWidth.detect())
                : ProgressLine.forTerminal(false, System.err);
        // armed before anything is written: a Ctrl-C from here on says how to resume and leaves no temporary state
        Interruption interruption = new Interruption(progress, stateFile, err);
        interruption.arm();
        Path deadLetterFile = deadLetters != null ? deadLetters
                : state != null ? Path.of(state + ".dead-letters.jsonl") : Path.of("quiesce-dead-letters.jsonl");
        String observationId = id != null ? id : "watch:" + watched.name();

        try (SqliteDatabase db = stateFile.open()) {
            Quiesce.Builder qb = Quiesce.builder()
                    .stores(db)
                    .source(watched.source(), monitor -> new DeclaringSink(watched, manifestDirectory, monitor, err))
                    .dataset(watched.dataset())
                    .policy(policySpec)
                    .clock(Clock.systemUTC())
                    .backoff(notify.backoff())
                    .deadLetters(new FileDeadLetters(deadLetterFile))
                    .maxIdle(Duration.ofMillis(200))
                    .blindTimeout(blindTimeout);
            if (resumeOnly) {
                qb.resumeOnly();
            }
            notifiers.forEach(qb::notifier);
            Watch watch;
            try {
                watch = qb.start(observationId);
            } catch (MissingNotifierException e) {
                String options = e.notifiers().stream().map(WatchCommand::optionFor).collect(Collectors.joining(" and "));
                throw new InvalidConfigurationException("run " + e.runId() + " has events to deliver to " + options
                        + ", which this command line does not give: add " + options
                        + " (the same receiver as before) to deliver them", e);
            }
            try (watch) {
                announce(watch, policySpec, err);
                BlindReport blindReport = new BlindReport(json ? System.out : null, err);
                watch.onSight(sight -> blindReport.update(watch.id(), watch.dataset().id(), sight));
                // the first pass ran before the listener was there: what it found is reported now
                blindReport.update(watch.id(), watch.dataset().id(), watch.blindness());
                if (verbose) {
                    watch.onCheck((o, t) -> {
                        synchronized (progress) {
                            progress.clear();
                            err.println(CheckLine.format(o, t, declarations(watch, o), Clock.systemUTC().instant()));
                            err.flush();
                        }
                    });
                    watch.onEvent(e -> {
                        synchronized (progress) {
                            progress.clear();
                            err.println("quiesce: " + e.type() + " | " + Durations.humanize(e.reason()));
                            err.flush();
                        }
                    });
                }
                Outcome outcome = awaitEnd(watch, progress);
                interruption.disarm();
                synchronized (progress) {
                    if (quiet) {
                        progress.clear();
                    } else if (progress.enabled()) {
                        progress.finish(outcome.run(), outcome.tally());
                    } else {
                        err.println(SummaryLine.format(outcome.run(), outcome.tally()));
                        err.flush();
                    }
                }
                certificate.writeIfComplete(db, watch.id(), watched, includes, excludes, manifestDirectory, err);
                if (!outcome.delivered()) {
                    for (OutboxEntry e : outcome.undelivered()) {
                        err.println("quiesce: could not deliver " + e.event().id() + " to " + e.notifier() + " after "
                                + e.attempts() + " attempts: " + e.lastError() + "; the event is in "
                                + deadLetterFile.toAbsolutePath() + " (quiesce notify --replay FILE redelivers it)");
                    }
                    return ExitCodes.DOWNSTREAM_UNREACHABLE;
                }
                return ExitCodes.of(outcome.state());
            }
        } finally {
            interruption.disarm();
            if (keepState && !quiet) {
                err.println("quiesce: the state is kept in " + stateFile.path() + " (resume or rerun with --state "
                        + stateFile.path() + ")");
                err.flush();
            }
            stateFile.removeIfTemporary();
        }
    }

    /** Says on stderr which run this is, when that is news: a new run of a recurring id, or a resumed one. */
    private void announce(Watch watch, PolicySpec asked, PrintWriter err) {
        if (quiet) {
            return;
        }
        if (watch.previous().isPresent()) {
            Observation before = watch.previous().get();
            err.println("quiesce: " + before.id() + " ended " + before.state().name().toLowerCase(java.util.Locale.ROOT)
                    + "; this is run " + watch.number() + ": " + watch.id() + " (--resume-only reports the last run instead)");
        } else if (watch.resumed()) {
            Observation o = watch.observation();
            err.println("quiesce: resuming " + watch.id() + " (" + o.state().name().toLowerCase(java.util.Locale.ROOT)
                    + (o.spec().equals(asked) ? "" : ", with the policy it started with: " + o.spec().text()) + ")");
        }
        err.flush();
    }

    /**
     * Waits for the run's completion future. On a terminal the live line is redrawn meanwhile (its countdown
     * moves with time, its counts with the tally); elsewhere nothing is read until the end.
     */
    private static Outcome awaitEnd(Watch watch, ProgressLine progress) throws InterruptedException, ExecutionException {
        if (!progress.enabled()) {
            return watch.completion().get();
        }
        while (true) {
            try {
                return watch.completion().get(250, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                Observation o = watch.observation();
                synchronized (progress) {
                    progress.show(o, watch.tally(), watch.blindness(), declarations(watch, o));
                }
            }
        }
    }

    /** What the run's producers declared, when its policy reads declarations. */
    private static Expectations declarations(Watch watch, Observation o) {
        return o.spec().policy().needsExpectations() ? watch.expectations() : Expectations.NONE;
    }

    /** The option that configures a notifier of this name, for messages that ask for it. */
    static String optionFor(String notifier) {
        switch (notifier) {
            case "webhook": return "--notify-webhook URL";
            case "command": return "--notify-command CMD";
            case "stdout": return "--json";
            default: return "the notifier '" + notifier + "'";
        }
    }

    /** Options that set one policy's parameters: shortcuts for a spec given by name. */
    private static final List<String> POLICY_SHORTCUTS = List.of("--window", "--delay", "--delay-strategy",
            "--backoff-factor", "--backoff-max", "--inactivity", "--phi-threshold", "--gap-model", "--expect-producers",
            "--expect-unit");

    PolicySpec policySpec() {
        PolicyName named = policyName();
        if (policy != null && named == null) {
            return wholeSpec();
        }
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        List<String> stableOnly = List.of("--window", "--delay", "--delay-strategy", "--backoff-factor", "--backoff-max");
        Policy p;
        PolicyName chosen = named != null ? named
                : expectProducers != null || expectUnit != null ? PolicyName.expected
                : inactivity != null ? PolicyName.inactivity
                : phiThreshold != null || gapModel != null ? PolicyName.adaptive
                : PolicyName.stable;
        if (chosen != PolicyName.expected && (expectProducers != null || expectUnit != null)) {
            throw new InvalidConfigurationException("--expect-producers and --expect-unit apply to --policy expected only");
        }
        if (chosen != PolicyName.adaptive && (phiThreshold != null || gapModel != null)) {
            throw new InvalidConfigurationException(
                    "--phi-threshold and --gap-model apply to --policy adaptive only");
        }
        if (chosen != PolicyName.inactivity && inactivity != null) {
            throw new InvalidConfigurationException("--inactivity applies to --policy inactivity only");
        }
        if (chosen != PolicyName.stable) {
            for (String o : stableOnly) {
                if (parsed.hasMatchedOption(o)) {
                    throw new InvalidConfigurationException(o + " applies to --policy stable only"
                            + (chosen == PolicyName.inactivity ? "; with --policy inactivity set the quiet period with"
                                    + " --inactivity" : ""));
                }
            }
        }
        if (chosen == PolicyName.adaptive) {
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
            p = InactivityPeriod.of(inactivity != null ? inactivity : Duration.ofMinutes(5));
        } else {
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
        return new PolicySpec(p, guards(Guards.NONE));
    }

    /** {@code --policy} as a name alone, or null when it is a whole spec (or absent). */
    private PolicyName policyName() {
        if (policy == null) {
            return null;
        }
        try {
            return PolicyName.valueOf(policy.trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** {@code --policy} as a whole spec; the guard options may add to it or override its guards. */
    private PolicySpec wholeSpec() {
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        for (String o : POLICY_SHORTCUTS) {
            if (parsed.hasMatchedOption(o)) {
                throw new InvalidConfigurationException(o + " does not combine with a whole --policy spec ('" + policy
                        + "'): write the setting into the spec, or give --policy the name alone");
            }
        }
        PolicySpec parsedSpec = PolicySpec.parse(policy);
        return new PolicySpec(parsedSpec.policy(), guards(parsedSpec.guards()));
    }

    /** {@code g} with the guard options given on the command line applied over it. */
    private Guards guards(Guards g) {
        Guards out = g;
        if (minObjects != null) {
            out = out.withMinObjects(minObjects);
        }
        if (deadline != null) {
            out = out.withDeadline(deadline);
        }
        if (firstArrivalTimeout != null) {
            out = out.withFirstArrivalTimeout(firstArrivalTimeout);
        }
        if (lateness != null) {
            if (lateness.isZero() || lateness.isNegative()) {
                throw new InvalidConfigurationException("--lateness must be > 0, was " + lateness);
            }
            out = out.withLateness(lateness);
        }
        return guardOptions.applyTo(out);
    }

    private List<Notifier> notifiers() {
        List<Notifier> list = new ArrayList<>();
        if (json) {
            list.add(new JsonLinesNotifier(new PrintStream(System.out, true)));
        }
        list.addAll(notify.notifiers());
        return list;
    }
}
