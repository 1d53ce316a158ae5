package dev.quiesce.aws.dynamodb;

import dev.quiesce.port.contract.SharedStoresContract;
import java.util.List;
import org.junit.jupiter.api.AfterAll;

/** Two engines, each with its own DynamoDB client and store instances over the same two tables. */
class TwoEnginesOnOneTableTest extends SharedStoresContract {

    private static final SharedDynalite DYNALITE = new SharedDynalite();

    @AfterAll
    static void stopDynalite() {
        DYNALITE.close();
    }

    @Override
    protected List<Side<?>> twoSidesOfOneStore() {
        String observations = SharedDynalite.newTableName("observations");
        String tallies = SharedDynalite.newTableName("tally");
        DynamoDbObservationStore.createTable(DYNALITE.client(), observations);
        DynamoDbTallyStore.createTable(DYNALITE.client(), tallies);
        var client1 = DYNALITE.dynalite().client();
        var client2 = DYNALITE.dynalite().client();
        return List.of(
                new Side<>(new DynamoDbTallyStore(client1, tallies, 4), new DynamoDbObservationStore(client1, observations)),
                new Side<>(new DynamoDbTallyStore(client2, tallies, 4), new DynamoDbObservationStore(client2, observations)));
    }
}
