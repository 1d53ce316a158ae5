package dev.quiesce.memory;

import dev.quiesce.port.contract.SharedStoresContract;
import java.util.List;

/** Two engines in one process sharing the same in-memory stores. */
class InMemorySharedStoresTest extends SharedStoresContract {

    @Override
    protected List<Side<?>> twoSidesOfOneStore() {
        InMemoryTallyStore tallies = new InMemoryTallyStore();
        InMemoryObservationStore store = new InMemoryObservationStore();
        return List.of(new Side<>(tallies, store), new Side<>(tallies, store));
    }
}
