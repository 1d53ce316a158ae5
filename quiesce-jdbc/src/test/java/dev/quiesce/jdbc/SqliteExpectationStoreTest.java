package dev.quiesce.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiesce.Expectation;
import dev.quiesce.Expectations;
import dev.quiesce.InvalidConfigurationException;
import dev.quiesce.Sent;
import dev.quiesce.StoreException;
import dev.quiesce.port.ExpectationStore;
import dev.quiesce.port.contract.ExpectationStoreContract;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SqliteExpectationStoreTest extends ExpectationStoreContract {

    private final TemporaryDatabases databases = new TemporaryDatabases();

    @Override
    protected ExpectationStore newStore() {
        return databases.open().expectationStore();
    }

    @AfterEach
    void closeDatabases() {
        databases.close();
    }

    @Test
    void racingClosesFromTwoDatabasesOnOneFileHaveOneWinner() throws Exception {
        Path file = databases.newFile();
        List<ExpectationStore> stores = List.of(databases.open(file).expectationStore(),
                databases.open(file).expectationStore());
        stores.get(0).open(DS, "p1", T0);
        int threads = 8;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Sent> winners = new ArrayList<>();
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                ExpectationStore store = stores.get(t % stores.size());
                Sent sent = new Sent(t, t * 10L, t * 100L);
                long offset = t;
                results.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    return store.close(DS, "p1", sent, T0.plusSeconds(offset));
                }));
            }
            for (int t = 0; t < threads; t++) {
                if (results.get(t).get(60, TimeUnit.SECONDS)) {
                    winners.add(new Sent(t, t * 10L, t * 100L));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(winners).hasSize(1);
        Sent won = winners.get(0);
        for (ExpectationStore store : stores) {
            assertThat(store.of(DS).producers()).singleElement().satisfies(e -> {
                assertThat(e.openedAt()).isEqualTo(T0);
                assertThat(e.sent()).as("the winner's numbers, seen from both databases").isEqualTo(won);
                assertThat(e.closedAt()).isEqualTo(T0.plusSeconds(won.records()));
            });
        }
    }

    @Test
    void reopeningAFileKeepsDeclarationsTheirOrderAndTheFirstClose() {
        Path file = databases.newFile();
        Sent declared = new Sent(Sent.UNKNOWN, 2048, 3);
        Expectations before;
        try (SqliteDatabase db = SqliteDatabase.open(file)) {
            ExpectationStore store = db.expectationStore();
            store.open(DS, "b", T0);
            store.close(DS, "a", declared, T0.plusSeconds(1));
            store.open(DS, "c", T0.plusSeconds(2));
            store.close(DS, "b", new Sent(7, 70, 1), T0.plusSeconds(3));
            before = store.of(DS);
        }
        ExpectationStore again = databases.open(file).expectationStore();
        assertThat(again.of(DS)).isEqualTo(before);
        assertThat(again.of(DS).producers()).containsExactly(
                new Expectation(DS, "b", T0, T0.plusSeconds(3), new Sent(7, 70, 1)),
                new Expectation(DS, "a", T0.plusSeconds(1), T0.plusSeconds(1), declared),
                new Expectation(DS, "c", T0.plusSeconds(2), null, Sent.NOTHING_DECLARED));
        assertThat(again.close(DS, "a", new Sent(1, 1, 1), T0.plusSeconds(9))).as("second close after reopening").isFalse();
        assertThat(again.open(DS, "c", T0.plusSeconds(9))).as("second open after reopening").isFalse();
        again.open(DS, "d", T0.plusSeconds(10));
        assertThat(again.of(DS).producers()).extracting(Expectation::producerId).containsExactly("b", "a", "c", "d");
    }

    @Test
    void undeclaredCountsAreStoredAsNull() throws Exception {
        SqliteDatabase db = databases.open();
        db.expectationStore().close(DS, "p1", new Sent(Sent.UNKNOWN, 0, Sent.UNKNOWN), T0);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.file());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT sent_records IS NULL, sent_bytes, sent_objects IS NULL FROM expectation")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean(1)).isTrue();
            assertThat(rs.getLong(2)).isZero();
            assertThat(rs.getBoolean(3)).isTrue();
        }
        assertThat(db.expectationStore().of(DS).producers()).singleElement()
                .extracting(Expectation::sent).isEqualTo(new Sent(Sent.UNKNOWN, 0, Sent.UNKNOWN));
    }

    @Test
    void instantsRoundTripToTheNanosecond() {
        ExpectationStore store = newStore();
        store.open(DS, "p1", T0.plusNanos(123_456_789));
        store.close(DS, "p1", Sent.NOTHING_DECLARED, T0.plusNanos(987_654_321));
        assertThat(store.of(DS).producers()).containsExactly(new Expectation(DS, "p1", T0.plusNanos(123_456_789),
                T0.plusNanos(987_654_321), Sent.NOTHING_DECLARED));
    }

    @Test
    void blankProducerIsRefusedAndNothingIsStored() {
        ExpectationStore store = newStore();
        assertThatThrownBy(() -> store.open(DS, " ", T0)).isInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> store.close(DS, "", new Sent(1, 1, 1), T0))
                .isInstanceOf(InvalidConfigurationException.class);
        assertThat(store.of(DS)).isEqualTo(Expectations.NONE);
    }

    @Test
    void theDatabaseHandsOutOneStore() {
        SqliteDatabase db = databases.open();
        assertThat(db.expectationStore()).isSameAs(db.expectationStore());
    }

    @Test
    void closedDatabaseFailsWithStoreException() {
        SqliteDatabase db = SqliteDatabase.open(databases.newFile());
        db.close();
        assertThatThrownBy(() -> db.expectationStore().of(DS)).isInstanceOf(StoreException.class)
                .hasCauseInstanceOf(SQLException.class);
        assertThatThrownBy(() -> db.expectationStore().open(DS, "p1", T0)).isInstanceOf(StoreException.class)
                .hasCauseInstanceOf(SQLException.class);
    }
}
