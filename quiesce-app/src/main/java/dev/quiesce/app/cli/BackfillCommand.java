package dev.quiesce.app.cli;

import dev.quiesce.Arrival;
import dev.quiesce.Dataset;
import dev.quiesce.InvalidConfigurationException;
import dev.quiesce.KeyFilter;
import dev.quiesce.Observation;
import dev.quiesce.Quiesce;
import dev.quiesce.engine.Engine;
import dev.quiesce.engine.Monitor;
import dev.quiesce.jdbc.SqliteDatabase;
import dev.quiesce.manifest.Manifest;
import dev.quiesce.s3.S3Location;
import dev.quiesce.s3.S3PrefixPages;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code quiesce backfill s3://BUCKET/PREFIX --state FILE}: lists a prefix and records every object into
 * the tally of the watch that uses that state file, for objects whose events were lost or that were there
 * before anything watched. Idempotent: objects the tally already holds are left alone, so running it again,
 * or while the watch counts, counts each object once.
 */
@Command(name = "backfill",
        description = {
            "List an S3 prefix and record every object into a watch's tally, once: for events lost, or data that"
                    + " was there before the watch. Objects the tally already holds are left alone.",
            "Example: quiesce backfill s3://landing/events/2024/05/01/ --state s.db"},
        mixinStandardHelpOptions = true,
        sortOptions = false,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every page listed and recorded",
            "64:bad usage: not an s3:// location, no such bucket, listing denied, no credentials",
            "70:internal error (a state file that cannot be opened)",
            "75:the S3 endpoint cannot be reached; rerun later (what was recorded stays, once)"})
public final class BackfillCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "s3://BUCKET/PREFIX", description = "The S3 prefix to list.")
    private String location;

    @Option(names = "--state", paramLabel = "FILE", required = true,
            description = "The SQLite state file of the 'quiesce watch' whose tally the objects go into (created if"
                    + " missing, so a watch started on it later begins with them).")
    private Path state;

    @Option(names = "--id", paramLabel = "NAME",
            description = "The watch's observation id. Default: watch:s3://BUCKET/PREFIX, as watch names it.")
    private String id;

    @Option(names = "--include", paramLabel = "GLOB", description = "Record only keys matching (repeatable), as watch.")
    private List<String> includes = new ArrayList<>();

    @Option(names = "--exclude", paramLabel = "GLOB", description = "Also ignore keys matching (repeatable), as watch.")
    private List<String> excludes = new ArrayList<>();

    @Option(names = "--manifests", paramLabel = "DIR", defaultValue = Manifest.DEFAULT_DIRECTORY,
            description = "Producer manifests and _SUCCESS markers are declarations, not data: not recorded, as"
                    + " watch. Default: ${DEFAULT-VALUE}.")
    private String manifestDirectory;

    @Option(names = "--page-size", paramLabel = "N", defaultValue = "1000",
            description = "Keys per ListObjectsV2 request (1-1000). Default: ${DEFAULT-VALUE}.")
    private int pageSize;

    @CommandLine.Mixin
    private S3Options s3 = new S3Options();

    @Option(names = "--quiet", description = "No progress on stderr; the summary only.")
    private boolean quiet;

    @Override
    public Integer call() {
        if (!location.regionMatches(true, 0, "s3://", 0, 5)) {
            throw new InvalidConfigurationException("backfill lists S3 prefixes: give s3://BUCKET/PREFIX, not '"
                    + location + "' (a directory watch rescans its tree itself)");
        }
        S3Location where = S3Location.parse(location);
        if (pageSize < 1 || pageSize > 1000) {
            throw new InvalidConfigurationException("--page-size must be 1 to 1000, was " + pageSize);
        }
        KeyFilter filter = KeyFilter.of(includes, excludes);
        PrintWriter err = spec.commandLine().getErr();
        String dir = where.prefix().substring(0, where.prefix().lastIndexOf('/') + 1);
        try (S3Client client = WatchedLocation.s3Client(s3.endpoint, s3.region);
             SqliteDatabase db = SqliteDatabase.open(state)) {
            Dataset dataset = dataset(db, where);
            S3PrefixPages pages = new S3PrefixPages(client, where, filter, pageSize);
            Counts total = new Counts();
            try (Engine engine = Engine.builder().tallies(db.tallyStore()).store(db.observationStore())
                    .expectations(db.expectationStore()).dataset(dataset).clock(Clock.systemUTC())
                    .drivenExternally().build()) {
                String continuation = null;
                do {
                    S3PrefixPages.Page page = pages.page(continuation, Clock.systemUTC().instant());
                    List<Arrival> data = new ArrayList<>(page.arrivals().size());
                    for (Arrival a : page.arrivals()) {
                        String relative = a.key().substring(Math.min(dir.length(), a.key().length()));
                        if (Manifest.isManifest(relative, manifestDirectory)) {
                            total.skipped++;
                        } else {
                            data.add(a);
                        }
                    }
                    Monitor.Backfilled done = engine.monitor().backfill(data);
                    total.add(page, done, data.size());
                    if (!quiet) {
                        err.println("quiesce: backfill page " + total.pages + ": " + total.line());
                        err.flush();
                    }
                    continuation = page.continuation();
                } while (continuation != null);
            }
            spec.commandLine().getOut().println("backfilled " + where + " into " + dataset.id() + ": " + total.line());
            return ExitCodes.COMPLETE;
        }
    }

    /**
     * The dataset the watch counts into: its latest run's (a recurring watch's later runs count datasets of
     * their own), else the one its first run will use.
     */
    private Dataset dataset(SqliteDatabase db, S3Location where) {
        String runId = id != null ? id : "watch:" + where;
        Optional<Observation> latest = Quiesce.latestRun(db.observationStore(), runId);
        String datasetId = latest.map(Observation::datasetId).orElse(where.toString());
        return Dataset.of(datasetId, where.bucket(), where.prefix());
    }

    /** The running totals of a backfill. */
    private static final class Counts {
        int pages;
        long listed;
        long recorded;
        long alreadyCounted;
        long skipped;

        void add(S3PrefixPages.Page page, Monitor.Backfilled done, int data) {
            pages++;
            listed += data;
            skipped += page.skipped();
            recorded += done.recorded();
            alreadyCounted += done.alreadyCounted();
        }

        String line() {
            return String.format(java.util.Locale.ROOT, "%,d listed, %,d recorded, %,d already counted, %,d skipped"
                    + " (not data)", listed, recorded, alreadyCounted, skipped);
        }
    }
}
