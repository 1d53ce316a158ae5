package dev.quiesce.app.cli;

import dev.quiesce.InvalidConfigurationException;
import dev.quiesce.Sent;
import dev.quiesce.engine.Engine;
import dev.quiesce.jdbc.SqliteDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import dev.quiesce.Observation;
import dev.quiesce.Expectations;
import dev.quiesce.Quiesce;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code quiesce expect open|close}: a producer declares, from a script, that it started or what it
 * sent, into the state file of the {@code watch --policy expected} that waits for it. The running watch
 * checks at once. Idempotent: repeating a declaration changes nothing (the first close wins).
 */
@Command(name = "expect", mixinStandardHelpOptions = true,
        description = {"Declare a producer open, or closed with what it sent, for a 'quiesce watch --state FILE'.",
            "Example: quiesce expect close /data/landing --state s.db --producer p1 --objects 12 --bytes 48213"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:declared (or already declared)", "1:the watch's run has already ended: the declaration would"
            + " count for nothing", "64:bad usage"})
public final class ExpectCommand implements Callable<Integer> {

    /** What the producer declares. */
    enum Action { open, close }

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "open|close", description = "open: the producer started; close: it finished.")
    private Action action;

    @Parameters(index = "1", paramLabel = "DIR|s3://BUCKET/PREFIX", description = "What the watch watches.")
    private String location;

    @Option(names = "--state", paramLabel = "FILE", required = true, description = "The watch's state file.")
    private Path state;

    @Option(names = "--id", paramLabel = "NAME",
            description = "The watch's observation id, if it was given one. Default: watch:<DIR or s3://...>.")
    private String id;

    @Option(names = "--producer", paramLabel = "ID", required = true, description = "Who declares.")
    private String producer;

    @Option(names = "--records", paramLabel = "N", description = "close: records sent.")
    private Long records;

    @Option(names = "--bytes", paramLabel = "N", description = "close: bytes sent.")
    private Long bytes;

    @Option(names = "--objects", paramLabel = "N", description = "close: objects written.")
    private Long objects;

    @Override
    public Integer call() {
        if (producer.isBlank()) {
            throw new InvalidConfigurationException("--producer must not be blank");
        }
        if (action == Action.open && (records != null || bytes != null || objects != null)) {
            throw new InvalidConfigurationException("--records, --bytes and --objects go with 'close', not 'open'");
        }
        if (!Files.isRegularFile(state)) {
            throw new InvalidConfigurationException("state file " + state + " does not exist; start"
                    + " 'quiesce watch " + location + " --state " + state + "' first");
        }
        WatchedLocation where = WatchedLocation.open(location, List.of(), List.of(), null, null, null);
        where.source().close();
        try (SqliteDatabase db = SqliteDatabase.open(state);
             Engine engine = Engine.builder().tallies(db.tallyStore()).store(db.observationStore())
                     .expectations(db.expectationStore()).drivenExternally().build()) {
            // a recurring watch's later runs count datasets of their own: declare into the latest run's
            String runId = id != null ? id : "watch:" + where.name();
            Optional<Observation> latest = Quiesce.latestRun(db.observationStore(), runId);
            if (latest.isPresent() && !latest.get().state().open()
                    && !alreadyDeclared(db.expectationStore().of(latest.get().datasetId()))) {
                Observation o = latest.get();
                spec.commandLine().getErr().println("quiesce: " + o.id() + " has already ended ("
                        + o.state().name().toLowerCase(java.util.Locale.ROOT) + "): this declaration would count for"
                        + " nothing. Start the next 'quiesce watch " + location + " --state " + state
                        + "' first, then declare.");
                return 1;
            }
            String datasetId = latest.map(Observation::datasetId).orElse(where.dataset().id());
            if (action == Action.open) {
                engine.monitor().opened(datasetId, producer);
            } else {
                engine.monitor().closed(datasetId, producer, new Sent(orUnknown(records), orUnknown(bytes),
                        orUnknown(objects)));
            }
        }
        spec.commandLine().getOut().println(action + " " + producer + " for " + where.name());
        return 0;
    }

    /** Whether this exact declaration was made before: repeating it is idempotent, whatever became of the run. */
    private boolean alreadyDeclared(Expectations declared) {
        Sent sent = new Sent(orUnknown(records), orUnknown(bytes), orUnknown(objects));
        return declared.producers().stream().filter(e -> e.producerId().equals(producer))
                .anyMatch(e -> action == Action.open || (e.closed() && e.sent().equals(sent)));
    }

    private static long orUnknown(Long n) {
        if (n != null && n < 0) {
            throw new InvalidConfigurationException("counts must be >= 0, was " + n);
        }
        return n == null ? Sent.UNKNOWN : n;
    }
}
