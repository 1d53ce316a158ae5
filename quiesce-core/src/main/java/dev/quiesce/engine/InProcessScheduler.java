package dev.quiesce.engine;

import dev.quiesce.port.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs due work on one background thread, woken at the next due time the store reports.
 *
 * <p>The due times live in the store, not in this object, so after a crash or restart the first pass
 * runs every overdue check at once and nothing is lost. It also wakes at least every
 * {@code maxIdle}, so work scheduled by another process sharing the store is picked up.
 */
public final class InProcessScheduler implements Scheduler, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InProcessScheduler.class);

    private final Clock clock;
    private final Duration maxIdle;
    private final Object lock = new Object();
    private boolean signalled;
    private volatile boolean running;
    private Thread thread;

    public InProcessScheduler(Clock clock, Duration maxIdle) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxIdle = Objects.requireNonNull(maxIdle, "maxIdle");
    }

    /**
     * Starts the loop.
     *
     * @param work runs every due check and delivery
     * @param nextDue the earliest time more work is due, if any
     */
    public synchronized void start(Runnable work, Supplier<Optional<Instant>> nextDue) {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        running = true;
        thread = new Thread(() -> loop(work, nextDue), "quiesce-scheduler");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void schedule(String observationId, long version, Instant dueAt) {
        wake();
    }

    @Override
    public void outboxReady() {
        wake();
    }

    /** Makes the loop look at the store again now. */
    public void wake() {
        synchronized (lock) {
            signalled = true;
            lock.notifyAll();
        }
    }

    private void loop(Runnable work, Supplier<Optional<Instant>> nextDue) {
        while (running) {
            Duration wait = maxIdle;
            try {
                work.run();
                Instant now = clock.instant();
                Optional<Instant> next = nextDue.get();
                if (next.isPresent()) {
                    Duration until = Duration.between(now, next.get());
                    wait = until.compareTo(maxIdle) < 0 ? until : maxIdle;
                }
            } catch (RuntimeException e) {
                LOG.warn("scheduler.pass_failed action=\"retrying in {} ms\"", maxIdle.toMillis(), e);
            }
            await(wait);
        }
    }

    private void await(Duration wait) {
        long ms = Math.max(0, wait.toMillis());
        synchronized (lock) {
            if (!signalled && running && ms > 0) {
                try {
                    lock.wait(ms);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
            signalled = false;
        }
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
        }
        wake();
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
