package dev.quiesce.aws.dynamodb;

import dev.quiesce.port.TallyStore;
import dev.quiesce.port.contract.TallyStoreContract;
import net.jqwik.api.lifecycle.AfterContainer;
import org.junit.jupiter.api.AfterAll;

class DynamoDbTallyStoreTest extends TallyStoreContract {

    private static final SharedDynalite DYNALITE = new SharedDynalite();

    @AfterAll
    @AfterContainer
    static void stopDynalite() {
        DYNALITE.close();
    }

    @Override
    protected TallyStore newStore() {
        String table = SharedDynalite.newTableName("tally");
        DynamoDbTallyStore.createTable(DYNALITE.client(), table);
        // four shards: enough to spread the property's keys, and a quicker tally read per arrival than sixteen
        return new DynamoDbTallyStore(DYNALITE.client(), table, 4);
    }
}
