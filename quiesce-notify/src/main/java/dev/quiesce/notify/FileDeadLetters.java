package dev.quiesce.notify;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quiesce.StoreException;
import dev.quiesce.port.DeadLetters;
import dev.quiesce.port.OutboxEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the events the outbox gave up on in a JSON-lines file, one line per dead entry, so a person
 * can read them ({@code jq}) and replay them.
 *
 * <p>A line holds {@code time} (when it was buried, from the clock), {@code id} (the event id),
 * {@code notifier}, {@code attempts} (as carried by the buried entry), {@code error} (the final error)
 * and {@code event} (all fields of {@link dev.quiesce.LifecycleEvent#fields()}, counters as numbers):
 * <pre>{@code
 * {"time":"2024-05-01T00:02:03Z","id":"obs-1/2","notifier":"webhook","attempts":2,"error":"webhook ... answered HTTP 500","event":{"id":"obs-1/2",...}}
 * }</pre>
 *
 * <p>Lines are appended and forced to disk; missing parent directories are created on first use. The
 * file is opened for each line, so it may be moved away (rotated) between lines.
 *
 * <p>Failure: if the line cannot be written, {@link #bury} throws {@link StoreException} with the
 * I/O cause and logs nothing. A dead letter is the last record of an undelivered event, so losing
 * it must not pass in silence; and as the file is a store, its failure is a store failure the caller
 * (the relay's loop) reports once, rather than being logged here and again there.
 *
 * <p>Thread-safe: lines from concurrent calls never interleave (calls are serialised, and each line is
 * one append).
 */
public final class FileDeadLetters implements DeadLetters {

    private static final Logger LOG = LoggerFactory.getLogger(FileDeadLetters.class);

    private final Path file;
    private final Clock clock;

    /**
     * Dead letters stamped with the system clock (UTC).
     *
     * @param file the JSON-lines file; created with its parent directories when the first entry is buried
     */
    public FileDeadLetters(Path file) {
        this(file, Clock.systemUTC());
    }

    /**
     * @param file the JSON-lines file; created with its parent directories when the first entry is buried
     * @param clock stamps each line's {@code time}
     */
    public FileDeadLetters(Path file, Clock clock) {
        this.file = requireNonNull(file, "file").toAbsolutePath();
        this.clock = requireNonNull(clock, "clock");
    }

    /** The file lines are appended to. */
    public Path file() {
        return file;
    }

    /**
     * Appends one line for the entry.
     *
     * @throws StoreException if the directory or the file cannot be created or written
     */
    @Override
    public void bury(OutboxEntry entry, String error) {
        requireNonNull(entry, "entry");
        ObjectNode line = EventJson.MAPPER.createObjectNode();
        line.put("time", clock.instant().toString());
        line.put("id", entry.event().id());
        line.put("notifier", entry.notifier());
        line.put("attempts", entry.attempts());
        line.put("error", error);
        line.set("event", EventJson.of(entry.event()));
        byte[] bytes = (EventJson.compact(line) + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (this) {
            try {
                Path parent = file.getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND)) {
                    ByteBuffer buf = ByteBuffer.wrap(bytes);
                    while (buf.hasRemaining()) {
                        ch.write(buf);
                    }
                    ch.force(false);
                }
            } catch (IOException e) {
                throw new StoreException("could not write dead letter " + entry.key() + " to " + file
                        + ": " + e, e);
            }
        }
        LOG.info("notify.buried event={} notifier={} file={}", entry.event().id(), entry.notifier(), file);
    }

    @Override
    public String toString() {
        return "FileDeadLetters[" + file + "]";
    }
}
