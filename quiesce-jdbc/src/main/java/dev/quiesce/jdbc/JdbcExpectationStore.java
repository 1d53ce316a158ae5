package dev.quiesce.jdbc;

import dev.quiesce.Expectation;
import dev.quiesce.Expectations;
import dev.quiesce.InvalidConfigurationException;
import dev.quiesce.Sent;
import dev.quiesce.StoreException;
import dev.quiesce.port.ExpectationStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link ExpectationStore} in a SQL database: one row per (dataset, producer), numbered in the order
 * producers first appeared.
 *
 * <p>Each declaration is one statement in one write transaction, so any number of threads, store
 * instances and processes may declare into one database at once. Opening is
 * {@code INSERT … ON CONFLICT DO NOTHING}: a known producer, open or closed, is left as it is. Closing is
 * {@code INSERT … ON CONFLICT DO UPDATE … WHERE closed_at IS NULL}: it creates the row (opened and closed
 * at once) for a producer never opened, closes an open one, and changes nothing once closed, so of
 * racing closes exactly one reports {@code true}.
 *
 * <p>Counts a producer did not declare ({@link Sent#UNKNOWN}) are held as SQL {@code NULL}, so sums in
 * the {@code sqlite3} shell skip them. Obtain one from {@link SqliteDatabase#expectationStore()}.
 * Thread-safe; calls on one instance are serialised on its connection. SQL failures surface as
 * {@link StoreException}.
 */
public final class JdbcExpectationStore implements ExpectationStore {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcExpectationStore.class);

    private final Session session;
    private final Dialect dialect;

    JdbcExpectationStore(Session session) {
        this.session = Objects.requireNonNull(session, "session");
        this.dialect = session.dialect();
    }

    /**
     * {@inheritDoc}
     *
     * @throws InvalidConfigurationException if {@code producerId} is blank
     */
    @Override
    public boolean open(String datasetId, String producerId, Instant at) {
        requireDeclaration(datasetId, producerId, at);
        boolean opened = session.write("open expectation", c -> {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO expectation"
                    + " (dataset_id, producer_id, opened_at, closed_at, sent_records, sent_bytes, sent_objects)"
                    + " VALUES (?, ?, ?, NULL, NULL, NULL, NULL)"
                    + " ON CONFLICT (dataset_id, producer_id) DO NOTHING")) {
                p.setString(1, datasetId);
                p.setString(2, producerId);
                dialect.setInstant(p, 3, at);
                return p.executeUpdate() == 1;
            }
        });
        LOG.debug("expectation.open_stored dataset={} producer={} changed={}", datasetId, producerId, opened);
        return opened;
    }

    /**
     * {@inheritDoc}
     *
     * @throws InvalidConfigurationException if {@code producerId} is blank
     */
    @Override
    public boolean close(String datasetId, String producerId, Sent sent, dev.quiesce.Attribution attribution,
                         Instant at) {
        requireDeclaration(datasetId, producerId, at);
        Objects.requireNonNull(sent, "sent");
        Objects.requireNonNull(attribution, "attribution");
        boolean closed = session.write("close expectation", c -> {
            // a never-opened producer is recorded as opened when it closed, as every store does
            try (PreparedStatement p = c.prepareStatement("INSERT INTO expectation"
                    + " (dataset_id, producer_id, opened_at, closed_at, sent_records, sent_bytes, sent_objects,"
                    + " attributed_keys, attributed_prefix)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (dataset_id, producer_id) DO UPDATE SET closed_at = excluded.closed_at,"
                    + " sent_records = excluded.sent_records, sent_bytes = excluded.sent_bytes,"
                    + " sent_objects = excluded.sent_objects, attributed_keys = excluded.attributed_keys,"
                    + " attributed_prefix = excluded.attributed_prefix"
                    + " WHERE expectation.closed_at IS NULL")) {
                p.setString(1, datasetId);
                p.setString(2, producerId);
                dialect.setInstant(p, 3, at);
                dialect.setInstant(p, 4, at);
                setCount(p, 5, sent.records());
                setCount(p, 6, sent.bytes());
                setCount(p, 7, sent.objects());
                p.setString(8, attribution.keys().isEmpty() ? null : String.join("\n", attribution.keys()));
                p.setString(9, attribution.prefix());
                return p.executeUpdate() == 1;
            }
        });
        LOG.debug("expectation.close_stored dataset={} producer={} changed={}", datasetId, producerId, closed);
        return closed;
    }

    @Override
    public Expectations of(String datasetId) {
        Objects.requireNonNull(datasetId, "datasetId");
        List<Expectation> producers = session.read("list expectations", c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT producer_id, opened_at, closed_at,"
                    + " sent_records, sent_bytes, sent_objects, attributed_keys, attributed_prefix FROM expectation WHERE dataset_id = ? ORDER BY seq")) {
                p.setString(1, datasetId);
                List<Expectation> rows = new ArrayList<>();
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        rows.add(expectation(rs, datasetId));
                    }
                }
                return rows;
            }
        });
        return producers.isEmpty() ? Expectations.NONE : new Expectations(producers);
    }

    private static void requireDeclaration(String datasetId, String producerId, Instant at) {
        Objects.requireNonNull(datasetId, "datasetId");
        Objects.requireNonNull(producerId, "producerId");
        Objects.requireNonNull(at, "at");
        // refuse here, as Expectation itself would, rather than store a row that cannot be read back
        if (producerId.isBlank()) {
            throw new InvalidConfigurationException("producer id must not be blank");
        }
    }

    private static void setCount(PreparedStatement p, int index, long count) throws SQLException {
        if (count == Sent.UNKNOWN) {
            p.setNull(index, Types.BIGINT);
        } else {
            p.setLong(index, count);
        }
    }

    private static long getCount(ResultSet rs, String column) throws SQLException {
        long count = rs.getLong(column);
        return rs.wasNull() ? Sent.UNKNOWN : count;
    }

    private Expectation expectation(ResultSet rs, String datasetId) throws SQLException {
        String producerId = rs.getString("producer_id");
        try {
            Instant closedAt = dialect.getInstant(rs, "closed_at");
            Sent sent = closedAt == null ? Sent.NOTHING_DECLARED
                    : new Sent(getCount(rs, "sent_records"), getCount(rs, "sent_bytes"), getCount(rs, "sent_objects"));
            String keys = rs.getString("attributed_keys");
            dev.quiesce.Attribution attribution = new dev.quiesce.Attribution(
                    keys == null ? List.of() : List.of(keys.split("\n")), rs.getString("attributed_prefix"));
            return new Expectation(datasetId, producerId, dialect.getInstant(rs, "opened_at"), closedAt, sent,
                    attribution);
        } catch (RuntimeException e) {
            // a row this build cannot read (edited by hand, or by another program) is a store fault, not bad input
            throw new StoreException(dialect.label() + " expectation '" + datasetId + "/" + producerId
                    + "' is unreadable: " + e.getMessage(), e);
        }
    }
}
