package dev.quiesce.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiesce.Arrival;
import dev.quiesce.EventType;
import dev.quiesce.Expectation;
import dev.quiesce.KeyDigest;
import dev.quiesce.LifecycleEvent;
import dev.quiesce.Observation;
import dev.quiesce.ObservationState;
import dev.quiesce.Progress;
import dev.quiesce.Sent;
import dev.quiesce.StoreException;
import dev.quiesce.Tally;
import dev.quiesce.policy.PolicySpec;
import dev.quiesce.port.ObservationStore;
import dev.quiesce.port.OutboxEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SqliteDatabaseTest {

    private static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");

    private final TemporaryDatabases databases = new TemporaryDatabases();

    @AfterEach
    void closeDatabases() {
        databases.close();
    }

    @Test
    void newFileGetsTheCurrentSchema() {
        SqliteDatabase db = databases.open();
        assertThat(db.schemaVersion()).isEqualTo(SqliteDatabase.supportedSchemaVersion()).isPositive();
        assertThat(db.file()).exists().isAbsolute();
    }

    @Test
    void connectionsUseWalNormalSyncAndATenSecondBusyTimeout() {
        SqliteDatabase db = databases.open();
        assertThat(pragma(db, "journal_mode")).isEqualTo("wal");
        assertThat(pragma(db, "busy_timeout")).isEqualTo("10000");
        assertThat(pragma(db, "synchronous")).isEqualTo("1");
    }

    @Test
    void reopeningAFileKeepsTalliesObservationsAndOutbox() {
        Path file = databases.newFile();
        Observation done;
        try (SqliteDatabase db = SqliteDatabase.open(file)) {
            db.tallyStore().record("events", Arrival.created("bucket", "a", 10, T0, "s1"), T0);
            ObservationStore store = db.observationStore();
            Observation o = Observation.start("obs-1", "events", PolicySpec.parse("stable window=2 delay=constant:30s deadline=2h"), T0);
            store.create(o);
            Observation active = o.activate(T0, T0.plusSeconds(30), 1);
            store.compareAndSet(active);
            done = active.finish(ObservationState.COMPLETE, new Progress(2, 2, 1), T0.plusSeconds(90), "stable");
            LifecycleEvent e = new LifecycleEvent(LifecycleEvent.idOf("obs-1", 2), EventType.COMPLETED, "obs-1",
                    "events", 2, T0.plusSeconds(90), new Tally(1, 10, 0, 1, T0, T0), 2, "stable", T0, T0);
            store.compareAndSet(done, List.of(OutboxEntry.pending(e, "webhook")));
        }
        SqliteDatabase again = databases.open(file);
        assertThat(again.tallyStore().tally("events")).isEqualTo(new Tally(1, 10, 0, 1, T0, T0, 0, T0,
                KeyDigest.of("a", null, 10)));
        assertThat(again.tallyStore().record("events", Arrival.created("bucket", "a", 10, T0, "s1"), T0).counted())
                .as("redelivery after reopening").isFalse();
        assertThat(again.observationStore().find("obs-1")).contains(done);
        assertThat(again.observationStore().entriesOf("obs-1")).extracting(OutboxEntry::key)
                .containsExactly("obs-1/2@webhook");
        assertThat(again.schemaVersion()).isEqualTo(SqliteDatabase.supportedSchemaVersion());
    }

    @Test
    void fileWithANewerSchemaIsRefusedAndLeftAlone() throws Exception {
        Path file = databases.newFile();
        SqliteDatabase.open(file).close();
        int newer = SqliteDatabase.supportedSchemaVersion() + 1;
        execute(file, "INSERT INTO schema_version (version, description, applied_at)"
                + " VALUES (" + newer + ", 'from the future', '2999-01-01T00:00:00.000000000Z')");

        assertThatThrownBy(() -> SqliteDatabase.open(file))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(file.toAbsolutePath().toString())
                .hasMessageContaining("schema version " + newer)
                .hasMessageContaining("newer quiesce")
                .hasMessageContaining("(" + SqliteDatabase.supportedSchemaVersion() + ")");
        assertThat(query(file, "SELECT MAX(version) FROM schema_version")).isEqualTo(Integer.toString(newer));
    }

    @Test
    void versionOneFileUpgradesInPlaceAndKeepsItsData() throws Exception {
        Path file = databases.newFile();
        // the file version 1 wrote: its migration (never edited once released) and its schema_version row
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL,"
                    + " applied_at TEXT NOT NULL)");
            for (String ddl : Sqlite.INSTANCE.migrations().get(0).statements()) {
                s.execute(ddl);
            }
            s.execute("INSERT INTO schema_version VALUES (1, 'tallies, observations and the outbox',"
                    + " '2024-04-01T00:00:00.000000000Z')");
            s.execute("INSERT INTO tally VALUES ('events', 1, 10, 0, 1, '2024-05-01T00:00:00.000000000Z',"
                    + " '2024-05-01T00:00:00.000000000Z')");
            s.execute("INSERT INTO key_version VALUES ('events', 'a', 'CREATED', 'bucket', 10,"
                    + " '2024-05-01T00:00:00.000000000Z', 's1')");
        }

        SqliteDatabase db = databases.open(file);

        assertThat(SqliteDatabase.supportedSchemaVersion()).isEqualTo(9);
        assertThat(db.schemaVersion()).isEqualTo(9);
        assertThat(query(file, "SELECT applied_at FROM schema_version WHERE version = 1"))
                .as("version 1's row is left alone").isEqualTo("2024-04-01T00:00:00.000000000Z");
        assertThat(query(file, "SELECT description FROM schema_version WHERE version = 2")).isEqualTo("producer declarations");
        assertThat(query(file, "SELECT description FROM schema_version WHERE version = 3")).isEqualTo("late data");
        assertThat(db.tallyStore().tally("events"))
                .as("seen time taken from the event time, digest computed from the keys kept")
                .isEqualTo(new Tally(1, 10, 0, 1, T0, T0, 0, T0, KeyDigest.of("a", null, 10)));
        assertThat(db.tallyStore().record("events", Arrival.created("bucket", "b", 5, T0, "s2").withVersion("e:5"),
                T0.plusSeconds(7))).isEqualTo(dev.quiesce.port.TallyStore.Effect.CREATED);
        assertThat(db.tallyStore().tally("events").digest())
                .isEqualTo(KeyDigest.of("a", null, 10) + KeyDigest.of("b", "e:5", 5));
        assertThat(db.tallyStore().tally("events").lastSeen()).isEqualTo(T0.plusSeconds(7));
        assertThat(db.expectationStore().open("events", "p1", T0)).isTrue();
        assertThat(db.expectationStore().close("events", "p1", new Sent(5, 50, 1), T0.plusSeconds(1))).isTrue();
        assertThat(db.expectationStore().of("events").producers()).containsExactly(
                new Expectation("events", "p1", T0, T0.plusSeconds(1), new Sent(5, 50, 1)));
        SqliteDatabase again = databases.open(file);
        assertThat(again.expectationStore().of("events").closedCount()).as("after reopening the upgraded file").isEqualTo(1);
        assertThat(query(file, "SELECT COUNT(*) FROM schema_version")).isEqualTo("9");
    }

    @Test
    void concurrentOpensOfANewFileMigrateItOnce() throws Exception {
        Path file = databases.newFile();
        int threads = 4;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<SqliteDatabase>> opens = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                opens.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    return databases.open(file);
                }));
            }
            for (Future<SqliteDatabase> f : opens) {
                assertThat(f.get(60, TimeUnit.SECONDS).schemaVersion()).isEqualTo(SqliteDatabase.supportedSchemaVersion());
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(query(file, "SELECT COUNT(*) FROM schema_version"))
                .isEqualTo(Integer.toString(SqliteDatabase.supportedSchemaVersion()));
    }

    @Test
    void fileThatIsNotADatabaseIsRefused() throws Exception {
        Path file = databases.newFile();
        Files.writeString(file, "this is a text file, not a database, and long enough to have a header page\n".repeat(20));
        assertThatThrownBy(() -> SqliteDatabase.open(file))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(file.toAbsolutePath().toString())
                .hasCauseInstanceOf(SQLException.class);
    }

    @Test
    void openCreatesMissingParentDirectories() {
        Path file = databases.directory().resolve("a/b/quiesce.db");
        SqliteDatabase db = databases.open(file);
        assertThat(db.file()).exists();
    }

    @Test
    void closedDatabaseFailsWithStoreException() {
        SqliteDatabase db = SqliteDatabase.open(databases.newFile());
        db.close();
        assertThatThrownBy(() -> db.tallyStore().tally("events")).isInstanceOf(StoreException.class)
                .hasCauseInstanceOf(SQLException.class);
        assertThatThrownBy(() -> db.observationStore().find("x")).isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> db.expectationStore().of("events")).isInstanceOf(StoreException.class);
    }

    @Test
    void instantsOutsideFourDigitYearsAreRefusedClearly() {
        SqliteDatabase db = databases.open();
        Observation far = Observation.start("far", "events", PolicySpec.defaults(), Instant.parse("+10000-01-01T00:00:00Z"));
        assertThatThrownBy(() -> db.observationStore().create(far)).isInstanceOf(StoreException.class)
                .hasMessageContaining("0000-9999");
        assertThat(db.observationStore().find("far")).isEmpty();
    }

    @Test
    void instantsRoundTripToTheNanosecond() {
        SqliteDatabase db = databases.open();
        Instant precise = T0.plusNanos(123_456_789);
        Observation o = Observation.start("obs-1", "events", PolicySpec.stable(3, Duration.ofSeconds(30)), precise);
        db.observationStore().create(o);
        assertThat(db.observationStore().find("obs-1")).contains(o);
    }

    private static String pragma(SqliteDatabase db, String name) {
        return db.tallySession().read("read pragma", c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + name)) {
                rs.next();
                return rs.getString(1);
            }
        });
    }

    private static void execute(Path file, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String query(Path file, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
