package dev.quiesce.jdbc;

import dev.quiesce.LifecycleEvent;
import dev.quiesce.GapStats;
import dev.quiesce.Observation;
import dev.quiesce.ObservationNotFoundException;
import dev.quiesce.ObservationState;
import dev.quiesce.Progress;
import dev.quiesce.StoreException;
import dev.quiesce.policy.PolicySpec;
import dev.quiesce.port.ObservationStore;
import dev.quiesce.port.Outbox;
import dev.quiesce.port.OutboxEntry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Observations and their outbox in a SQL database.
 *
 * <p>A change is {@code UPDATE observation SET …, version = v + 1 WHERE id = ? AND version = v} and the
 * outbox {@code INSERT}s of its event, in one transaction: an update count of 0 means another check
 * moved the observation on first, so the change returns {@code false} and writes nothing. Claiming
 * outbox entries selects the due ones and pushes their next attempt to the lease's end in one write
 * transaction, so two engines on one database never claim the same entry while the lease lasts.
 *
 * <p>The policy is stored as {@link PolicySpec#text()} and events as {@link LifecycleEvent#encode()}.
 * Obtain one from {@link SqliteDatabase#observationStore()}. Thread-safe and safe across processes
 * sharing the database; SQL failures surface as {@link dev.quiesce.StoreException}.
 */
public final class JdbcObservationStore implements ObservationStore, Outbox {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcObservationStore.class);

    private static final String COLUMNS = "id, dataset_id, spec, state, version, started_at, activated_at,"
            + " finished_at, next_check_at, checks, streak, last_seen_seq, transitions, reason, notifiers, amendments,"
            + " gap_count, gap_mean, gap_m2, gap_max, gap_last_arrival, gap_last,"
            + " gap_objects, gap_bytes, gap_last_object_bytes, gap_largest_object_bytes, overdue_reported_at";
    private static final String ENTRY_COLUMNS = "entry_key, notifier, event, status, attempts, next_attempt_at,"
            + " last_error";

    private final Session session;
    private final Dialect dialect;

    JdbcObservationStore(Session session) {
        this.session = Objects.requireNonNull(session, "session");
        this.dialect = session.dialect();
    }

    @Override
    public boolean create(Observation o) {
        Objects.requireNonNull(o, "observation");
        return session.write("create observation", c -> {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO observation (" + COLUMNS + ")"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
                p.setString(1, o.id());
                p.setString(2, o.datasetId());
                bindFields(p, 3, o);
                return p.executeUpdate() == 1;
            }
        });
    }

    @Override
    public Optional<Observation> find(String id) {
        Objects.requireNonNull(id, "id");
        return session.read("find observation", c -> {
            List<Observation> found = query(c, "SELECT " + COLUMNS + " FROM observation WHERE id = ?", p -> p.setString(1, id));
            return found.stream().findFirst();
        });
    }

    @Override
    public boolean compareAndSet(Observation next, List<OutboxEntry> entries) {
        Objects.requireNonNull(next, "next");
        List<OutboxEntry> outbox = List.copyOf(entries);
        return session.write("compare-and-set observation", c -> {
            int updated;
            try (PreparedStatement p = c.prepareStatement("UPDATE observation SET dataset_id = ?, spec = ?,"
                    + " state = ?, version = ?, started_at = ?, activated_at = ?, finished_at = ?, next_check_at = ?,"
                    + " checks = ?, streak = ?, last_seen_seq = ?, transitions = ?, reason = ?, notifiers = ?, amendments = ?,"
                    + " gap_count = ?, gap_mean = ?, gap_m2 = ?, gap_max = ?, gap_last_arrival = ?, gap_last = ?,"
                    + " gap_objects = ?, gap_bytes = ?, gap_last_object_bytes = ?, gap_largest_object_bytes = ?,"
                    + " overdue_reported_at = ? WHERE id = ? AND version = ?")) {
                p.setString(1, next.datasetId());
                int i = bindFields(p, 2, next);
                p.setString(i++, next.id());
                p.setLong(i, next.version() - 1);
                updated = p.executeUpdate();
            }
            if (updated == 0) {
                if (!exists(c, next.id())) {
                    throw new ObservationNotFoundException(next.id());
                }
                // a lost race or a stale check: nothing was written, so committing the empty transaction is fine
                return false;
            }
            insertEntries(c, outbox);
            return true;
        });
    }

    @Override
    public List<Observation> due(Instant now, int limit) {
        Objects.requireNonNull(now, "now");
        return session.read("list due observations", c -> query(c, "SELECT " + COLUMNS + " FROM observation"
                + " WHERE next_check_at IS NOT NULL AND next_check_at <= ?"
                + " ORDER BY next_check_at, started_at, id LIMIT ?", p -> {
                    dialect.setInstant(p, 1, now);
                    p.setInt(2, limit);
                }));
    }

    @Override
    public Optional<Instant> nextDueAt() {
        return session.read("read next due time", c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT MIN(next_check_at) AS next FROM observation"
                    + " WHERE next_check_at IS NOT NULL");
                 ResultSet rs = p.executeQuery()) {
                return rs.next() ? Optional.ofNullable(dialect.getInstant(rs, "next")) : Optional.empty();
            }
        });
    }

    @Override
    public List<Observation> openFor(String datasetId) {
        Objects.requireNonNull(datasetId, "datasetId");
        return session.read("list open observations", c -> query(c, "SELECT " + COLUMNS + " FROM observation"
                + " WHERE " + Sqlite.WATCHING + " AND dataset_id = ? ORDER BY started_at, id",
                p -> p.setString(1, datasetId)));
    }

    @Override
    public List<Observation> list(int limit) {
        return session.read("list observations", c -> query(c, "SELECT " + COLUMNS + " FROM observation"
                + " ORDER BY started_at DESC, id DESC LIMIT ?", p -> p.setInt(1, limit)));
    }

    @Override
    public List<OutboxEntry> claim(Instant now, Instant leaseUntil, int limit) {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(leaseUntil, "leaseUntil");
        List<OutboxEntry> claimed = session.write("claim outbox entries", c -> {
            List<OutboxEntry> due = queryEntries(c, "SELECT " + ENTRY_COLUMNS + " FROM outbox"
                    + " WHERE status = 'PENDING' AND next_attempt_at <= ?"
                    + " ORDER BY next_attempt_at, entry_key LIMIT ?" + dialect.lockSelectedRows(), p -> {
                        dialect.setInstant(p, 1, now);
                        p.setInt(2, limit);
                    });
            if (!due.isEmpty()) {
                try (PreparedStatement p = c.prepareStatement("UPDATE outbox SET next_attempt_at = ? WHERE entry_key = ?")) {
                    for (OutboxEntry e : due) {
                        dialect.setInstant(p, 1, leaseUntil);
                        p.setString(2, e.key());
                        p.addBatch();
                    }
                    p.executeBatch();
                }
            }
            return due;
        });
        if (!claimed.isEmpty()) {
            LOG.debug("outbox.claimed entries={} leaseUntil={}", claimed.size(), leaseUntil);
        }
        return claimed;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if there is no entry with that key
     */
    @Override
    public void delivered(String key) {
        updateEntry("mark outbox entry delivered", key,
                "UPDATE outbox SET status = 'DELIVERED', attempts = attempts + 1 WHERE entry_key = ?",
                p -> p.setString(1, key));
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if there is no entry with that key
     */
    @Override
    public void retryLater(String key, int attempts, Instant retryAt, String error) {
        Objects.requireNonNull(retryAt, "retryAt");
        updateEntry("reschedule outbox entry", key, "UPDATE outbox SET status = 'PENDING', attempts = ?,"
                + " next_attempt_at = ?, last_error = ? WHERE entry_key = ?", p -> {
                    p.setInt(1, attempts);
                    dialect.setInstant(p, 2, retryAt);
                    p.setString(3, error);
                    p.setString(4, key);
                });
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if there is no entry with that key
     */
    @Override
    public void dead(String key, int attempts, String error) {
        updateEntry("mark outbox entry dead", key, "UPDATE outbox SET status = 'DEAD', attempts = ?,"
                + " last_error = ? WHERE entry_key = ?", p -> {
                    p.setInt(1, attempts);
                    p.setString(2, error);
                    p.setString(3, key);
                });
    }

    @Override
    public List<OutboxEntry> entriesOf(String observationId) {
        Objects.requireNonNull(observationId, "observationId");
        return session.read("list outbox entries", c -> queryEntries(c, "SELECT " + ENTRY_COLUMNS + " FROM outbox"
                + " WHERE observation_id = ? ORDER BY transition, notifier", p -> p.setString(1, observationId)));
    }

    @Override
    public Optional<Instant> nextAttemptAt() {
        return session.read("read next outbox attempt", c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT MIN(next_attempt_at) AS next FROM outbox"
                    + " WHERE status = 'PENDING'");
                 ResultSet rs = p.executeQuery()) {
                return rs.next() ? Optional.ofNullable(dialect.getInstant(rs, "next")) : Optional.empty();
            }
        });
    }

    /** Binds every column after {@code id} and {@code dataset_id}, from {@code index}; returns the next index. */
    private int bindFields(PreparedStatement p, int index, Observation o) throws SQLException {
        int i = index;
        p.setString(i++, o.spec().text());
        p.setString(i++, o.state().name());
        p.setLong(i++, o.version());
        dialect.setInstant(p, i++, o.startedAt());
        dialect.setInstant(p, i++, o.activatedAt());
        dialect.setInstant(p, i++, o.finishedAt());
        dialect.setInstant(p, i++, o.nextCheckAt());
        p.setLong(i++, o.progress().checks());
        p.setInt(i++, o.progress().streak());
        p.setLong(i++, o.progress().lastSeenSeq());
        p.setInt(i++, o.transitions());
        p.setString(i++, o.reason());
        p.setString(i++, String.join(",", o.notifiers()));
        p.setInt(i++, o.amendments());
        GapStats g = o.progress().gaps();
        p.setLong(i++, g.count());
        p.setDouble(i++, g.meanMillis());
        p.setDouble(i++, g.m2());
        p.setLong(i++, g.maxMillis());
        dialect.setInstant(p, i++, g.lastArrival());
        p.setLong(i++, g.lastGapMillis());
        p.setLong(i++, g.objects());
        p.setLong(i++, g.bytes());
        p.setLong(i++, g.lastObjectBytes());
        p.setLong(i++, g.largestObjectBytes());
        dialect.setInstant(p, i++, o.overdueReportedAt());
        return i;
    }

    private Observation observation(ResultSet rs) throws SQLException {
        String id = rs.getString("id");
        try {
            return new Observation(
                    id,
                    rs.getString("dataset_id"),
                    PolicySpec.parse(rs.getString("spec")),
                    ObservationState.valueOf(rs.getString("state")),
                    rs.getLong("version"),
                    dialect.getInstant(rs, "started_at"),
                    dialect.getInstant(rs, "activated_at"),
                    dialect.getInstant(rs, "finished_at"),
                    dialect.getInstant(rs, "next_check_at"),
                    new Progress(rs.getLong("checks"), rs.getInt("streak"), rs.getLong("last_seen_seq"),
                            new GapStats(rs.getLong("gap_count"), rs.getDouble("gap_mean"), rs.getDouble("gap_m2"),
                                    rs.getLong("gap_max"), dialect.getInstant(rs, "gap_last_arrival"),
                                    rs.getLong("gap_last"), rs.getLong("gap_objects"), rs.getLong("gap_bytes"),
                                    rs.getLong("gap_last_object_bytes"), rs.getLong("gap_largest_object_bytes"))),
                    rs.getInt("transitions"),
                    rs.getString("reason"),
                    names(rs.getString("notifiers")),
                    rs.getInt("amendments"),
                    dialect.getInstant(rs, "overdue_reported_at"));
        } catch (RuntimeException e) {
            // a row this build cannot read (edited by hand, or by another program) is a store fault, not bad input
            throw new StoreException(dialect.label() + " observation '" + id + "' is unreadable: " + e.getMessage(), e);
        }
    }

    private static List<String> names(String joined) {
        return joined.isEmpty() ? List.of() : List.of(joined.split(","));
    }

    private OutboxEntry entry(ResultSet rs) throws SQLException {
        String key = rs.getString("entry_key");
        try {
            return new OutboxEntry(
                    LifecycleEvent.decode(rs.getString("event")),
                    rs.getString("notifier"),
                    OutboxEntry.Status.valueOf(rs.getString("status")),
                    rs.getInt("attempts"),
                    dialect.getInstant(rs, "next_attempt_at"),
                    rs.getString("last_error"));
        } catch (RuntimeException e) {
            throw new StoreException(dialect.label() + " outbox entry '" + key + "' is unreadable: " + e.getMessage(), e);
        }
    }

    private static boolean exists(Connection c, String id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM observation WHERE id = ?")) {
            p.setString(1, id);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next();
            }
        }
    }

    private void insertEntries(Connection c, List<OutboxEntry> entries) throws SQLException {
        if (entries.isEmpty()) {
            return;
        }
        // DO NOTHING: an entry's key is its event id plus notifier, so a second write of it is the same entry
        try (PreparedStatement p = c.prepareStatement("INSERT INTO outbox (entry_key, observation_id, transition,"
                + " notifier, event, status, attempts, next_attempt_at, last_error)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (entry_key) DO NOTHING")) {
            for (OutboxEntry e : entries) {
                p.setString(1, e.key());
                p.setString(2, e.event().observationId());
                p.setInt(3, e.event().transition());
                p.setString(4, e.notifier());
                p.setString(5, e.event().encode());
                p.setString(6, e.status().name());
                p.setInt(7, e.attempts());
                dialect.setInstant(p, 8, e.nextAttemptAt());
                p.setString(9, e.lastError());
                p.addBatch();
            }
            p.executeBatch();
        }
    }

    private void updateEntry(String operation, String key, String sql, Parameters parameters) {
        Objects.requireNonNull(key, "key");
        int updated = session.write(operation, c -> {
            try (PreparedStatement p = c.prepareStatement(sql)) {
                parameters.bind(p);
                return p.executeUpdate();
            }
        });
        if (updated == 0) {
            throw new IllegalArgumentException("no outbox entry " + key);
        }
    }

    private List<Observation> query(Connection c, String sql, Parameters parameters) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            parameters.bind(p);
            List<Observation> result = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    result.add(observation(rs));
                }
            }
            return result;
        }
    }

    private List<OutboxEntry> queryEntries(Connection c, String sql, Parameters parameters) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            parameters.bind(p);
            List<OutboxEntry> result = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    result.add(entry(rs));
                }
            }
            return result;
        }
    }

    @FunctionalInterface
    private interface Parameters {
        void bind(PreparedStatement p) throws SQLException;
    }
}
