package dev.quiesce.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * What differs between the databases the JDBC stores run on, and nothing else.
 *
 * <p>The stores write portable SQL ({@code INSERT … ON CONFLICT DO NOTHING}, partial indexes,
 * {@code LIMIT}); a dialect owns the schema, how a write transaction begins, how instants are held in
 * columns, and how rows are locked when claimed. Only {@link Sqlite} exists today; a PostgreSQL dialect
 * would answer these same questions ({@code BEGIN}, {@code timestamptz}, {@code FOR UPDATE SKIP LOCKED}).
 * Implementations are stateless and thread-safe.
 */
interface Dialect {

    /** A short name for logs and messages, e.g. {@code sqlite}. */
    String label();

    /**
     * The schema as an ordered list: migration {@code i} takes the schema from version {@code i} to
     * {@code i + 1}. Never edit a released migration; append a new one.
     */
    List<Migration> migrations();

    /** The statement that opens a transaction which will write, taking the write lock up front. */
    String beginWrite();

    /**
     * Appended to a {@code SELECT} whose rows the same transaction is about to update, so concurrent
     * claimers skip them; empty where {@link #beginWrite()} already excludes every other writer.
     */
    String lockSelectedRows();

    /** Binds an instant, or SQL {@code NULL} for {@code null}. */
    void setInstant(PreparedStatement statement, int index, Instant instant) throws SQLException;

    /** Reads an instant written by {@link #setInstant}; {@code null} for SQL {@code NULL}. */
    Instant getInstant(ResultSet rows, String column) throws SQLException;

    /**
     * One step of the schema.
     *
     * @param description what it changes, in words, recorded with the version
     * @param statements the DDL, run in order in one transaction
     */
    record Migration(String description, List<String> statements) {
        public Migration {
            statements = List.copyOf(statements);
        }
    }
}
