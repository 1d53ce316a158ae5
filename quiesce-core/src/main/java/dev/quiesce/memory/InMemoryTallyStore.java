package dev.quiesce.memory;

import dev.quiesce.Arrival;
import dev.quiesce.Tally;
import dev.quiesce.port.Counting;
import dev.quiesce.port.TallyStore;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A {@link TallyStore} in memory: for tests, simulations and single-run commands. Thread-safe.
 *
 * <p>Each dataset keeps, per key, the latest version and the dedupe tokens recorded for it, in one
 * place, so recording an arrival is one lookup of its key rather than one in a set of (key, token)
 * pairs and another in a map of latest versions. A dataset's first few keys are kept in a short array
 * and a hash map is made only past that: a simulation holds 10,000 datasets of two or three objects
 * each, where per-dataset hash tables would be most of the memory every arrival and check walks through.
 */
public final class InMemoryTallyStore implements TallyStore {

    /**
     * The datasets, in a hash table whose entries are the datasets themselves (chained through
     * {@link DatasetTally#next}): a lookup goes from the slot straight to the dataset, one object fewer
     * to fetch than a {@code HashMap} node and then its value. Every check reads a tally, and with
     * 10,000 datasets each of those objects is a cache miss.
     */
    private DatasetTally[] table;
    private int size;

    /** An empty store. */
    public InMemoryTallyStore() {
        this(0);
    }

    /** An empty store sized for about {@code expectedDatasets} datasets, so filling it does not rehash. */
    public InMemoryTallyStore(int expectedDatasets) {
        this.table = new DatasetTally[Integer.highestOneBit(InMemoryObservationStore.capacityFor(expectedDatasets) * 2 - 1)];
    }

    @Override
    public synchronized Effect record(String datasetId, Arrival arrival, Instant seenAt) {
        DatasetTally d = findOrAdd(datasetId);
        KeyState k = d.keyState(arrival.key());
        if (!k.addToken(arrival.dedupeToken())) {
            return Effect.DUPLICATE;
        }
        Counting.Change c = Counting.apply(k.latest, arrival);
        k.latest = c.latest();
        d.tally = Counting.add(d.tally, c, arrival.eventTime(), seenAt);
        return c.effect();
    }

    @Override
    public synchronized Tally tally(String datasetId) {
        DatasetTally d = find(datasetId, spread(datasetId.hashCode()));
        return d == null ? Tally.EMPTY : d.tally;
    }

    @Override
    public synchronized Set<String> present(String datasetId, java.util.Collection<String> keys) {
        DatasetTally d = find(datasetId, spread(datasetId.hashCode()));
        Set<String> found = new java.util.LinkedHashSet<>();
        if (d != null) {
            for (String k : keys) {
                KeyState s = d.existing(k);
                if (s != null && s.present()) {
                    found.add(k);
                }
            }
        }
        return found;
    }

    @Override
    public synchronized long presentUnder(String datasetId, String prefix) {
        DatasetTally d = find(datasetId, spread(datasetId.hashCode()));
        if (d == null) {
            return 0;
        }
        long n = 0;
        for (KeyState s : d.all()) {
            if (s.present() && s.key.startsWith(prefix)) {
                n++;
            }
        }
        return n;
    }

    /** {@code HashMap}'s spreading of the high bits into the low ones the slot index uses. */
    private static int spread(int h) {
        return h ^ (h >>> 16);
    }

    private DatasetTally find(String datasetId, int hash) {
        for (DatasetTally d = table[hash & (table.length - 1)]; d != null; d = d.next) {
            if (d.hash == hash && (d.id == datasetId || d.id.equals(datasetId))) {
                return d;
            }
        }
        return null;
    }

    private DatasetTally findOrAdd(String datasetId) {
        int hash = spread(datasetId.hashCode());
        DatasetTally d = find(datasetId, hash);
        if (d != null) {
            return d;
        }
        if (size >= table.length - (table.length >>> 2)) {
            rehash();
        }
        d = new DatasetTally(datasetId, hash);
        int slot = hash & (table.length - 1);
        d.next = table[slot];
        table[slot] = d;
        size++;
        return d;
    }

    private void rehash() {
        DatasetTally[] old = table;
        table = new DatasetTally[old.length * 2];
        for (DatasetTally head : old) {
            for (DatasetTally d = head; d != null; ) {
                DatasetTally next = d.next;
                int slot = d.hash & (table.length - 1);
                d.next = table[slot];
                table[slot] = d;
                d = next;
            }
        }
    }

    /** One key of a dataset: its latest recorded version and every dedupe token recorded for it. */
    private static final class KeyState {
        final String key;
        Arrival latest;
        /** The first token; nearly every key has just one (a redelivery repeats it). */
        private String token;
        private Set<String> moreTokens;

        KeyState(String key) {
            this.key = key;
        }

        /** Whether the key's latest version is a creation. */
        boolean present() {
            return latest != null && latest.kind() == Arrival.Kind.CREATED;
        }

        /** Adds a token; {@code false} if it was recorded already. */
        boolean addToken(String t) {
            if (token == null) {
                token = t;
                return true;
            }
            if (token.equals(t)) {
                return false;
            }
            if (moreTokens == null) {
                moreTokens = new HashSet<>();
            }
            return moreTokens.add(t);
        }
    }

    private static final class DatasetTally {
        private static final int FEW = 8;

        final String id;
        final int hash;
        /** The next dataset in the same slot of the store's table. */
        DatasetTally next;
        Tally tally = Tally.EMPTY;
        /**
         * The first keys with their hashes alongside: a new key is told apart from the others by the
         * hash, without reading their strings (same-length keys would otherwise be compared byte by byte).
         */
        private KeyState[] few = new KeyState[2];
        private int[] hashes = new int[2];
        private int count;
        private Map<String, KeyState> many;

        DatasetTally(String id, int hash) {
            this.id = id;
            this.hash = hash;
        }

        /** The state of a key, or {@code null} if never seen. */
        KeyState existing(String key) {
            if (many != null) {
                return many.get(key);
            }
            for (int i = 0; i < count; i++) {
                if (few[i].key.equals(key)) {
                    return few[i];
                }
            }
            return null;
        }

        /** Every key seen. */
        java.util.Collection<KeyState> all() {
            return many != null ? many.values() : Arrays.asList(few).subList(0, count);
        }

        /** The state of a key, made empty on first sight. */
        KeyState keyState(String key) {
            if (many != null) {
                return many.computeIfAbsent(key, KeyState::new);
            }
            int hash = key.hashCode();
            for (int i = 0; i < count; i++) {
                if (hashes[i] == hash && few[i].key.equals(key)) {
                    return few[i];
                }
            }
            KeyState k = new KeyState(key);
            if (count < FEW) {
                if (count == few.length) {
                    few = Arrays.copyOf(few, FEW);
                    hashes = Arrays.copyOf(hashes, FEW);
                }
                hashes[count] = hash;
                few[count++] = k;
                return k;
            }
            many = new HashMap<>();
            for (int i = 0; i < count; i++) {
                many.put(few[i].key, few[i]);
            }
            few = null;
            hashes = null;
            many.put(key, k);
            return k;
        }
    }
}
