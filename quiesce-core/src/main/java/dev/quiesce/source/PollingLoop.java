package dev.quiesce.source;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.function.Supplier;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background half of a listing source: one daemon thread that runs a pass every interval (a delay
 * between the end of one and the start of the next, fixed or {@linkplain #PollingLoop(String, Supplier, Runnable)
 * asked for after each pass}, as a {@link RescanPacing} does), an extra pass soon when asked, and a close that
 * waits a few seconds for a pass in progress. A pass that throws is logged and the next one runs as planned.
 * Thread-safe.
 */
public final class PollingLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PollingLoop.class);

    private final String name;
    private final Supplier<Duration> interval;
    private final Runnable pass;
    private final Object lock = new Object();
    private ScheduledExecutorService executor;
    private volatile Thread thread;
    private boolean closed;

    /**
     * @param name the thread's name, and how the log names the loop
     * @param interval time between the end of a pass and the start of the next
     * @param pass one pass; it should not throw, but a throw is logged rather than ending the loop
     */
    public PollingLoop(String name, Duration interval, Runnable pass) {
        this(name, constant(requireNonNull(interval, "interval")), pass);
    }

    /**
     * @param name the thread's name, and how the log names the loop
     * @param interval asked at start and after each pass: the delay until the next pass
     * @param pass one pass; it should not throw, but a throw is logged rather than ending the loop
     */
    public PollingLoop(String name, Supplier<Duration> interval, Runnable pass) {
        this.name = requireNonNull(name, "name");
        this.interval = requireNonNull(interval, "interval");
        this.pass = requireNonNull(pass, "pass");
    }

    private static Supplier<Duration> constant(Duration d) {
        return () -> d;
    }

    /** Starts passing every interval, the first one interval from now; does nothing once closed. */
    public void start() {
        synchronized (lock) {
            if (closed || executor != null) {
                return;
            }
            executor = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                thread = t;
                return t;
            });
            scheduleNext();
        }
    }

    /** Schedules the next regular pass; with the lock held or from the loop's thread. */
    private void scheduleNext() {
        synchronized (lock) {
            if (closed || executor == null) {
                return;
            }
            try {
                executor.schedule(this::runPass, Math.max(1, interval.get().toMillis()), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // closing
            }
        }
    }

    /** Runs one extra pass after {@code delay}, on the loop's thread; ignored before start or after close. */
    public void soon(Duration delay, Runnable extra) {
        synchronized (lock) {
            if (closed || executor == null) {
                return;
            }
            try {
                executor.schedule(() -> {
                    try {
                        extra.run();
                    } catch (RuntimeException e) {
                        LOG.warn("source.pass_failed loop={} next=the next pass", name, e);
                    }
                }, Math.max(1, delay.toMillis()), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // closing
            }
        }
    }

    /** Whether the caller is the loop's own thread (a close from inside a pass must not wait for itself). */
    private boolean onLoopThread() {
        return Thread.currentThread() == thread;
    }

    private void runPass() {
        try {
            pass.run();
        } catch (RuntimeException e) {
            LOG.warn("source.pass_failed loop={} next=the next pass", name, e);
        } finally {
            scheduleNext();
        }
    }

    /**
     * Stops the loop, waiting up to {@code waitMillis} for a pass in progress; returns whether it stopped.
     * Idempotent.
     */
    public boolean close(long waitMillis) {
        ScheduledExecutorService e;
        synchronized (lock) {
            closed = true;
            e = executor;
        }
        if (e == null) {
            return true;
        }
        e.shutdownNow();
        if (onLoopThread()) {
            return true;
        }
        try {
            return e.awaitTermination(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        close(5_000);
    }
}
