package dev.quiesce.engine;

import dev.quiesce.Dataset;
import dev.quiesce.policy.PolicySpec;
import dev.quiesce.memory.InMemoryExpectationStore;
import dev.quiesce.port.DeadLetters;
import dev.quiesce.port.ExpectationStore;
import dev.quiesce.port.Notifier;
import dev.quiesce.port.ObservationStore;
import dev.quiesce.port.Outbox;
import dev.quiesce.port.Scheduler;
import dev.quiesce.port.TallyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One process's wiring of the engine: monitor, observer and outbox relay over a set of stores, driven
 * by an {@link InProcessScheduler} once {@link #start() started}. Tests on virtual time skip
 * {@code start()} and call {@link #runOnce()} after moving the clock.
 *
 * <pre>{@code
 * try (Engine engine = Engine.builder().tallies(t).store(s).clock(clock).notifier(n).build()) {
 *     engine.start();
 *     engine.observer().start("daily", "events", PolicySpec.defaults());
 *     engine.monitor().accept(arrival);
 * }
 * }</pre>
 */
public final class Engine implements AutoCloseable {

    private final ObservationStore observations;
    private final Outbox outbox;
    private final InProcessScheduler scheduler;
    private final Observer observer;
    private final Monitor monitor;
    private final OutboxRelay relay;
    private final Router router;
    private final List<String> notifierNames;
    private final TallyStore tallies;
    private final ExpectationStore expectations;
    private final Listeners listeners = new Listeners();
    private final Object passes = new Object();
    private long passCount;

    private Engine(Builder b) {
        this.observations = b.observations;
        this.outbox = b.outbox;
        this.scheduler = new InProcessScheduler(b.clock, b.maxIdle);
        Scheduler s = b.external != null ? b.external : b.drivenExternally ? Scheduler.none() : scheduler;
        this.observer = new Observer(b.observations, b.tallies, s, b.clock, b.notifiers, b.expectations);
        this.observer.blindTimeout(b.blindTimeout);
        this.router = new Router(b.datasets);
        this.monitor = new Monitor(b.tallies, router, observer, b.autoStart, b.expectations, b.clock);
        this.relay = new OutboxRelay(b.outbox, b.notifiers, b.backoff, b.deadLetters, b.clock, b.lease);
        this.observer.listeners(listeners);
        this.relay.listeners(listeners);
        b.listeners.forEach(listeners::add);
        this.notifierNames = b.notifiers.stream().map(Notifier::name).toList();
        this.tallies = b.tallies;
        this.expectations = b.expectations;
    }

    /** The names of this engine's notifiers, in the order they were added. */
    public List<String> notifierNames() {
        return notifierNames;
    }

    /** The observations (runs) this engine writes. */
    public ObservationStore observations() {
        return observations;
    }

    /** The outbox this engine delivers from. */
    public Outbox outbox() {
        return outbox;
    }

    /** The tallies this engine counts arrivals in. */
    public TallyStore tallies() {
        return tallies;
    }

    /** The producers' declarations this engine reads. */
    public ExpectationStore expectations() {
        return expectations;
    }

    /** Starts telling {@code listener} what the engine does (see {@link EngineListener}). */
    public void listen(EngineListener listener) {
        listeners.add(listener);
    }

    /** Stops telling {@code listener}. */
    public void unlisten(EngineListener listener) {
        listeners.remove(listener);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Observer observer() {
        return observer;
    }

    public Monitor monitor() {
        return monitor;
    }

    public Router router() {
        return router;
    }

    public OutboxRelay relay() {
        return relay;
    }

    /** Starts the background loop that runs due checks and deliveries. */
    public Engine start() {
        scheduler.start(this::runOnce, this::nextWorkAt);
        return this;
    }

    /** Runs every check and delivery due now (deliveries after checks, so a completion goes out in the same pass). */
    public void runOnce() {
        try {
            observer.runDue();
            relay.deliverDue();
        } finally {
            synchronized (passes) {
                passCount++;
                passes.notifyAll();
            }
        }
    }

    /** How many passes of checks and deliveries have ended: read it before looking at the store, then {@link #awaitPassAfter}. */
    public long passesEnded() {
        synchronized (passes) {
            return passCount;
        }
    }

    /**
     * Waits until more than {@code ended} passes have ended, or {@code timeout} passes, so a caller waiting
     * for a run to end looks again as soon as the engine may have changed it rather than on a polling interval.
     * Reading {@link #passesEnded()} before looking at the store means no pass between the two is missed.
     */
    public void awaitPassAfter(long ended, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (passes) {
            while (passCount <= ended) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(passes, left);
            }
        }
    }

    /** The earliest time a check or a delivery is due. */
    public Optional<Instant> nextWorkAt() {
        Optional<Instant> a = observations.nextDueAt();
        Optional<Instant> b = outbox.nextAttemptAt();
        if (a.isPresent() && b.isPresent()) {
            return Optional.of(a.get().isBefore(b.get()) ? a.get() : b.get());
        }
        return a.isPresent() ? a : b;
    }

    @Override
    public void close() {
        scheduler.close();
    }

    /** Builds an {@link Engine}; not thread-safe. */
    public static final class Builder {
        private TallyStore tallies;
        private ObservationStore observations;
        private Outbox outbox;
        private Clock clock = Clock.systemUTC();
        private final List<Notifier> notifiers = new ArrayList<>();
        private final List<Dataset> datasets = new ArrayList<>();
        private Backoff backoff = Backoff.DEFAULT;
        private DeadLetters deadLetters = DeadLetters.none();
        private Duration maxIdle = Duration.ofSeconds(1);
        private Duration lease = Duration.ofMinutes(1);
        private boolean drivenExternally;
        private PolicySpec autoStart;
        private Scheduler external;
        private ExpectationStore expectations = new InMemoryExpectationStore();
        private Duration blindTimeout = Observer.DEFAULT_BLIND_TIMEOUT;
        private final List<EngineListener> listeners = new ArrayList<>();

        private Builder() {
        }

        /** How long a source may stay blind before its runs end BLIND; default 10 min. */
        public Builder blindTimeout(Duration timeout) {
            this.blindTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** Hears what the engine does from the start (see {@link Engine#listen}). */
        public Builder listener(EngineListener listener) {
            this.listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Tallies, observations with their outbox, and expectations from one bundle. */
        public Builder stores(dev.quiesce.Stores stores) {
            Objects.requireNonNull(stores, "stores");
            this.tallies = stores.tallies();
            this.observations = stores.observations();
            this.outbox = stores.outbox();
            this.expectations = stores.expectations();
            return this;
        }

        public Builder tallies(TallyStore tallies) {
            this.tallies = Objects.requireNonNull(tallies, "tallies");
            return this;
        }

        /** The observation store and the outbox it fills, usually one object. */
        public <S extends ObservationStore & Outbox> Builder store(S store) {
            this.observations = Objects.requireNonNull(store, "store");
            this.outbox = store;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Builder notifier(Notifier notifier) {
            this.notifiers.add(Objects.requireNonNull(notifier, "notifier"));
            return this;
        }

        public Builder dataset(Dataset dataset) {
            this.datasets.add(Objects.requireNonNull(dataset, "dataset"));
            return this;
        }

        public Builder backoff(Backoff backoff) {
            this.backoff = Objects.requireNonNull(backoff, "backoff");
            return this;
        }

        public Builder deadLetters(DeadLetters deadLetters) {
            this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
            return this;
        }

        /** Longest the background loop sleeps without looking at the store; default 1 s. */
        public Builder maxIdle(Duration maxIdle) {
            this.maxIdle = Objects.requireNonNull(maxIdle, "maxIdle");
            return this;
        }

        /** How long a claimed outbox entry is withheld from other engines; default 1 min. */
        public Builder lease(Duration lease) {
            this.lease = Objects.requireNonNull(lease, "lease");
            return this;
        }

        /** Where producers' declarations are kept; default in memory. */
        public Builder expectations(ExpectationStore expectations) {
            this.expectations = Objects.requireNonNull(expectations, "expectations");
            return this;
        }

        /** Starts an observation with this policy at a dataset's first arrival (see {@link Monitor}). */
        public Builder autoStart(PolicySpec spec) {
            this.autoStart = Objects.requireNonNull(spec, "spec");
            return this;
        }

        /** Uses this scheduler instead of the in-process one (an SQS queue, say); {@link #start()} is then not needed. */
        public Builder scheduler(Scheduler scheduler) {
            this.external = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** For virtual-time tests: no background loop; the caller runs {@link Engine#runOnce()}. */
        public Builder drivenExternally() {
            this.drivenExternally = true;
            return this;
        }

        public Engine build() {
            Objects.requireNonNull(tallies, "tallies");
            Objects.requireNonNull(observations, "store");
            return new Engine(this);
        }
    }
}
