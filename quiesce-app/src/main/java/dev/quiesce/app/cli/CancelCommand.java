package dev.quiesce.app.cli;

import dev.quiesce.InvalidConfigurationException;
import dev.quiesce.Observation;
import dev.quiesce.engine.Engine;
import dev.quiesce.jdbc.SqliteDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import dev.quiesce.Quiesce;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code quiesce cancel}: ends an open observation in a state file from another process. The
 * {@code watch} running on that file delivers the CANCELLED event to its notifiers and exits 5.
 */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "Cancel the observation a 'quiesce watch --state FILE' is running.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:cancelled", "1:it had already ended", "64:no such state file or observation"})
public final class CancelCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", arity = "0..1",
            description = "The watched directory (names the observation watch:<absolute DIR>).")
    private Path dir;

    @Option(names = "--state", paramLabel = "FILE", required = true, description = "The watch's state file.")
    private Path state;

    @Option(names = "--id", paramLabel = "NAME", description = "Observation id, instead of DIR.")
    private String id;

    @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "cancelled by quiesce cancel",
            description = "Recorded with the cancellation. Default: ${DEFAULT-VALUE}.")
    private String reason;

    @Override
    public Integer call() {
        if ((dir == null) == (id == null)) {
            throw new InvalidConfigurationException("give either DIR or --id NAME to say which observation to cancel");
        }
        if (!Files.isRegularFile(state)) {
            throw new InvalidConfigurationException("state file " + state + " does not exist");
        }
        String base = id != null ? id : "watch:" + dir.toAbsolutePath().normalize();
        try (SqliteDatabase db = SqliteDatabase.open(state);
             Engine engine = Engine.builder().tallies(db.tallyStore()).store(db.observationStore())
                     .drivenExternally().build()) {
            // a recurring watch's runs are base, base#2, ...: the one to cancel is the latest
            Optional<Observation> found = Quiesce.latestRun(db.observationStore(), base);
            if (found.isEmpty()) {
                throw new InvalidConfigurationException("no observation '" + base + "' in " + state);
            }
            String observationId = found.get().id();
            if (engine.observer().cancel(observationId, reason)) {
                spec.commandLine().getOut().println("cancelled " + observationId);
                return 0;
            }
            Observation o = db.observationStore().find(observationId).orElseThrow();
            spec.commandLine().getErr().println("quiesce: " + observationId + " had already ended: " + o.state()
                    + " (" + o.reason() + ")");
            return 1;
        }
    }
}
