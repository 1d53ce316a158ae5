package dev.quiesce.memory;

import dev.quiesce.Observation;
import dev.quiesce.ObservationNotFoundException;
import dev.quiesce.port.ObservationStore;
import dev.quiesce.port.Outbox;
import dev.quiesce.port.OutboxEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Observations and their outbox in memory: for tests, simulations and single-run commands.
 * Thread-safe; one lock makes each compare-and-set and its outbox entries atomic.
 */
public final class InMemoryObservationStore implements ObservationStore, Outbox {

    private final Map<String, Observation> observations = new LinkedHashMap<>();
    private final Map<String, OutboxEntry> outbox = new LinkedHashMap<>();

    @Override
    public synchronized boolean create(Observation observation) {
        return observations.putIfAbsent(observation.id(), observation) == null;
    }

    @Override
    public synchronized Optional<Observation> find(String id) {
        return Optional.ofNullable(observations.get(id));
    }

    @Override
    public synchronized boolean compareAndSet(Observation next, List<OutboxEntry> entries) {
        Observation current = observations.get(next.id());
        if (current == null) {
            throw new ObservationNotFoundException(next.id());
        }
        if (current.version() != next.version() - 1) {
            return false;
        }
        observations.put(next.id(), next);
        for (OutboxEntry e : entries) {
            outbox.putIfAbsent(e.key(), e);
        }
        return true;
    }

    @Override
    public synchronized List<Observation> due(Instant now, int limit) {
        return observations.values().stream()
                .filter(o -> o.nextCheckAt() != null && !o.nextCheckAt().isAfter(now))
                .sorted(Comparator.comparing(Observation::nextCheckAt))
                .limit(limit)
                .toList();
    }

    @Override
    public synchronized Optional<Instant> nextDueAt() {
        return observations.values().stream()
                .filter(o -> o.nextCheckAt() != null)
                .map(Observation::nextCheckAt)
                .min(Comparator.naturalOrder());
    }

    @Override
    public synchronized List<Observation> openFor(String datasetId) {
        return observations.values().stream()
                .filter(o -> o.watching() && o.datasetId().equals(datasetId))
                .toList();
    }

    @Override
    public synchronized List<Observation> list(int limit) {
        List<Observation> all = new ArrayList<>(observations.values());
        all.sort(Comparator.comparing(Observation::startedAt).reversed());
        return all.subList(0, Math.min(limit, all.size()));
    }

    @Override
    public synchronized List<OutboxEntry> claim(Instant now, Instant leaseUntil, int limit) {
        List<OutboxEntry> claimed = outbox.values().stream()
                .filter(e -> e.status() == OutboxEntry.Status.PENDING && !e.nextAttemptAt().isAfter(now))
                .sorted(Comparator.comparing(OutboxEntry::nextAttemptAt).thenComparing(OutboxEntry::key))
                .limit(limit)
                .toList();
        for (OutboxEntry e : claimed) {
            outbox.put(e.key(), new OutboxEntry(e.event(), e.notifier(), e.status(), e.attempts(), leaseUntil,
                    e.lastError()));
        }
        return claimed;
    }

    @Override
    public synchronized void delivered(String key) {
        update(key, e -> new OutboxEntry(e.event(), e.notifier(), OutboxEntry.Status.DELIVERED, e.attempts() + 1,
                e.nextAttemptAt(), e.lastError()));
    }

    @Override
    public synchronized void retryLater(String key, int attempts, Instant retryAt, String error) {
        update(key, e -> new OutboxEntry(e.event(), e.notifier(), OutboxEntry.Status.PENDING, attempts, retryAt, error));
    }

    @Override
    public synchronized void dead(String key, int attempts, String error) {
        update(key, e -> new OutboxEntry(e.event(), e.notifier(), OutboxEntry.Status.DEAD, attempts,
                e.nextAttemptAt(), error));
    }

    @Override
    public synchronized List<OutboxEntry> entriesOf(String observationId) {
        return outbox.values().stream()
                .filter(e -> e.event().observationId().equals(observationId))
                .sorted(Comparator.comparingInt((OutboxEntry e) -> e.event().transition()).thenComparing(OutboxEntry::notifier))
                .toList();
    }

    @Override
    public synchronized Optional<Instant> nextAttemptAt() {
        return outbox.values().stream()
                .filter(e -> e.status() == OutboxEntry.Status.PENDING)
                .map(OutboxEntry::nextAttemptAt)
                .min(Comparator.naturalOrder());
    }

    private void update(String key, java.util.function.UnaryOperator<OutboxEntry> f) {
        OutboxEntry e = outbox.get(key);
        if (e == null) {
            throw new IllegalArgumentException("no outbox entry " + key);
        }
        outbox.put(key, f.apply(e));
    }
}
