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

    private final Map<String, Map<String, Expectation>> datasets = new HashMap<>();

    @Override
    public synchronized boolean open(String datasetId, String producerId, Instant at) {
        Map<String, Expectation> producers = datasets.computeIfAbsent(datasetId, k -> new LinkedHashMap<>());
        if (producers.containsKey(producerId)) {
            return false;
        }
        producers.put(producerId, new Expectation(datasetId, producerId, at, null, Sent.NOTHING_DECLARED));
        return true;
    }

    @Override
    public synchronized boolean close(String datasetId, String producerId, Sent sent, Instant at) {
        Map<String, Expectation> producers = datasets.computeIfAbsent(datasetId, k -> new LinkedHashMap<>());
        Expectation current = producers.get(producerId);
        if (current != null && current.closed()) {
            return false;
        }
        Instant opened = current == null ? at : current.openedAt();
        producers.put(producerId, new Expectation(datasetId, producerId, opened, at, sent));
        return true;
    }

    @Override
    public synchronized Expectations of(String datasetId) {
        Map<String, Expectation> producers = datasets.get(datasetId);
        return producers == null ? Expectations.NONE : new Expectations(new ArrayList<>(producers.values()));
    }
}
