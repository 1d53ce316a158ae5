package dev.quiesce;

import dev.quiesce.engine.Engine;
import dev.quiesce.engine.EngineListener;
import dev.quiesce.engine.Monitor;
import dev.quiesce.policy.PolicySpec;
import dev.quiesce.port.ArrivalSink;
import dev.quiesce.port.ArrivalSource;
import dev.quiesce.port.OutboxEntry;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A run being watched, as {@link Quiesce.Builder#start(String)} returns it: its id, a future that completes
 * when it has ended and its notifications are settled, and typed listeners for what happens on the way.
 * Closing it stops the source and the engine (the run stays in the store, to be resumed); the stores stay
 * open.
 */
public final class Watch implements AutoCloseable {

    private final Quiesce.Runs.Choice choice;
    private final Dataset dataset;
    private final Stores stores;
    private final ArrivalSource source;
    private final Engine engine;
    private final CompletableFuture<Outcome> completion = new CompletableFuture<>();
    private final List<Consumer<LifecycleEvent>> onEvent = new CopyOnWriteArrayList<>();
    private final List<BiConsumer<Observation, Tally>> onCheck = new CopyOnWriteArrayList<>();
    private final List<Consumer<Optional<Blindness>>> onSight = new CopyOnWriteArrayList<>();
    private final List<Consumer<OutboxEntry>> onDeliveryFailed = new CopyOnWriteArrayList<>();
    private volatile boolean sourceStarted;
    private volatile boolean closed;

    Watch(Quiesce.Runs.Choice choice, Dataset dataset, Stores stores, ArrivalSource source, Engine.Builder engine) {
        this.choice = choice;
        this.dataset = dataset;
        this.stores = stores;
        this.source = source;
        this.engine = engine.listener(new Hearing()).build();
    }

    void begin(PolicySpec policy, Function<Monitor, ArrivalSink> sinkFor, java.time.Instant now) {
        if (choice.existing().isPresent()) {
            // whoever resumes a run is its next retry: deliveries held back by a backoff, or leased by a process
            // that died, are tried now rather than at a time this process cannot explain
            for (OutboxEntry e : stores.outbox().entriesOf(choice.id())) {
                if (e.status() == OutboxEntry.Status.PENDING && e.nextAttemptAt().isAfter(now)) {
                    stores.outbox().retryLater(e.key(), e.attempts(), now, e.lastError());
                }
            }
        }
        if (!choice.ended()) {
            // the first pass is counted before the run starts: a run whose data was all there activates on
            // the whole of it, and its first check can already count as quiet
            sourceStarted = true;
            source.start(sinkFor != null ? sinkFor.apply(engine.monitor()) : engine.monitor().sink(source.bucket()));
            engine.observer().start(choice.id(), dataset.id(), policy, engine.notifierNames());
        }
        engine.start();
        settle();
    }

    /** The run's id: the one asked for, or {@code id#n} for a later run of a recurring one. */
    public String id() {
        return choice.id();
    }

    /** The run's number among the runs of its id: 1 for the first. */
    public int number() {
        return choice.number();
    }

    /** Whether this continues a run found in the store (open, or ended with deliveries pending) rather than a new one. */
    public boolean resumed() {
        return choice.existing().isPresent();
    }

    /** The ended run this new one follows, when the id had one. */
    public Optional<Observation> previous() {
        return choice.previous();
    }

    /** The dataset the run counts. */
    public Dataset dataset() {
        return dataset;
    }

    /** The run as stored now. */
    public Observation observation() {
        return stores.observations().find(choice.id()).orElseThrow(() -> new ObservationNotFoundException(choice.id()));
    }

    /** What the run's dataset holds now. */
    public Tally tally() {
        return stores.tallies().tally(dataset.id());
    }

    /** Why the source cannot see all of its location, and since when; empty while it sees. */
    public Optional<Blindness> blindness() {
        return engine.observer().blindness(dataset.id());
    }

    /** What the dataset's producers have declared so far. */
    public Expectations expectations() {
        return stores.expectations().of(dataset.id());
    }

    /**
     * Completes when the run has ended and each of its events was delivered or dead-lettered; never
     * completes exceptionally on the run's account (a timeout is an {@link Outcome} too).
     */
    public CompletableFuture<Outcome> completion() {
        return completion;
    }

    /** Calls {@code listener} with each lifecycle event of this run as it is written. */
    public Watch onEvent(Consumer<LifecycleEvent> listener) {
        onEvent.add(listener);
        return this;
    }

    /** Calls {@code listener} with each event of this type. */
    public Watch on(EventType type, Consumer<LifecycleEvent> listener) {
        return onEvent(e -> {
            if (e.type() == type) {
                listener.accept(e);
            }
        });
    }

    /** Calls {@code listener} after each check of this run that did not end it. */
    public Watch onCheck(BiConsumer<Observation, Tally> listener) {
        onCheck.add(listener);
        return this;
    }

    /** Calls {@code listener} when the source goes blind (with why) or sees again (empty). */
    public Watch onSight(Consumer<Optional<Blindness>> listener) {
        onSight.add(listener);
        return this;
    }

    /** Calls {@code listener} each time a delivery of this run's events fails (retried or dead-lettered). */
    public Watch onDeliveryFailed(Consumer<OutboxEntry> listener) {
        onDeliveryFailed.add(listener);
        return this;
    }

    /** Cancels the run; the completion then carries CANCELLED. */
    public boolean cancel(String reason) {
        return engine.observer().cancel(choice.id(), reason);
    }

    /** The engine behind the watch, for what the front door does not offer. */
    public Engine engine() {
        return engine;
    }

    /** Stops the source, then the engine; idempotent. The run stays in the store as it is. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (sourceStarted) {
                source.close();
            }
        } finally {
            engine.close();
        }
    }

    /** Completes the future once the run has ended and none of its entries is pending. */
    private void settle() {
        if (completion.isDone()) {
            return;
        }
        Optional<Observation> o = stores.observations().find(choice.id());
        if (o.isEmpty() || o.get().state().open()) {
            return;
        }
        List<OutboxEntry> entries = stores.outbox().entriesOf(choice.id());
        if (entries.stream().anyMatch(e -> e.status() == OutboxEntry.Status.PENDING)) {
            return;
        }
        completion.complete(new Outcome(o.get(), tally(),
                entries.stream().filter(e -> e.status() == OutboxEntry.Status.DEAD).toList()));
    }

    /** The engine's news, narrowed to this run. */
    private final class Hearing implements EngineListener {
        @Override
        public void transitioned(Observation observation, LifecycleEvent event) {
            if (!observation.id().equals(choice.id())) {
                return;
            }
            onEvent.forEach(l -> l.accept(event));
            if (!observation.state().open()) {
                settle();
            }
        }

        @Override
        public void checked(Observation observation, Tally tally) {
            if (observation.id().equals(choice.id())) {
                onCheck.forEach(l -> l.accept(observation, tally));
            }
        }

        @Override
        public void blind(String datasetId, Blindness blindness) {
            if (datasetId.equals(dataset.id())) {
                onSight.forEach(l -> l.accept(Optional.of(blindness)));
            }
        }

        @Override
        public void seeing(String datasetId) {
            if (datasetId.equals(dataset.id())) {
                onSight.forEach(l -> l.accept(Optional.empty()));
            }
        }

        @Override
        public void delivered(OutboxEntry entry) {
            if (entry.event().observationId().equals(choice.id())) {
                settle();
            }
        }

        @Override
        public void retrying(OutboxEntry entry, int attempt, String error, java.time.Instant retryAt) {
            if (entry.event().observationId().equals(choice.id())) {
                onDeliveryFailed.forEach(l -> l.accept(entry));
            }
        }

        @Override
        public void deadLettered(OutboxEntry entry, int attempts, String error) {
            if (entry.event().observationId().equals(choice.id())) {
                onDeliveryFailed.forEach(l -> l.accept(entry));
                settle();
            }
        }
    }
}
