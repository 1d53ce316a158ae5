package dev.quiesce.sim;

import dev.quiesce.Observation;
import dev.quiesce.memory.InMemoryObservationStore;
import dev.quiesce.port.ObservationStore;
import dev.quiesce.port.Outbox;
import dev.quiesce.port.OutboxEntry;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An observation store and outbox that counts the calls made to the in-memory one it wraps, as a
 * database or DynamoDB would bill them: lookups ({@code find}, {@code openFor}, {@code due},
 * {@code list}, {@code entriesOf}, and a {@code claim} that found nothing) are reads; {@code create},
 * {@code compareAndSet}, a {@code claim} that leased entries, and delivery bookkeeping are writes.
 * {@code nextDueAt} and {@code nextAttemptAt}, which only tell the scheduler when to wake, are counted
 * apart as polls: a queue-backed scheduler does not make them. Not thread-safe: one per simulated run.
 */
final class CountingObservationStore implements ObservationStore, Outbox {

    private final InMemoryObservationStore delegate;
    long reads;
    long writes;
    long polls;

    CountingObservationStore(InMemoryObservationStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public boolean create(Observation observation) {
        writes++;
        return delegate.create(observation);
    }

    @Override
    public Optional<Observation> find(String id) {
        reads++;
        return delegate.find(id);
    }

    @Override
    public boolean compareAndSet(Observation next, List<OutboxEntry> outbox) {
        writes++;
        return delegate.compareAndSet(next, outbox);
    }

    @Override
    public List<Observation> due(Instant now, int limit) {
        reads++;
        return delegate.due(now, limit);
    }

    @Override
    public Optional<Instant> nextDueAt() {
        polls++;
        return delegate.nextDueAt();
    }

    @Override
    public List<Observation> openFor(String datasetId) {
        reads++;
        return delegate.openFor(datasetId);
    }

    @Override
    public List<Observation> list(int limit) {
        reads++;
        return delegate.list(limit);
    }

    @Override
    public List<OutboxEntry> claim(Instant now, Instant leaseUntil, int limit) {
        List<OutboxEntry> claimed = delegate.claim(now, leaseUntil, limit);
        if (claimed.isEmpty()) {
            reads++;
        } else {
            writes++;
        }
        return claimed;
    }

    @Override
    public void delivered(String key) {
        writes++;
        delegate.delivered(key);
    }

    @Override
    public void delivered(OutboxEntry claimed) {
        writes++;
        delegate.delivered(claimed);
    }

    @Override
    public void retryLater(String key, int attempts, Instant retryAt, String error) {
        writes++;
        delegate.retryLater(key, attempts, retryAt, error);
    }

    @Override
    public void dead(String key, int attempts, String error) {
        writes++;
        delegate.dead(key, attempts, error);
    }

    @Override
    public List<OutboxEntry> entriesOf(String observationId) {
        reads++;
        return delegate.entriesOf(observationId);
    }

    @Override
    public Optional<Instant> nextAttemptAt() {
        polls++;
        return delegate.nextAttemptAt();
    }
}
