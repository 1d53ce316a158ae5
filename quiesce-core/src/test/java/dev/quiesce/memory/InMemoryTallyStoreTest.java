package dev.quiesce.memory;

import dev.quiesce.port.TallyStore;
import dev.quiesce.port.contract.TallyStoreContract;

class InMemoryTallyStoreTest extends TallyStoreContract {
    @Override
    protected TallyStore newStore() {
        return new InMemoryTallyStore();
    }
}
