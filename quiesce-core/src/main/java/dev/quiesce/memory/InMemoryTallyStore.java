package dev.quiesce.memory;

import dev.quiesce.Arrival;
import dev.quiesce.Tally;
import dev.quiesce.port.Counting;
import dev.quiesce.port.TallyStore;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** A {@link TallyStore} in memory: for tests, simulations and single-run commands. Thread-safe. */
public final class InMemoryTallyStore implements TallyStore {

    private final Map<String, DatasetTally> datasets = new HashMap<>();

    @Override
    public synchronized Effect record(String datasetId, Arrival arrival) {
        DatasetTally d = datasets.computeIfAbsent(datasetId, k -> new DatasetTally());
        if (!d.seen.add(new Seen(arrival.key(), arrival.dedupeToken()))) {
            return Effect.DUPLICATE;
        }
        Counting.Change c = Counting.apply(d.latest.get(arrival.key()), arrival);
        d.latest.put(arrival.key(), c.latest());
        d.tally = Counting.add(d.tally, c, arrival.eventTime());
        return c.effect();
    }

    @Override
    public synchronized Tally tally(String datasetId) {
        DatasetTally d = datasets.get(datasetId);
        return d == null ? Tally.EMPTY : d.tally;
    }

    /** A recorded (key, dedupe token) pair; a pair rather than a joined string, to build no string per arrival. */
    private record Seen(String key, String token) {
    }

    private static final class DatasetTally {
        final Set<Seen> seen = new HashSet<>();
        final Map<String, Arrival> latest = new HashMap<>();
        Tally tally = Tally.EMPTY;
    }
}
