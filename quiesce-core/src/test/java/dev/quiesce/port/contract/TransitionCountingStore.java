package dev.quiesce.port.contract;

import dev.quiesce.Observation;
import dev.quiesce.port.ObservationStore;
import dev.quiesce.port.Outbox;
import dev.quiesce.port.OutboxEntry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Passes every call to a store and counts, per observation, the compare-and-sets that won a move into a
 * final state. The outbox alone cannot show a double completion: both writers would insert the same
 * entry key. Thread-safe; several instances may share one count map.
 */
public final class TransitionCountingStore implements ObservationStore, Outbox {

    private final ObservationStore store;
    private final Outbox outbox;
    private final Map<String, AtomicInteger> finishes;

    public <S extends ObservationStore & Outbox> TransitionCountingStore(S store, Map<String, AtomicInteger> finishes) {
        this.store = store;
        this.outbox = store;
        this.finishes = finishes;
    }

    public static Map<String, AtomicInteger> newCounts() {
        return new ConcurrentHashMap<>();
    }

    @Override
    public boolean compareAndSet(Observation next, List<OutboxEntry> outbox) {
        boolean won = store.compareAndSet(next, outbox);
        if (won && !next.state().open()) {
            finishes.computeIfAbsent(next.id(), k -> new AtomicInteger()).incrementAndGet();
        }
        return won;
    }

    @Override
    public boolean create(Observation observation) {
        return store.create(observation);
    }

    @Override
    public Optional<Observation> find(String id) {
        return store.find(id);
    }

    @Override
    public List<Observation> due(Instant now, int limit) {
        return store.due(now, limit);
    }

    @Override
    public Optional<Instant> nextDueAt() {
        return store.nextDueAt();
    }

    @Override
    public List<Observation> openFor(String datasetId) {
        return store.openFor(datasetId);
    }

    @Override
    public List<Observation> list(int limit) {
        return store.list(limit);
    }

    @Override
    public List<OutboxEntry> claim(Instant now, Instant leaseUntil, int limit) {
        return outbox.claim(now, leaseUntil, limit);
    }

    @Override
    public void delivered(String key) {
        outbox.delivered(key);
    }

    @Override
    public void retryLater(String key, int attempts, Instant retryAt, String error) {
        outbox.retryLater(key, attempts, retryAt, error);
    }

    @Override
    public void dead(String key, int attempts, String error) {
        outbox.dead(key, attempts, error);
    }

    @Override
    public List<OutboxEntry> entriesOf(String observationId) {
        return outbox.entriesOf(observationId);
    }

    @Override
    public Optional<Instant> nextAttemptAt() {
        return outbox.nextAttemptAt();
    }
}
