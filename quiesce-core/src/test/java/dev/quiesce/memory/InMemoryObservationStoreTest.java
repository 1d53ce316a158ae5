package dev.quiesce.memory;

import dev.quiesce.port.ObservationStore;
import dev.quiesce.port.Outbox;
import dev.quiesce.port.contract.ObservationStoreContract;

class InMemoryObservationStoreTest extends ObservationStoreContract {
    @Override
    @SuppressWarnings("unchecked")
    protected <S extends ObservationStore & Outbox> S newStore() {
        return (S) new InMemoryObservationStore();
    }
}
