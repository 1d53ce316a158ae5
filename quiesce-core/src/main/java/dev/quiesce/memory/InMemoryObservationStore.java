package dev.quiesce.memory;

import dev.quiesce.Observation;
import dev.quiesce.ObservationNotFoundException;
import dev.quiesce.port.ObservationStore;
import dev.quiesce.port.Outbox;
import dev.quiesce.port.OutboxEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Observations and their outbox in memory: for tests, simulations and single-run commands.
 * Thread-safe; one lock makes each compare-and-set and its outbox entries atomic.
 *
 * <p>Besides the maps, three indexes are kept up to date on every write, because the engine asks
 * for them on every arrival and every wake-up and a scan would make those calls grow with the number
 * of observations ever stored (a simulation holds 10,000 at once): the watching observations of each
 * dataset, the due times of checks, and the due times of pending outbox entries. Ties keep the order
 * of a scan over the maps (creation order for observations, key order for outbox entries).
 */
public final class InMemoryObservationStore implements ObservationStore, Outbox {

    /**
     * A stored observation with its creation number, which orders ties. The indexes hold the holder, so
     * a write that changes neither the due time nor whether it is watching touches no index at all.
     */
    private static final class Stored {
        final long seq;
        Observation observation;

        Stored(Observation observation, long seq) {
            this.observation = observation;
            this.seq = seq;
        }
    }

    /** One entry of the due-check index; ordered by time, then creation (the holder is not compared). */
    private record Due(Instant at, long seq, Stored stored) implements Comparable<Due> {
        @Override
        public int compareTo(Due o) {
            int c = at.compareTo(o.at);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    /** One entry of the pending-outbox index, in {@link #claim} order. */
    private record Pending(Instant at, String key) implements Comparable<Pending> {
        @Override
        public int compareTo(Pending o) {
            int c = at.compareTo(o.at);
            return c != 0 ? c : key.compareTo(o.key);
        }
    }

    private final Map<String, Stored> observations = new LinkedHashMap<>();
    private final Map<String, TreeMap<Long, Stored>> watchingByDataset = new HashMap<>();
    private final TreeSet<Due> dueIndex = new TreeSet<>();
    private final Map<String, OutboxEntry> outbox = new LinkedHashMap<>();
    private final TreeSet<Pending> pendingIndex = new TreeSet<>();
    private long created;

    @Override
    public synchronized boolean create(Observation observation) {
        if (observations.containsKey(observation.id())) {
            return false;
        }
        Stored s = new Stored(observation, created++);
        observations.put(observation.id(), s);
        if (observation.nextCheckAt() != null) {
            dueIndex.add(new Due(observation.nextCheckAt(), s.seq, s));
        }
        if (observation.watching()) {
            watch(s);
        }
        return true;
    }

    @Override
    public synchronized Optional<Observation> find(String id) {
        Stored s = observations.get(id);
        return s == null ? Optional.empty() : Optional.of(s.observation);
    }

    @Override
    public synchronized boolean compareAndSet(Observation next, List<OutboxEntry> entries) {
        Stored s = observations.get(next.id());
        if (s == null) {
            throw new ObservationNotFoundException(next.id());
        }
        Observation old = s.observation;
        if (old.version() != next.version() - 1) {
            return false;
        }
        s.observation = next;
        if (!java.util.Objects.equals(old.nextCheckAt(), next.nextCheckAt())) {
            if (old.nextCheckAt() != null) {
                dueIndex.remove(new Due(old.nextCheckAt(), s.seq, s));
            }
            if (next.nextCheckAt() != null) {
                dueIndex.add(new Due(next.nextCheckAt(), s.seq, s));
            }
        }
        boolean moved = !old.datasetId().equals(next.datasetId());
        if (old.watching() && (moved || !next.watching())) {
            unwatch(old.datasetId(), s);
        }
        if (next.watching() && (moved || !old.watching())) {
            watch(s);
        }
        for (OutboxEntry e : entries) {
            if (!outbox.containsKey(e.key())) {
                putEntry(null, e);
            }
        }
        return true;
    }

    private void watch(Stored s) {
        watchingByDataset.computeIfAbsent(s.observation.datasetId(), k -> new TreeMap<>()).put(s.seq, s);
    }

    private void unwatch(String datasetId, Stored s) {
        TreeMap<Long, Stored> watching = watchingByDataset.get(datasetId);
        if (watching != null) {
            watching.remove(s.seq);
            if (watching.isEmpty()) {
                watchingByDataset.remove(datasetId);
            }
        }
    }

    @Override
    public synchronized List<Observation> due(Instant now, int limit) {
        List<Observation> result = new ArrayList<>();
        for (Due d : dueIndex) {
            if (d.at.isAfter(now) || result.size() >= limit) {
                break;
            }
            result.add(d.stored.observation);
        }
        return List.copyOf(result);
    }

    @Override
    public synchronized Optional<Instant> nextDueAt() {
        return dueIndex.isEmpty() ? Optional.empty() : Optional.of(dueIndex.first().at);
    }

    @Override
    public synchronized List<Observation> openFor(String datasetId) {
        TreeMap<Long, Stored> watching = watchingByDataset.get(datasetId);
        if (watching == null) {
            return List.of();
        }
        List<Observation> result = new ArrayList<>(watching.size());
        for (Stored s : watching.values()) {
            result.add(s.observation);
        }
        return List.copyOf(result);
    }

    @Override
    public synchronized List<Observation> list(int limit) {
        List<Observation> all = new ArrayList<>(observations.size());
        for (Stored s : observations.values()) {
            all.add(s.observation);
        }
        all.sort(Comparator.comparing(Observation::startedAt).reversed());
        return all.subList(0, Math.min(limit, all.size()));
    }

    @Override
    public synchronized List<OutboxEntry> claim(Instant now, Instant leaseUntil, int limit) {
        List<OutboxEntry> claimed = new ArrayList<>();
        for (Iterator<Pending> it = pendingIndex.iterator(); it.hasNext() && claimed.size() < limit; ) {
            Pending p = it.next();
            if (p.at.isAfter(now)) {
                break;
            }
            claimed.add(outbox.get(p.key));
        }
        for (OutboxEntry e : claimed) {
            putEntry(e, new OutboxEntry(e.event(), e.notifier(), e.status(), e.attempts(), leaseUntil, e.lastError()));
        }
        return List.copyOf(claimed);
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
        return pendingIndex.isEmpty() ? Optional.empty() : Optional.of(pendingIndex.first().at);
    }

    private void update(String key, java.util.function.UnaryOperator<OutboxEntry> f) {
        OutboxEntry e = outbox.get(key);
        if (e == null) {
            throw new IllegalArgumentException("no outbox entry " + key);
        }
        putEntry(e, f.apply(e));
    }

    /** Stores an outbox entry, keeping the pending index in step with it. */
    private void putEntry(OutboxEntry old, OutboxEntry now) {
        if (old != null && old.status() == OutboxEntry.Status.PENDING) {
            pendingIndex.remove(new Pending(old.nextAttemptAt(), old.key()));
        }
        outbox.put(now.key(), now);
        if (now.status() == OutboxEntry.Status.PENDING) {
            pendingIndex.add(new Pending(now.nextAttemptAt(), now.key()));
        }
    }
}
