package dev.quiesce.memory;

import dev.quiesce.port.ExpectationStore;
import dev.quiesce.port.contract.ExpectationStoreContract;

class InMemoryExpectationStoreTest extends ExpectationStoreContract {
    @Override
    protected ExpectationStore newStore() {
        return new InMemoryExpectationStore();
    }
}
