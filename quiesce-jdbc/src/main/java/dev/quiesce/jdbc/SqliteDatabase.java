package dev.quiesce.jdbc;

import dev.quiesce.Stores;
import dev.quiesce.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * A quiesce database in one SQLite file: the embedded default store for tallies, observations, the
 * outbox and producers' declarations.
 *
 * <pre>{@code
 * try (SqliteDatabase db = SqliteDatabase.open(Path.of("quiesce.db"))) {
 *     Engine engine = Engine.builder().tallies(db.tallyStore()).store(db.observationStore())
 *             .expectations(db.expectationStore()).build();
 *     ...
 * }
 * }</pre>
 *
 * <p>{@link #open} creates the file (and its parent directories) if needed and brings its schema up to
 * date, or refuses a file written by a newer quiesce. Connections use WAL journaling (readers never
 * block the writer), {@code synchronous=NORMAL}, a 10 s busy timeout and IMMEDIATE write
 * transactions, so any number of {@code SqliteDatabase}s, in one process or several, may share a file:
 * SQLite's file lock orders their writes and a waiting writer retries for up to 10 s before failing
 * with a {@link StoreException}.
 *
 * <p>Each store has its own connection, so recording arrivals or declarations does not wait for an
 * observation check to finish reading. Thread-safe. Closing closes every store.
 */
public final class SqliteDatabase implements Stores {

    private static final Logger LOG = LoggerFactory.getLogger(SqliteDatabase.class);

    static {
        // before the driver's first connection, which would otherwise extract its native library anew (~140 ms)
        SqliteNativeLibrary.useCache();
    }

    /** How long a connection waits for another one's write lock before failing. */
    static final int BUSY_TIMEOUT_MILLIS = 10_000;
    /** Page cache per connection, in KiB. */
    static final int CACHE_KIB = 16 * 1024;

    private final Path file;
    private final Session tallySession;
    private final Session observationSession;
    private final Session expectationSession;
    private final JdbcTallyStore tallyStore;
    private final JdbcObservationStore observationStore;
    private final JdbcExpectationStore expectationStore;

    private SqliteDatabase(Path file, Session tallySession, Session observationSession, Session expectationSession) {
        this.file = file;
        this.tallySession = tallySession;
        this.observationSession = observationSession;
        this.expectationSession = expectationSession;
        this.tallyStore = new JdbcTallyStore(tallySession);
        this.observationStore = new JdbcObservationStore(observationSession);
        this.expectationStore = new JdbcExpectationStore(expectationSession);
    }

    /**
     * Opens (creating if needed) the database in {@code file} and migrates its schema to the current
     * version.
     *
     * @throws StoreException if the file cannot be opened or created, is not a quiesce database, or
     *     carries a schema version newer than this build knows (written by a newer quiesce)
     */
    public static SqliteDatabase open(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        try {
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new StoreException("cannot create the directory of sqlite database " + absolute + ": " + e, e);
        }
        List<Session> sessions = new ArrayList<>(3);
        try {
            Session first = connect(absolute);
            sessions.add(first);
            int[] versions = migrate(first, absolute.toString());
            sessions.add(connect(absolute));
            sessions.add(connect(absolute));
            LOG.info("store.opened file={} dialect={} schemaVersion={} migratedFrom={}",
                    absolute, first.dialect().label(), versions[1], versions[0]);
            return new SqliteDatabase(absolute, sessions.get(0), sessions.get(1), sessions.get(2));
        } catch (RuntimeException e) {
            for (Session s : sessions) {
                try {
                    s.close();
                } catch (RuntimeException closing) {
                    e.addSuppressed(closing);
                }
            }
            throw e;
        }
    }

    /** The schema version this build creates and understands. */
    public static int supportedSchemaVersion() {
        return Sqlite.INSTANCE.migrations().size();
    }

    /** The file this database lives in, as an absolute path. */
    public Path file() {
        return file;
    }

    /** The tally store on this file; the same instance on every call. */
    public JdbcTallyStore tallyStore() {
        return tallyStore;
    }

    /** The observation store and outbox on this file; the same instance on every call. */
    public JdbcObservationStore observationStore() {
        return observationStore;
    }

    /** The producers' declarations on this file; the same instance on every call. */
    public JdbcExpectationStore expectationStore() {
        return expectationStore;
    }

    @Override
    public JdbcTallyStore tallies() {
        return tallyStore;
    }

    @Override
    public JdbcObservationStore observations() {
        return observationStore;
    }

    @Override
    public JdbcObservationStore outbox() {
        return observationStore;
    }

    @Override
    public JdbcExpectationStore expectations() {
        return expectationStore;
    }

    /** The schema version recorded in the file. */
    int schemaVersion() {
        return tallySession.read("read schema version", SqliteDatabase::recordedVersion);
    }

    /** The session behind the tally store, for tests that look at connection settings. */
    Session tallySession() {
        return tallySession;
    }

    /**
     * Closes every store's connection; further use of them fails with a {@link StoreException}.
     *
     * @throws StoreException if a connection fails to close (the others are closed all the same)
     */
    @Override
    public void close() {
        try {
            tallySession.close();
        } finally {
            try {
                observationSession.close();
            } finally {
                expectationSession.close();
            }
        }
        LOG.info("store.closed file={}", file);
    }

    private static Session connect(Path file) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        // 16 MiB of page cache rather than SQLite's 2 MiB: recording a batch into a tally of a million keys
        // touches index pages all over the file, and re-reading them from the OS costs more than the insert
        config.setCacheSize(-CACHE_KIB);
        // the stores never ask for generated keys; left on, the driver runs a query after every INSERT to fetch them
        config.setGetGeneratedKeys(false);
        // what the driver would use in manual-commit mode; Session itself begins with BEGIN IMMEDIATE
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        try {
            Connection connection = config.createConnection("jdbc:sqlite:" + file);
            return new Session(connection, Sqlite.INSTANCE, file.toString());
        } catch (SQLException e) {
            throw new StoreException("cannot open sqlite database " + file + ": " + e.getMessage(), e);
        }
    }

    /** Applies the missing migrations in one write transaction; returns {before, after}. */
    private static int[] migrate(Session session, String file) {
        List<Dialect.Migration> migrations = session.dialect().migrations();
        return session.write("migrate schema", c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                        + " version INTEGER PRIMARY KEY,"
                        + " description TEXT NOT NULL,"
                        + " applied_at TEXT NOT NULL)");
            }
            int current = recordedVersion(c);
            if (current > migrations.size()) {
                throw new StoreException("sqlite database " + file + " has schema version " + current
                        + ", newer than the newest this quiesce knows (" + migrations.size()
                        + "): it was written by a newer quiesce; upgrade quiesce or use another file");
            }
            for (int v = current + 1; v <= migrations.size(); v++) {
                Dialect.Migration m = migrations.get(v - 1);
                try (Statement s = c.createStatement()) {
                    for (String ddl : m.statements()) {
                        s.execute(ddl);
                    }
                }
                try (PreparedStatement p = c.prepareStatement(
                        "INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)")) {
                    p.setInt(1, v);
                    p.setString(2, m.description());
                    session.dialect().setInstant(p, 3, Clock.systemUTC().instant());
                    p.executeUpdate();
                }
                LOG.info("store.migrated file={} version={} description=\"{}\"", file, v, m.description());
            }
            return new int[] {current, migrations.size()};
        });
    }

    private static int recordedVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
