package dev.quiesce.notify;

import static java.util.Objects.requireNonNull;

import dev.quiesce.DeliveryFailedException;
import dev.quiesce.LifecycleEvent;
import dev.quiesce.port.Notifier;
import java.io.PrintStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every lifecycle event as one compact JSON object per line, for shells and pipelines
 * ({@code quiesce watch ... | jq}).
 *
 * <p>The notifier is named {@code "stdout"} and, unlike the default, accepts every event, the
 * {@code ACTIVATED} one included, so a pipeline can follow an observation from start to end. A line
 * holds the fields of {@link LifecycleEvent#fields()} in their order, counters as JSON numbers:
 * <pre>{@code
 * {"id":"obs-1/2","type":"COMPLETED","observation":"obs-1","dataset":"events","transition":2,...,"objects":3,"bytes":30,...}
 * }</pre>
 *
 * <p>Each line is flushed at once. Because {@link PrintStream} hides I/O errors, the notifier checks
 * the stream after each line and throws {@link DeliveryFailedException} once it has failed (a closed
 * pipe, a full disk), so the outbox retries rather than losing the event.
 *
 * <p>Thread-safe: lines from concurrent deliveries never interleave.
 */
public final class JsonLinesNotifier implements Notifier {

    private static final Logger LOG = LoggerFactory.getLogger(JsonLinesNotifier.class);

    private final PrintStream out;

    /**
     * @param out where lines go, usually {@code System.out}; the notifier flushes but never closes it
     */
    public JsonLinesNotifier(PrintStream out) {
        this.out = requireNonNull(out, "out");
    }

    /** Returns {@code "stdout"}. */
    @Override
    public String name() {
        return "stdout";
    }

    /** Accepts every event, not only terminal ones. */
    @Override
    public boolean accepts(LifecycleEvent event) {
        return true;
    }

    /**
     * Writes the event as one JSON line and flushes.
     *
     * @throws DeliveryFailedException if the stream reports an error
     */
    @Override
    public void deliver(LifecycleEvent event) {
        String line = EventJson.compact(EventJson.of(event));
        boolean failed;
        synchronized (this) {
            out.println(line);
            failed = out.checkError(); // flushes, then reports any error the stream has swallowed
        }
        if (failed) {
            throw new DeliveryFailedException("could not write event " + event.id() + " to the output stream");
        }
        LOG.debug("notify.stdout.written event={} chars={}", event.id(), line.length());
    }
}
