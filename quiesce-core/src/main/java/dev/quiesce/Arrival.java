package dev.quiesce;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Comparator;

/**
 * One storage event: an object created (or overwritten) or removed at {@code bucket/key}.
 *
 * <p>The {@code dedupeToken} identifies the event itself (an S3 {@code sequencer}, a version id, or
 * etag plus size): recording the same key and token twice counts once. Versions of one key are
 * ordered by {@link #VERSION_ORDER}, so a late redelivery of an old version never replaces a newer
 * one. Instances are immutable.
 *
 * @param kind whether the object was created or removed
 * @param bucket the bucket, or the watched directory for a directory source
 * @param key the object key, or the path relative to the directory
 * @param size bytes of the object; 0 for removals
 * @param eventTime when storage says the event happened: for reporting and dated routing, never for
 *     measuring silence (the monitor's own clock does that)
 * @param dedupeToken identifies this event among redeliveries of it
 * @param records records in the object when the source counted them, else {@link #UNCOUNTED}
 * @param sequencer S3's sequencer of the event, or {@code null} when the source has none (directories,
 *     listings): when two events of one key both carry one, it alone orders them
 * @param version what identifies this content of the object in a listing of its location
 *     ({@code <eTag>:<size>} on S3, {@code <mtime nanos>:<size>} in a directory), or {@code null} when
 *     the source does not know; it is what the {@linkplain KeyDigest key-set digest} covers
 */
public record Arrival(Kind kind, String bucket, String key, long size, Instant eventTime, String dedupeToken,
                      long records, String sequencer, String version) {

    /** The records of an object nobody counted. */
    public static final long UNCOUNTED = -1;

    /** What happened to the object. */
    public enum Kind { CREATED, REMOVED }

    /**
     * Orders two events for the same key: the later one describes the object as it is now. When both
     * carry an S3 sequencer, the sequencer decides (S3 documents it, not the event time, as the order of
     * one key's events); otherwise event time, then token.
     */
    public static final Comparator<Arrival> VERSION_ORDER = (a, b) -> {
        if (a.sequencer != null && b.sequencer != null) {
            int bySequencer = compareSequencers(a.sequencer, b.sequencer);
            if (bySequencer != 0) {
                return bySequencer;
            }
        } else {
            int byTime = a.eventTime.compareTo(b.eventTime);
            if (byTime != 0) {
                return byTime;
            }
        }
        return a.dedupeToken.compareTo(b.dedupeToken);
    };

    public Arrival {
        requireNonNull(kind, "kind");
        requireNonNull(bucket, "bucket");
        requireNonNull(key, "key");
        requireNonNull(eventTime, "eventTime");
        requireNonNull(dedupeToken, "dedupeToken");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("key must not be empty");
        }
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0, was " + size);
        }
        if (dedupeToken.isEmpty()) {
            throw new IllegalArgumentException("dedupeToken must not be empty");
        }
        if (records < UNCOUNTED) {
            throw new IllegalArgumentException("records must be >= 0 or UNCOUNTED, was " + records);
        }
        if (sequencer != null && !isHex(sequencer)) {
            throw new IllegalArgumentException("sequencer must be hexadecimal digits, was '" + sequencer + "'");
        }
    }

    /** An arrival without sequencer or listing version. */
    public Arrival(Kind kind, String bucket, String key, long size, Instant eventTime, String dedupeToken,
                   long records) {
        this(kind, bucket, key, size, eventTime, dedupeToken, records, null, null);
    }

    /** An arrival whose records were not counted. */
    public Arrival(Kind kind, String bucket, String key, long size, Instant eventTime, String dedupeToken) {
        this(kind, bucket, key, size, eventTime, dedupeToken, UNCOUNTED);
    }

    /** The same arrival with its records counted. */
    public Arrival withRecords(long n) {
        return new Arrival(kind, bucket, key, size, eventTime, dedupeToken, n, sequencer, version);
    }

    /** The same arrival ordered among its key's events by S3's sequencer. */
    public Arrival withSequencer(String s3Sequencer) {
        return new Arrival(kind, bucket, key, size, eventTime, dedupeToken, records, s3Sequencer, version);
    }

    /** The same arrival with the version a listing of its location shows. */
    public Arrival withVersion(String listingVersion) {
        return new Arrival(kind, bucket, key, size, eventTime, dedupeToken, records, sequencer, listingVersion);
    }

    /** An object created or overwritten. */
    public static Arrival created(String bucket, String key, long size, Instant eventTime, String dedupeToken) {
        return new Arrival(Kind.CREATED, bucket, key, size, eventTime, dedupeToken);
    }

    /** An object removed; removals carry no size. */
    public static Arrival removed(String bucket, String key, Instant eventTime, String dedupeToken) {
        return new Arrival(Kind.REMOVED, bucket, key, 0, eventTime, dedupeToken);
    }

    /**
     * S3's rule for two sequencers of one key: pad the shorter with zeros on the right, then compare as
     * hexadecimal numbers (case does not matter).
     */
    public static int compareSequencers(String a, String b) {
        int n = Math.max(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            int da = i < a.length() ? Character.digit(a.charAt(i), 16) : 0;
            int db = i < b.length() ? Character.digit(b.charAt(i), 16) : 0;
            if (da != db) {
                return Integer.compare(da, db);
            }
        }
        return 0;
    }

    private static boolean isHex(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
