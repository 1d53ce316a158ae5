/**
 * SQL stores for quiesce: tallies, observations, the outbox and producers' declarations in one
 * database, with SQLite as the embedded default ({@link dev.quiesce.jdbc.SqliteDatabase}).
 *
 * <p>The stores ({@link dev.quiesce.jdbc.JdbcTallyStore}, {@link dev.quiesce.jdbc.JdbcObservationStore},
 * {@link dev.quiesce.jdbc.JdbcExpectationStore}) write portable SQL; what differs between databases
 * (schema, transaction start, instant columns, row locking) sits in the package-private {@code Dialect}.
 * Every store passes the core's contract tests, and several processes may share one database file.
 */
package dev.quiesce.jdbc;
