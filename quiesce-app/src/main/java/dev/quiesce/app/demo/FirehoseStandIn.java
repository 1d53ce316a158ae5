package dev.quiesce.app.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A stand-in for Kinesis Data Firehose's S3 delivery: buffers records and writes them as one object
 * when the buffer reaches {@code maxRecords} or its oldest record has waited {@code interval}, the
 * way Firehose's size and interval buffering hints work. Objects are written to a {@code .tmp} name
 * and renamed, so a watcher never counts a half-written file.
 *
 * <p>This is what makes "all producers returned" different from "all data landed": records put
 * just before the producers return sit in the buffer for up to one interval. Thread-safe.
 */
public final class FirehoseStandIn implements AutoCloseable {

    /** One object written: its path, records, and when it landed. */
    public record Delivery(Path path, int records, Instant landedAt) {
    }

    private final Path target;
    private final int maxRecords;
    private final Duration interval;
    private final Clock clock;
    private final Consumer<Delivery> onDelivery;
    private final List<String> buffer = new ArrayList<>();
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "firehose-stand-in");
        t.setDaemon(true);
        return t;
    });
    private Instant oldest;
    private int objects;
    private long delivered;

    public FirehoseStandIn(Path target, int maxRecords, Duration interval, Clock clock, Consumer<Delivery> onDelivery) {
        this.target = target;
        this.maxRecords = maxRecords;
        this.interval = interval;
        this.clock = clock;
        this.onDelivery = onDelivery;
        flusher.scheduleAtFixedRate(this::flushIfStale, 50, 50, TimeUnit.MILLISECONDS);
    }

    /** Accepts one record, as {@code PutRecord} does: it returns before the record is stored. */
    public synchronized void put(String record) {
        if (buffer.isEmpty()) {
            oldest = clock.instant();
        }
        buffer.add(record);
        if (buffer.size() >= maxRecords) {
            flush();
        }
    }

    /** Records accepted but not yet written. */
    public synchronized int buffered() {
        return buffer.size();
    }

    /** Waits until every record accepted has been written. */
    public synchronized void awaitDrained() throws InterruptedException {
        while (!buffer.isEmpty()) {
            wait();
        }
    }

    /** Records written so far. */
    public synchronized long delivered() {
        return delivered;
    }

    private synchronized void flushIfStale() {
        if (!buffer.isEmpty() && !clock.instant().isBefore(oldest.plus(interval))) {
            flush();
        }
    }

    private void flush() {
        objects++;
        String name = String.format("firehose-%04d.jsonl", objects);
        Path tmp = target.resolve(name + ".tmp");
        Path done = target.resolve(name);
        try {
            Files.createDirectories(target);
            Files.write(tmp, (String.join("\n", buffer) + "\n").getBytes(StandardCharsets.UTF_8));
            Files.move(tmp, done, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + done, e);
        }
        int n = buffer.size();
        buffer.clear();
        delivered += n;
        notifyAll();
        onDelivery.accept(new Delivery(done, n, clock.instant()));
    }

    @Override
    public void close() {
        flusher.shutdownNow();
    }
}
