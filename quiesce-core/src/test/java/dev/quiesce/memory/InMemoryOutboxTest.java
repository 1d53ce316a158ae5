package dev.quiesce.memory;

import dev.quiesce.port.ObservationStore;
import dev.quiesce.port.Outbox;
import dev.quiesce.port.contract.OutboxContract;

class InMemoryOutboxTest extends OutboxContract {
    @Override
    @SuppressWarnings("unchecked")
    protected <S extends ObservationStore & Outbox> S newStore() {
        return (S) new InMemoryObservationStore();
    }
}
