package dev.quiesce;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Comparator;

/**
 * One storage event: an object created (or overwritten) or removed at {@code bucket/key}.
 *
 * <p>The {@code dedupeToken} identifies the event itself (an S3 {@code sequencer}, a version id, or
 * etag plus size): recording the same key and token twice counts once. Versions of one key are
 * ordered by event time, then by token, so a late redelivery of an old version never replaces a
 * newer one. Instances are immutable.
 *
 * @param kind whether the object was created or removed
 * @param bucket the bucket, or the watched directory for a directory source
 * @param key the object key, or the path relative to the directory
 * @param size bytes of the object; 0 for removals
 * @param eventTime when storage says the event happened
 * @param dedupeToken identifies this event among redeliveries of it
 * @param records records in the object when the source counted them, else {@link #UNCOUNTED}
 */
public record Arrival(Kind kind, String bucket, String key, long size, Instant eventTime, String dedupeToken,
                      long records) {

    /** The records of an object nobody counted. */
    public static final long UNCOUNTED = -1;

    /** What happened to the object. */
    public enum Kind { CREATED, REMOVED }

    /** Orders two events for the same key: the later one describes the object as it is now. */
    public static final Comparator<Arrival> VERSION_ORDER =
            Comparator.comparing(Arrival::eventTime).thenComparing(Arrival::dedupeToken);

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
    }

    /** An arrival whose records were not counted. */
    public Arrival(Kind kind, String bucket, String key, long size, Instant eventTime, String dedupeToken) {
        this(kind, bucket, key, size, eventTime, dedupeToken, UNCOUNTED);
    }

    /** The same arrival with its records counted. */
    public Arrival withRecords(long n) {
        return new Arrival(kind, bucket, key, size, eventTime, dedupeToken, n);
    }

    /** An object created or overwritten. */
    public static Arrival created(String bucket, String key, long size, Instant eventTime, String dedupeToken) {
        return new Arrival(Kind.CREATED, bucket, key, size, eventTime, dedupeToken);
    }

    /** An object removed; removals carry no size. */
    public static Arrival removed(String bucket, String key, Instant eventTime, String dedupeToken) {
        return new Arrival(Kind.REMOVED, bucket, key, 0, eventTime, dedupeToken);
    }
}
