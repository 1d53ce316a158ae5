package dev.quiesce.jdbc;

import dev.quiesce.Arrival;
import dev.quiesce.KeyDigest;
import dev.quiesce.Tally;
import dev.quiesce.port.Counting;
import dev.quiesce.port.TallyStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@link TallyStore} in a SQL database: one row of counters per dataset, one row per distinct
 * (dataset, key, dedupe token) recorded, and the latest version of each key.
 *
 * <p>Recording is one write transaction per call, for one arrival or a {@linkplain #recordAll batch}: a redelivered (key, token) pair is found in the seen table
 * and changes nothing; a new one is applied to its key's latest version with {@link Counting}, the same
 * rules every store uses. Because the transaction holds the database's write lock from its start, any
 * number of threads, store instances and processes may record into one database at once.
 *
 * <p>Obtain one from {@link SqliteDatabase#tallyStore()}. Thread-safe; calls on one instance are
 * serialised on its connection. SQL failures surface as {@link dev.quiesce.StoreException}.
 */
public final class JdbcTallyStore implements TallyStore {

    /** Marks a tally whose digest is not yet computed (a row from before digests). */
    private static final Tally UNKNOWN_DIGEST = new Tally(0, 0, 0, 0, null, null);

    private final Session session;
    private final Dialect dialect;

    JdbcTallyStore(Session session) {
        this.session = Objects.requireNonNull(session, "session");
        this.dialect = session.dialect();
    }

    @Override
    public Effect record(String datasetId, Arrival arrival, Instant seenAt) {
        Objects.requireNonNull(arrival, "arrival");
        return recordAll(datasetId, List.of(arrival), seenAt).get(0);
    }

    /**
     * Records the arrivals in one write transaction: the counters are read once and written once, each
     * arrival costs its three statements (seen, latest version, new version) on compiled statements, and
     * the commit is paid once for the batch. All of it commits or none of it does.
     */
    @Override
    public List<Effect> recordAll(String datasetId, List<Arrival> arrivals, Instant seenAt) {
        Objects.requireNonNull(datasetId, "datasetId");
        Objects.requireNonNull(seenAt, "seenAt");
        arrivals.forEach(a -> Objects.requireNonNull(a, "arrival"));
        if (arrivals.isEmpty()) {
            return List.of();
        }
        return session.write(arrivals.size() == 1 ? "record arrival" : "record " + arrivals.size() + " arrivals", c -> {
            Effect[] effects = new Effect[arrivals.size()];
            // read before any key's new version is saved: a digest computed now must not include them yet
            Tally before = readWithDigest(c, datasetId);
            Tally after = before;
            for (int i : inKeyOrder(arrivals)) {
                Arrival arrival = arrivals.get(i);
                if (!markSeen(datasetId, arrival)) {
                    effects[i] = Effect.DUPLICATE;
                    continue;
                }
                Arrival current = latestVersion(datasetId, arrival.key());
                Counting.Change change = Counting.apply(current, arrival);
                if (change.latest() != current) {
                    saveLatestVersion(datasetId, change.latest());
                }
                after = Counting.add(after, change, arrival.eventTime(), seenAt);
                effects[i] = change.effect();
            }
            if (after != before) {
                save(datasetId, after);
            }
            return List.of(effects);
        });
    }

    /**
     * The indexes of the arrivals sorted by key, arrivals of one key in their list order. A key's effects
     * depend only on its own earlier arrivals and the tally's changes add up in any order, so this order
     * gives the same effects and tally as the list's, while the index pages are walked in order instead of
     * at random: with a large tally that is most of the cost.
     */
    private static int[] inKeyOrder(List<Arrival> arrivals) {
        Integer[] order = new Integer[arrivals.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, java.util.Comparator.comparing(i -> arrivals.get(i).key())); // stable
        int[] out = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            out[i] = order[i];
        }
        return out;
    }

    @Override
    public Tally tally(String datasetId) {
        Objects.requireNonNull(datasetId, "datasetId");
        Tally t = session.read("read tally", c -> read(c, datasetId));
        if (t != UNKNOWN_DIGEST) {
            return t;
        }
        return session.write("compute digest", c -> {
            Tally read = readWithDigest(c, datasetId);
            save(datasetId, read);
            return read;
        });
    }

    /**
     * One key present in a dataset, at the version the digest covers.
     *
     * @param key the object key
     * @param version its version as the source reported it, or {@code null} when the source knew none
     * @param size its size in bytes
     */
    public record PresentKey(String key, String version, long size) {

        /** This key's term of the {@linkplain KeyDigest key-set digest}. */
        public long digest() {
            return KeyDigest.of(key, version, size);
        }
    }

    /**
     * The keys present in a dataset (created and not removed since), in key order, each at its latest
     * version: what a completeness certificate lists so a verifier can name what changed. Not on the
     * {@link TallyStore} port, since a store that keeps no key list (counters only) could not offer it.
     */
    public List<PresentKey> presentKeys(String datasetId) {
        Objects.requireNonNull(datasetId, "datasetId");
        return session.read("read present keys", c -> {
            List<PresentKey> keys = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT object_key, version, size FROM key_version"
                    + " WHERE dataset_id = ? AND kind = 'CREATED' ORDER BY object_key")) {
                p.setString(1, datasetId);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        keys.add(new PresentKey(rs.getString("object_key"), rs.getString("version"), rs.getLong("size")));
                    }
                }
            }
            return keys;
        });
    }

    @Override
    public java.util.Set<String> present(String datasetId, java.util.Collection<String> keys) {
        Objects.requireNonNull(datasetId, "datasetId");
        List<String> wanted = List.copyOf(keys);
        return session.read("read present keys", c -> {
            java.util.Set<String> found = new java.util.LinkedHashSet<>();
            try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM key_version"
                    + " WHERE dataset_id = ? AND object_key = ? AND kind = 'CREATED'")) {
                for (String k : wanted) {
                    p.setString(1, datasetId);
                    p.setString(2, k);
                    try (ResultSet rs = p.executeQuery()) {
                        if (rs.next()) {
                            found.add(k);
                        }
                    }
                }
            }
            return found;
        });
    }

    @Override
    public long presentUnder(String datasetId, String prefix) {
        Objects.requireNonNull(datasetId, "datasetId");
        Objects.requireNonNull(prefix, "prefix");
        return session.read("count present keys under a prefix", c -> {
            // substr rather than LIKE, whose wildcards (% and _) a key may contain; SQLite's length and
            // substr both count characters, so the prefix is measured as the keys are
            try (PreparedStatement p = c.prepareStatement("SELECT COUNT(*) FROM key_version"
                    + " WHERE dataset_id = ? AND kind = 'CREATED' AND substr(object_key, 1, length(?)) = ?")) {
                p.setString(1, datasetId);
                p.setString(2, prefix);
                p.setString(3, prefix);
                try (ResultSet rs = p.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** Adds the (key, token) pair to the seen set; {@code false} when it was already there. */
    private boolean markSeen(String datasetId, Arrival a) throws SQLException {
        PreparedStatement p = session.prepared("INSERT INTO arrival_seen (dataset_id, object_key, dedupe_token)"
                + " VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
        p.setString(1, datasetId);
        p.setString(2, a.key());
        p.setString(3, a.dedupeToken());
        return p.executeUpdate() == 1;
    }

    private Arrival latestVersion(String datasetId, String key) throws SQLException {
        PreparedStatement p = session.prepared("SELECT kind, bucket, size, event_time, dedupe_token, records,"
                + " sequencer, version FROM key_version WHERE dataset_id = ? AND object_key = ?");
        p.setString(1, datasetId);
        p.setString(2, key);
        try (ResultSet rs = p.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            return new Arrival(Arrival.Kind.valueOf(rs.getString("kind")), rs.getString("bucket"), key,
                    rs.getLong("size"), dialect.getInstant(rs, "event_time"), rs.getString("dedupe_token"),
                    rs.getLong("records"), rs.getString("sequencer"), rs.getString("version"));
        }
    }

    private void saveLatestVersion(String datasetId, Arrival a) throws SQLException {
        PreparedStatement p = session.prepared("INSERT INTO key_version"
                + " (dataset_id, object_key, kind, bucket, size, event_time, dedupe_token, records, sequencer, version)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (dataset_id, object_key) DO UPDATE SET kind = excluded.kind,"
                + " bucket = excluded.bucket, size = excluded.size, event_time = excluded.event_time,"
                + " dedupe_token = excluded.dedupe_token, records = excluded.records,"
                + " sequencer = excluded.sequencer, version = excluded.version");
        p.setString(1, datasetId);
        p.setString(2, a.key());
        p.setString(3, a.kind().name());
        p.setString(4, a.bucket());
        p.setLong(5, a.size());
        dialect.setInstant(p, 6, a.eventTime());
        p.setString(7, a.dedupeToken());
        p.setLong(8, a.records());
        p.setString(9, a.sequencer());
        p.setString(10, a.version());
        p.executeUpdate();
    }

    /** The tally, or {@link #UNKNOWN_DIGEST} when its digest predates digests and must be computed. */
    private Tally read(Connection c, String datasetId) throws SQLException {
        Row row = readRow(c, datasetId);
        return row.digestKnown ? row.tally : UNKNOWN_DIGEST;
    }

    /** The tally, its digest computed first if it predates digests. */
    private Tally readWithDigest(Connection c, String datasetId) throws SQLException {
        Row row = readRow(c, datasetId);
        return row.digestKnown ? row.tally : withDigest(c, datasetId, row.tally);
    }

    /** A tally row as stored; {@code digestKnown} is false for a row written before digests were kept. */
    private record Row(Tally tally, boolean digestKnown) {
    }

    private Row readRow(Connection c, String datasetId) throws SQLException {
        PreparedStatement p = session.prepared("SELECT objects, bytes, removals, change_seq,"
                + " first_arrival, last_arrival, records, last_seen, digest FROM tally WHERE dataset_id = ?");
        p.setString(1, datasetId);
        try (ResultSet rs = p.executeQuery()) {
            if (!rs.next()) {
                return new Row(Tally.EMPTY, true);
            }
            long digest = rs.getLong("digest");
            boolean known = !rs.wasNull();
            return new Row(new Tally(rs.getLong("objects"), rs.getLong("bytes"), rs.getLong("removals"),
                    rs.getLong("change_seq"), dialect.getInstant(rs, "first_arrival"),
                    dialect.getInstant(rs, "last_arrival"), rs.getLong("records"),
                    dialect.getInstant(rs, "last_seen"), digest), known);
        }
    }

    /** A tally recorded before digests were kept, with its digest computed from the keys' latest versions. */
    private static Tally withDigest(Connection c, String datasetId, Tally t) throws SQLException {
        long digest = 0;
        try (PreparedStatement p = c.prepareStatement("SELECT object_key, size, version FROM key_version"
                + " WHERE dataset_id = ? AND kind = 'CREATED'")) {
            p.setString(1, datasetId);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    digest += KeyDigest.of(rs.getString("object_key"), rs.getString("version"), rs.getLong("size"));
                }
            }
        }
        return new Tally(t.objects(), t.bytes(), t.removals(), t.changeSeq(), t.firstArrival(), t.lastArrival(),
                t.records(), t.lastSeen(), digest);
    }

    private void save(String datasetId, Tally t) throws SQLException {
        PreparedStatement p = session.prepared("INSERT INTO tally"
                + " (dataset_id, objects, bytes, removals, change_seq, first_arrival, last_arrival, records,"
                + " last_seen, digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (dataset_id) DO UPDATE SET objects = excluded.objects, bytes = excluded.bytes,"
                + " removals = excluded.removals, change_seq = excluded.change_seq,"
                + " first_arrival = excluded.first_arrival, last_arrival = excluded.last_arrival,"
                + " records = excluded.records, last_seen = excluded.last_seen, digest = excluded.digest");
        p.setString(1, datasetId);
        p.setLong(2, t.objects());
        p.setLong(3, t.bytes());
        p.setLong(4, t.removals());
        p.setLong(5, t.changeSeq());
        dialect.setInstant(p, 6, t.firstArrival());
        dialect.setInstant(p, 7, t.lastArrival());
        p.setLong(8, t.records());
        dialect.setInstant(p, 9, t.lastSeen());
        p.setLong(10, t.digest());
        p.executeUpdate();
    }
}
