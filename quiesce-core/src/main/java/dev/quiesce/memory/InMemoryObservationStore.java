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
import java.util.TreeSet;

/**
 * Observations and their outbox in memory: for tests, simulations and single-run commands.
 * Thread-safe; one lock makes each compare-and-set and its outbox entries atomic.
 *
 * <p>Besides the maps, three indexes are kept up to date on every write, because the engine asks
 * for them on every arrival and every wake-up and a scan would make those calls grow with the number
 * of observations ever stored (a simulation holds 10,000 at once): the watching observations of each
 * dataset, the due times of checks (a {@link DueHeap}), and the due times of pending outbox entries.
 * Ties keep the order of a scan over the maps (creation order for observations, key order for outbox
 * entries).
 */
public final class InMemoryObservationStore implements ObservationStore, Outbox {

    /**
     * A stored observation with its creation number, which orders ties. The indexes hold the holder, so
     * a write that changes neither the due time nor whether it is watching touches no index at all.
     */
    private static final class Stored {
        final int seq;
        Observation observation;

        Stored(Observation observation, int seq) {
            this.seq = seq;
            this.observation = observation;
        }
    }

    /**
     * An outbox entry's place: its key, made once (since {@link OutboxEntry#key()} builds a new string
     * each time), and its current state. The pending index and the last claim hold the slot, so
     * claiming and marking delivered reach the entry without a lookup by key in a map of every entry
     * ever written (two per observation).
     */
    private static final class Slot {
        final String key;
        OutboxEntry entry;

        Slot(String key) {
            this.key = key;
        }
    }

    /** One entry of the pending-outbox index, in {@link #claim} order (its slot does not take part). */
    private record Pending(Instant at, String key, Slot slot) implements Comparable<Pending> {
        @Override
        public int compareTo(Pending o) {
            int c = at.compareTo(o.at);
            return c != 0 ? c : key.compareTo(o.key);
        }
    }

    private final Map<String, Stored> observations;
    /**
     * The observation last handed out or written. The engine reads an observation right after an index
     * handed it out (a due check, the watcher of a dataset) and then writes it, so most lookups by id are
     * for this one; observations are never removed, so the holder stays right for its id.
     */
    private Stored recent;
    /**
     * The watching observations of each dataset, in creation order. A dataset has one or a few (a run
     * and the next one), so a short list beats a sorted map: nothing to allocate per entry, one cache line.
     */
    private final Map<String, List<Stored>> watchingByDataset;
    private final DueHeap<Stored> dueIndex = new DueHeap<>();
    private final Map<String, Slot> outbox;
    /** What the latest {@link #claim} handed out and the slots they are in, for {@link #delivered(OutboxEntry)}. */
    private OutboxEntry[] lastClaimed = new OutboxEntry[0];
    private Slot[] lastClaimedSlots = new Slot[0];
    private final TreeSet<Pending> pendingIndex = new TreeSet<>();
    /** Reused by {@link #due}, under the lock. */
    private Stored[] dueBuffer = new Stored[0];
    private int created;

    /** An empty store. */
    public InMemoryObservationStore() {
        this(0);
    }

    /**
     * An empty store sized for about {@code expected} observations, so that filling it does not rehash
     * its maps over and over (a simulation starts 10,000 observations at once, each with two events).
     */
    public InMemoryObservationStore(int expected) {
        this.observations = new LinkedHashMap<>(capacityFor(expected));
        this.watchingByDataset = new HashMap<>(capacityFor(expected));
        this.outbox = new LinkedHashMap<>(capacityFor(2 * expected));
    }

    /** A hash map capacity that holds {@code n} entries without resizing. */
    static int capacityFor(int n) {
        return n <= 12 ? 16 : (int) Math.min(1 << 30, (long) Math.ceil(n / 0.75));
    }

    @Override
    public synchronized boolean create(Observation observation) {
        if (observations.containsKey(observation.id())) {
            return false;
        }
        Stored s = new Stored(observation, created++);
        observations.put(observation.id(), s);
        recent = s;
        if (observation.nextCheckAt() != null) {
            dueIndex.set(s.seq, s, observation.nextCheckAt());
        }
        if (observation.watching()) {
            watch(s);
        }
        return true;
    }

    @Override
    public synchronized Optional<Observation> find(String id) {
        Stored s = lookup(id);
        return s == null ? Optional.empty() : Optional.of(s.observation);
    }

    private Stored lookup(String id) {
        Stored r = recent;
        if (r != null && r.observation.id().equals(id)) {
            return r;
        }
        r = observations.get(id);
        if (r != null) {
            recent = r;
        }
        return r;
    }

    @Override
    public synchronized boolean compareAndSet(Observation next, List<OutboxEntry> entries) {
        Stored s = lookup(next.id());
        if (s == null) {
            throw new ObservationNotFoundException(next.id());
        }
        Observation old = s.observation;
        if (old.version() != next.version() - 1) {
            return false;
        }
        s.observation = next;
        if (!java.util.Objects.equals(old.nextCheckAt(), next.nextCheckAt())) {
            dueIndex.set(s.seq, s, next.nextCheckAt());
        }
        boolean moved = !old.datasetId().equals(next.datasetId());
        if (old.watching() && (moved || !next.watching())) {
            unwatch(old.datasetId(), s);
        }
        if (next.watching() && (moved || !old.watching())) {
            watch(s);
        }
        for (int i = 0; i < entries.size(); i++) {
            OutboxEntry e = entries.get(i);
            String key = e.key();
            if (!outbox.containsKey(key)) {
                Slot slot = new Slot(key);
                outbox.put(key, slot);
                putEntry(slot, e);
            }
        }
        return true;
    }

    private void watch(Stored s) {
        List<Stored> watching = watchingByDataset.computeIfAbsent(s.observation.datasetId(), k -> new ArrayList<>(2));
        int i = watching.size();
        while (i > 0 && watching.get(i - 1).seq > s.seq) {
            i--;
        }
        watching.add(i, s);
    }

    private void unwatch(String datasetId, Stored s) {
        List<Stored> watching = watchingByDataset.get(datasetId);
        if (watching != null) {
            for (int i = 0; i < watching.size(); i++) {
                if (watching.get(i) == s) {
                    watching.remove(i);
                    break;
                }
            }
            if (watching.isEmpty()) {
                watchingByDataset.remove(datasetId);
            }
        }
    }

    @Override
    public synchronized List<Observation> due(Instant now, int limit) {
        // no more can be due than are in the index, however large the limit asked for
        int most = Math.min(limit, dueIndex.size());
        if (dueBuffer.length < most) {
            dueBuffer = new Stored[Math.max(most, 2 * dueBuffer.length)];
        }
        int n = dueIndex.dueBy(now, most, dueBuffer);
        if (n == 0) {
            return List.of();
        }
        recent = dueBuffer[0];
        if (n == 1) {
            return List.of(recent.observation);
        }
        Observation[] result = new Observation[n];
        for (int i = 0; i < n; i++) {
            result[i] = dueBuffer[i].observation;
        }
        return List.of(result);
    }

    @Override
    public synchronized Optional<Instant> nextDueAt() {
        return Optional.ofNullable(dueIndex.firstAt());
    }

    @Override
    public synchronized List<Observation> openFor(String datasetId) {
        List<Stored> watching = watchingByDataset.get(datasetId);
        if (watching == null) {
            return List.of();
        }
        recent = watching.get(0);
        if (watching.size() == 1) {
            return List.of(recent.observation);
        }
        Observation[] result = new Observation[watching.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = watching.get(i).observation;
        }
        return List.of(result);
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
        if (pendingIndex.isEmpty() || pendingIndex.first().at.isAfter(now)) {
            return List.of();
        }
        List<Pending> taken = new ArrayList<>();
        for (Iterator<Pending> it = pendingIndex.iterator(); it.hasNext() && taken.size() < limit; ) {
            Pending p = it.next();
            if (p.at.isAfter(now)) {
                break;
            }
            taken.add(p);
        }
        OutboxEntry[] claimed = new OutboxEntry[taken.size()];
        Slot[] slots = new Slot[claimed.length];
        for (int i = 0; i < claimed.length; i++) {
            Slot slot = taken.get(i).slot;
            OutboxEntry e = slot.entry;
            claimed[i] = e;
            slots[i] = slot;
            putEntry(slot, new OutboxEntry(e.event(), e.notifier(), e.status(), e.attempts(), leaseUntil, e.lastError()));
        }
        lastClaimed = claimed;
        lastClaimedSlots = slots;
        return List.of(claimed);
    }

    @Override
    public synchronized void delivered(String key) {
        Slot slot = outbox.get(key);
        if (slot == null) {
            throw new IllegalArgumentException("no outbox entry " + key);
        }
        markDelivered(slot);
    }

    /** As {@link #delivered(String)}; an entry of the latest claim is found without building its key. */
    @Override
    public synchronized void delivered(OutboxEntry claimed) {
        for (int i = 0; i < lastClaimed.length; i++) {
            if (lastClaimed[i] == claimed) {
                markDelivered(lastClaimedSlots[i]);
                return;
            }
        }
        delivered(claimed.key());
    }

    private void markDelivered(Slot slot) {
        OutboxEntry e = slot.entry;
        putEntry(slot, new OutboxEntry(e.event(), e.notifier(), OutboxEntry.Status.DELIVERED, e.attempts() + 1,
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
                .map(s -> s.entry)
                .filter(e -> e.event().observationId().equals(observationId))
                .sorted(Comparator.comparingInt((OutboxEntry e) -> e.event().transition()).thenComparing(OutboxEntry::notifier))
                .toList();
    }

    @Override
    public synchronized Optional<Instant> nextAttemptAt() {
        return pendingIndex.isEmpty() ? Optional.empty() : Optional.of(pendingIndex.first().at);
    }

    private void update(String key, java.util.function.UnaryOperator<OutboxEntry> f) {
        Slot slot = outbox.get(key);
        if (slot == null) {
            throw new IllegalArgumentException("no outbox entry " + key);
        }
        putEntry(slot, f.apply(slot.entry));
    }

    /** Puts an entry in its slot, keeping the pending index in step with it. */
    private void putEntry(Slot slot, OutboxEntry now) {
        OutboxEntry old = slot.entry;
        if (old != null && old.status() == OutboxEntry.Status.PENDING) {
            pendingIndex.remove(new Pending(old.nextAttemptAt(), slot.key, slot));
        }
        slot.entry = now;
        if (now.status() == OutboxEntry.Status.PENDING) {
            pendingIndex.add(new Pending(now.nextAttemptAt(), slot.key, slot));
        }
    }
}
