package dev.quiesce.app.cli;

import dev.quiesce.Arrival;
import dev.quiesce.MalformedEventException;
import dev.quiesce.manifest.Manifest;
import dev.quiesce.engine.Monitor;
import dev.quiesce.port.ArrivalSink;
import java.io.PrintWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a source's arrivals go in {@code watch}: data to the monitor, manifests (and the
 * {@code _SUCCESS} marker) to the producers' declarations instead, so they are never counted as data.
 * A manifest that cannot be read is reported on stderr, with what was wrong, and not declared.
 */
final class DeclaringSink implements ArrivalSink {

    private static final Logger LOG = LoggerFactory.getLogger(DeclaringSink.class);

    private final WatchedLocation where;
    private final String manifestDirectory;
    private final Monitor monitor;
    private final PrintWriter err;

    DeclaringSink(WatchedLocation where, String manifestDirectory, Monitor monitor, PrintWriter err) {
        this.where = where;
        this.manifestDirectory = manifestDirectory;
        this.monitor = monitor;
        this.err = err;
    }

    @Override
    public void blind(String reason) {
        monitor.blind(where.source().bucket(), reason);
    }

    @Override
    public void seeing() {
        monitor.seeing(where.source().bucket());
    }

    @Override
    public void accept(Arrival arrival) {
        String relative = where.relative(arrival);
        if (!Manifest.isManifest(relative, manifestDirectory)) {
            monitor.accept(arrival);
            return;
        }
        if (arrival.kind() != Arrival.Kind.CREATED) {
            return; // removing a manifest withdraws nothing: the first close wins
        }
        Manifest m;
        try {
            m = Manifest.read(relative, where.reader().apply(arrival));
        } catch (MalformedEventException e) {
            // the line on stderr is the report; the log repeats it only when asked for (--verbose)
            LOG.info("manifest.rejected key={} reason=\"{}\"", relative, e.getMessage());
            err.println("quiesce: ignoring " + e.getMessage());
            err.flush();
            return;
        }
        String dataset = where.dataset().id();
        if (m.closed()) {
            // manifests name keys relative to what is watched; the tally keeps them whole (an S3 prefix first)
            monitor.closed(dataset, m.producer(), m.sent(), m.attribution().under(where.prefix()));
        } else {
            monitor.opened(dataset, m.producer());
        }
    }
}
