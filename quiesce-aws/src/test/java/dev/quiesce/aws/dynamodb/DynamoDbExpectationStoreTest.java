package dev.quiesce.aws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiesce.Attribution;
import dev.quiesce.Expectation;
import dev.quiesce.Sent;
import dev.quiesce.port.ExpectationStore;
import dev.quiesce.port.contract.ExpectationStoreContract;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The expectation store's contract on dynalite, plus what only a table shows: two processes, and paging. */
class DynamoDbExpectationStoreTest extends ExpectationStoreContract {

    private static final SharedDynalite DYNALITE = new SharedDynalite();

    @AfterAll
    static void stopDynalite() {
        DYNALITE.close();
    }

    @Override
    protected ExpectationStore newStore() {
        return new DynamoDbExpectationStore(DYNALITE.client(), newTable());
    }

    private static String newTable() {
        String table = SharedDynalite.newTableName("expectations");
        DynamoDbExpectationStore.createTable(DYNALITE.client(), table);
        return table;
    }

    @Test
    void twoProcessesOnOneTableSeeOneSetOfDeclarationsAndTheFirstCloseWins() {
        String table = newTable();
        ExpectationStore a = new DynamoDbExpectationStore(DYNALITE.dynalite().client(), table);
        ExpectationStore b = new DynamoDbExpectationStore(DYNALITE.dynalite().client(), table);
        assertThat(a.open(DS, "p1", T0)).isTrue();
        assertThat(b.open(DS, "p1", T0.plusSeconds(1))).isFalse();
        assertThat(b.close(DS, "p1", new Sent(10, 100, 1), T0.plusSeconds(2))).isTrue();
        assertThat(a.close(DS, "p1", new Sent(99, 99, 9), T0.plusSeconds(3))).isFalse();
        assertThat(a.of(DS).producers()).containsExactly(
                new Expectation(DS, "p1", T0, T0.plusSeconds(2), new Sent(10, 100, 1)));
    }

    @Test
    void aDatasetWithMoreDeclarationsThanOneQueryPageReadsThemAll() {
        ExpectationStore store = newStore();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            keys.add("events/2024/05/01/producer-with-a-long-name-" + "x".repeat(40) + "/object-" + i + ".json");
        }
        // about 30 KB per producer: 60 producers are more than the 1 MB a Query page returns
        for (int p = 0; p < 60; p++) {
            store.close(DS, String.format("p%02d", p), new Sent(Sent.UNKNOWN, Sent.UNKNOWN, keys.size()),
                    new Attribution(keys, null), T0.plusSeconds(p));
        }
        assertThat(store.of(DS).producers()).hasSize(60).allSatisfy(e -> assertThat(e.attribution().keys()).hasSize(200));
        assertThat(store.of(DS).declared(Sent.Unit.OBJECTS)).isEqualTo(60L * 200);
    }
}
