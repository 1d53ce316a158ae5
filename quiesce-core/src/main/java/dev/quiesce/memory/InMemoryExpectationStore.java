package dev.quiesce.memory;

import dev.quiesce.Expectation;
import dev.quiesce.Expectations;
import dev.quiesce.Sent;
import dev.quiesce.port.ExpectationStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** An {@link ExpectationStore} in memory: for tests, simulations and single-run commands. Thread-safe. */
public final class InMemoryExpectationStore implements ExpectationStore {

    /** One dataset's declarations, by producer in the order they came. */
    private static final class Declared {
        final Map<String, Expectation> producers = new LinkedHashMap<>();
        /**
         * The declarations as last handed out, {@code null} once one changed: an exact policy reads
         * them at every check, and declarations change far less often than checks run.
         */
        Expectations snapshot;
    }

    private final Map<String, Declared> datasets = new HashMap<>();

    @Override
    public synchronized boolean open(String datasetId, String producerId, Instant at) {
        Declared d = datasets.computeIfAbsent(datasetId, k -> new Declared());
        if (d.producers.containsKey(producerId)) {
            return false;
        }
        d.producers.put(producerId, new Expectation(datasetId, producerId, at, null, Sent.NOTHING_DECLARED));
        d.snapshot = null;
        return true;
    }

    @Override
    public synchronized boolean close(String datasetId, String producerId, Sent sent,
                                      dev.quiesce.Attribution attribution, Instant at) {
        Declared d = datasets.computeIfAbsent(datasetId, k -> new Declared());
        Expectation current = d.producers.get(producerId);
        if (current != null && current.closed()) {
            return false;
        }
        Instant opened = current == null ? at : current.openedAt();
        d.producers.put(producerId, new Expectation(datasetId, producerId, opened, at, sent, attribution));
        d.snapshot = null;
        return true;
    }

    @Override
    public synchronized Expectations of(String datasetId) {
        Declared d = datasets.get(datasetId);
        if (d == null) {
            return Expectations.NONE;
        }
        if (d.snapshot == null) {
            d.snapshot = new Expectations(new ArrayList<>(d.producers.values()));
        }
        return d.snapshot;
    }
}
