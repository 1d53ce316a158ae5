package dev.quiesce.jdbc;

import dev.quiesce.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One connection, used by one thread at a time, with the two ways the stores use it: a single read
 * in auto-commit, and a write transaction that commits or rolls back as a whole.
 *
 * <p>Write transactions are opened with the dialect's {@link Dialect#beginWrite()} statement while the
 * driver stays in auto-commit mode. sqlite-jdbc in manual-commit mode starts the next transaction as
 * soon as one commits, so with IMMEDIATE transactions a connection would hold the database's write
 * lock between our transactions and starve every other connection (checked against 3.54.1.0).
 *
 * <p>sqlite-jdbc keeps no statement cache: every {@code prepareStatement} compiles its SQL again, which
 * costs more than running it. Hot statements are taken from {@link #prepared}, compiled once per
 * connection and kept until {@link #close}.
 *
 * <p>Thread-safe: a fair lock serialises callers. {@link SQLException}s become {@link StoreException}s
 * naming the operation and keeping the cause; runtime exceptions from the work pass through unchanged
 * after the rollback.
 */
final class Session implements AutoCloseable {

    /** Work against the connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final Connection connection;
    private final Dialect dialect;
    private final String file;
    private final ReentrantLock lock = new ReentrantLock(true);
    /** Compiled statements by SQL text; used only while holding {@link #lock}. */
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    Session(Connection connection, Dialect dialect, String file) {
        this.connection = connection;
        this.dialect = dialect;
        this.file = file;
    }

    Dialect dialect() {
        return dialect;
    }

    /** Runs work that only reads, each statement in its own auto-committed snapshot. */
    <T> T read(String operation, Work<T> work) {
        lock.lock();
        try {
            return work.run(connection);
        } catch (SQLException e) {
            throw failed(operation, e);
        } finally {
            lock.unlock();
        }
    }

    /** Runs work in one write transaction: all of it commits, or none of it does. */
    <T> T write(String operation, Work<T> work) {
        lock.lock();
        try {
            boolean open = false;
            try {
                execute(dialect.beginWrite());
                open = true;
                T result = work.run(connection);
                execute("COMMIT");
                open = false;
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                // also after a failed COMMIT, which leaves the transaction (and the write lock) held
                if (open) {
                    rollback(e);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw failed(operation, e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The statement for {@code sql}, compiled on first use and reused after: for work run by {@link #read}
     * or {@link #write}, which hold the lock. Callers bind every parameter and close the result sets, never
     * the statement.
     */
    PreparedStatement prepared(String sql) throws SQLException {
        if (!lock.isHeldByCurrentThread()) {
            throw new IllegalStateException("cached statements are for work run by the session");
        }
        PreparedStatement p = statements.get(sql);
        if (p == null) {
            p = connection.prepareStatement(sql);
            statements.put(sql, p);
        }
        return p;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            for (PreparedStatement p : statements.values()) {
                try {
                    p.close();
                } catch (SQLException e) {
                    // the connection's close below releases it anyway
                }
            }
            statements.clear();
            connection.close();
        } catch (SQLException e) {
            throw failed("close", e);
        } finally {
            lock.unlock();
        }
    }

    /** BEGIN, COMMIT and ROLLBACK run around every write: compiled once, like the stores' hot statements. */
    private void execute(String sql) throws SQLException {
        prepared(sql).execute();
    }

    private void rollback(Throwable cause) {
        try {
            execute("ROLLBACK");
        } catch (SQLException e) {
            // e.g. "no transaction is active" when SQLite already rolled back on its own
            cause.addSuppressed(e);
        }
    }

    private StoreException failed(String operation, SQLException e) {
        return new StoreException(dialect.label() + " " + operation + " failed on " + file + ": " + e.getMessage(), e);
    }
}
