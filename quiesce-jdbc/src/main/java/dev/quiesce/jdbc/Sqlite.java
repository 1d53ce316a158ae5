package dev.quiesce.jdbc;

import dev.quiesce.StoreException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.List;

/**
 * The SQLite dialect.
 *
 * <p>Instants are fixed-width ISO-8601 UTC text with nine fraction digits
 * ({@code 2024-05-01T00:00:00.000000000Z}): lossless for any {@link Instant} (the system clock has
 * microseconds, directory sources may have nanoseconds, and {@link dev.quiesce.Arrival#VERSION_ORDER}
 * must order stored and new versions exactly as the in-memory store does), readable in the
 * {@code sqlite3} shell, and ordered correctly by plain text comparison. That comparison needs four-digit
 * years, so instants outside years 0000–9999 are refused.
 */
enum Sqlite implements Dialect {
    INSTANCE;

    private static final DateTimeFormatter INSTANT_TEXT = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd'T'HH:mm:ss")
            .appendFraction(ChronoField.NANO_OF_SECOND, 9, 9, true)
            .appendLiteral('Z')
            .toFormatter()
            .withZone(ZoneOffset.UTC);
    private static final Instant EARLIEST = Instant.parse("0000-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

    private static final String OPEN = "state IN ('WAITING', 'ACTIVE')";
    /** Open, or completed and still watching for late data (a check is scheduled). */
    static final String WATCHING = "(state IN ('WAITING', 'ACTIVE') OR next_check_at IS NOT NULL)";

    private static final List<Migration> MIGRATIONS = List.of(
            new Migration("tallies, observations and the outbox", List.of(
                    "CREATE TABLE tally ("
                            + " dataset_id TEXT PRIMARY KEY,"
                            + " objects INTEGER NOT NULL,"
                            + " bytes INTEGER NOT NULL,"
                            + " removals INTEGER NOT NULL,"
                            + " change_seq INTEGER NOT NULL,"
                            + " first_arrival TEXT,"
                            + " last_arrival TEXT)",
                    // one row per distinct (key, token): what makes a redelivery a no-op
                    "CREATE TABLE arrival_seen ("
                            + " dataset_id TEXT NOT NULL,"
                            + " object_key TEXT NOT NULL,"
                            + " dedupe_token TEXT NOT NULL,"
                            + " PRIMARY KEY (dataset_id, object_key, dedupe_token)) WITHOUT ROWID",
                    // the latest version of each key (a tombstone after a removal), for Counting.apply
                    "CREATE TABLE key_version ("
                            + " dataset_id TEXT NOT NULL,"
                            + " object_key TEXT NOT NULL,"
                            + " kind TEXT NOT NULL,"
                            + " bucket TEXT NOT NULL,"
                            + " size INTEGER NOT NULL,"
                            + " event_time TEXT NOT NULL,"
                            + " dedupe_token TEXT NOT NULL,"
                            + " PRIMARY KEY (dataset_id, object_key)) WITHOUT ROWID",
                    "CREATE TABLE observation ("
                            + " id TEXT PRIMARY KEY,"
                            + " dataset_id TEXT NOT NULL,"
                            + " spec TEXT NOT NULL,"
                            + " state TEXT NOT NULL,"
                            + " version INTEGER NOT NULL,"
                            + " started_at TEXT NOT NULL,"
                            + " activated_at TEXT,"
                            + " finished_at TEXT,"
                            + " next_check_at TEXT,"
                            + " checks INTEGER NOT NULL,"
                            + " streak INTEGER NOT NULL,"
                            + " last_seen_seq INTEGER NOT NULL,"
                            + " transitions INTEGER NOT NULL,"
                            + " reason TEXT NOT NULL,"
                            + " notifiers TEXT NOT NULL)",
                    // partial indexes: finished observations pile up but are never due and never open
                    "CREATE INDEX observation_due ON observation (next_check_at) WHERE " + OPEN,
                    "CREATE INDEX observation_open ON observation (dataset_id) WHERE " + OPEN,
                    "CREATE INDEX observation_started ON observation (started_at)",
                    "CREATE TABLE outbox ("
                            + " entry_key TEXT PRIMARY KEY,"
                            + " observation_id TEXT NOT NULL,"
                            + " transition INTEGER NOT NULL,"
                            + " notifier TEXT NOT NULL,"
                            + " event TEXT NOT NULL,"
                            + " status TEXT NOT NULL,"
                            + " attempts INTEGER NOT NULL,"
                            + " next_attempt_at TEXT NOT NULL,"
                            + " last_error TEXT)",
                    "CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE status = 'PENDING'",
                    "CREATE INDEX outbox_of_observation ON outbox (observation_id, transition, notifier)")),
            new Migration("producer declarations", List.of(
                    // seq aliases the rowid: a new row gets one more than the largest present, so ordering
                    // by seq is the order producers first appeared, even if rows are ever deleted.
                    // sent_* are NULL while open and for a count the producer did not declare.
                    "CREATE TABLE expectation ("
                            + " seq INTEGER PRIMARY KEY,"
                            + " dataset_id TEXT NOT NULL,"
                            + " producer_id TEXT NOT NULL,"
                            + " opened_at TEXT,"
                            + " closed_at TEXT,"
                            + " sent_records INTEGER CHECK (sent_records >= 0),"
                            + " sent_bytes INTEGER CHECK (sent_bytes >= 0),"
                            + " sent_objects INTEGER CHECK (sent_objects >= 0),"
                            + " UNIQUE (dataset_id, producer_id))")),
            new Migration("late data", List.of(
                    // a completed run keeps a next check while it watches for late data: due checks and
                    // the observations watching a dataset are no longer only the open ones
                    "ALTER TABLE observation ADD COLUMN amendments INTEGER NOT NULL DEFAULT 0",
                    "DROP INDEX observation_due",
                    "DROP INDEX observation_open",
                    "CREATE INDEX observation_due ON observation (next_check_at) WHERE next_check_at IS NOT NULL",
                    "CREATE INDEX observation_watching ON observation (dataset_id) WHERE " + WATCHING)),
            new Migration("record counts", List.of(
                    "ALTER TABLE tally ADD COLUMN records INTEGER NOT NULL DEFAULT 0",
                    // -1: a source did not count this version's records
                    "ALTER TABLE key_version ADD COLUMN records INTEGER NOT NULL DEFAULT -1")),
            new Migration("gap statistics", List.of(
                    "ALTER TABLE observation ADD COLUMN gap_count INTEGER NOT NULL DEFAULT 0",
                    "ALTER TABLE observation ADD COLUMN gap_mean REAL NOT NULL DEFAULT 0",
                    "ALTER TABLE observation ADD COLUMN gap_m2 REAL NOT NULL DEFAULT 0",
                    "ALTER TABLE observation ADD COLUMN gap_max INTEGER NOT NULL DEFAULT 0",
                    "ALTER TABLE observation ADD COLUMN gap_last_arrival TEXT")),
            new Migration("last gap and object sizes", List.of(
                    // the adaptive policy tells a drained buffer by the gap its last objects ended and by
                    // their size against the largest seen; -1: size unknown
                    "ALTER TABLE observation ADD COLUMN gap_last INTEGER NOT NULL DEFAULT 0",
                    "ALTER TABLE observation ADD COLUMN gap_objects INTEGER NOT NULL DEFAULT 0",
                    "ALTER TABLE observation ADD COLUMN gap_bytes INTEGER NOT NULL DEFAULT 0",
                    "ALTER TABLE observation ADD COLUMN gap_last_object_bytes INTEGER NOT NULL DEFAULT -1",
                    "ALTER TABLE observation ADD COLUMN gap_largest_object_bytes INTEGER NOT NULL DEFAULT 0")),
            new Migration("seen time, key-set digest and S3 order", List.of(
                    // silence is measured from when the monitor saw an arrival; rows written before this
                    // had only event times, the best estimate there is
                    "ALTER TABLE tally ADD COLUMN last_seen TEXT",
                    "UPDATE tally SET last_seen = last_arrival",
                    // NULL: not yet computed for a tally written before digests; the store fills it in from
                    // key_version on first read
                    "ALTER TABLE tally ADD COLUMN digest INTEGER",
                    "ALTER TABLE key_version ADD COLUMN sequencer TEXT",
                    "ALTER TABLE key_version ADD COLUMN version TEXT")),
            new Migration("overdue report", List.of(
                    // when the one OVERDUE report was made; NULL: not made (a restart must not make it twice)
                    "ALTER TABLE observation ADD COLUMN overdue_reported_at TEXT")),
            new Migration("attributed producer objects", List.of(
                    // which objects a closed producer says are its: listed keys, one per line, and/or the
                    // prefix it writes under; NULL when not said
                    "ALTER TABLE expectation ADD COLUMN attributed_keys TEXT",
                    "ALTER TABLE expectation ADD COLUMN attributed_prefix TEXT")));

    @Override
    public String label() {
        return "sqlite";
    }

    @Override
    public List<Migration> migrations() {
        return MIGRATIONS;
    }

    @Override
    public String beginWrite() {
        // IMMEDIATE takes the write lock at BEGIN, waiting up to busy_timeout; a DEFERRED transaction
        // that reads and then writes fails with SQLITE_BUSY at the write without waiting.
        return "BEGIN IMMEDIATE";
    }

    @Override
    public String lockSelectedRows() {
        return "";
    }

    @Override
    public void setInstant(PreparedStatement statement, int index, Instant instant) throws SQLException {
        if (instant == null) {
            statement.setNull(index, Types.VARCHAR);
            return;
        }
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw new StoreException("sqlite store holds instants in years 0000-9999 only, got " + instant);
        }
        statement.setString(index, INSTANT_TEXT.format(instant));
    }

    @Override
    public Instant getInstant(ResultSet rows, String column) throws SQLException {
        String text = rows.getString(column);
        return text == null ? null : Instant.parse(text);
    }
}
