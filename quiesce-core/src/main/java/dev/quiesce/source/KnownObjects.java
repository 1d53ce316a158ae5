package dev.quiesce.source;

import static java.util.Objects.requireNonNull;

import dev.quiesce.Arrival;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * What a listing source (a directory tree, an object listing) last reported for each key, and the rules
 * for what it reports next: the one diff every such source shares, so they re-emit a key alike.
 *
 * <p><b>Token rules.</b> A source gives, for what it lists, a version (what the key-set digest covers)
 * and a token made only of what the listing shows ({@code <mtime nanos>:<size>} for a file,
 * {@code <eTag>:<size>@<last-modified millis>} for S3), so the same object gets the same token on every
 * pass and after a restart, and a restarted source's re-report counts once. A key whose version changed
 * is reported again with its new token; only if the key had that very token before (content and time
 * back to an earlier state, as {@code cp -p} can do) does the token get {@code /<event time>}, so it
 * differs from every token the key had. The event time is the modification time, or 1 ns after the key's
 * previous event when that time is not later (coarse timestamps, restored files): event times of one key
 * only ever grow, so a store keeping the latest version per key agrees with the location. A removal's
 * token is {@code removed:<last token>}, its event time the clock's, at least 1 ns after the key's last
 * event.
 *
 * <p>Not thread-safe: a source calls it from its pass, one pass at a time.
 */
public final class KnownObjects {

    /** What was last reported for a key; a removed key stays as a tombstone so its event times keep growing. */
    private static final class Known {
        boolean present;
        String version;
        String token;
        /** The source's token for the key's current creation, before any suffix. */
        String baseToken;
        Instant eventTime;
        /** Tokens the key was created with before its current one, kept only for keys that changed. */
        List<String> earlier;
    }

    private final String bucket;
    private final TreeMap<String, Known> known = new TreeMap<>();

    /** An empty record for a source whose arrivals carry {@code bucket}. */
    public KnownObjects(String bucket) {
        this.bucket = requireNonNull(bucket, "bucket");
    }

    /**
     * The arrival to report for an object listed now at {@code version}, or {@code null} when that is what
     * was last reported. {@code token} is the source's token for exactly what it listed (see the class
     * comment). Nothing is recorded until {@link #reported}: a report the sink refused is made again on the
     * next pass.
     */
    public Arrival created(String key, long size, Instant modified, String version, String token) {
        Known previous = known.get(key);
        if (previous != null && previous.present && previous.version.equals(version)) {
            return null;
        }
        Instant eventTime = modified;
        String t = token;
        if (previous != null) {
            if (!modified.isAfter(previous.eventTime)) {
                eventTime = previous.eventTime.plusNanos(1);
            }
            if (token.equals(previous.baseToken) || (previous.earlier != null && previous.earlier.contains(token))) {
                t = token + "/" + eventTime;
            }
        }
        return Arrival.created(bucket, key, size, eventTime, t).withVersion(version);
    }

    /** The removal to report for a present key that is gone, stamped {@code now} (or just after its last event). */
    public Arrival removed(String key, Instant now) {
        Known previous = known.get(key);
        if (previous == null || !previous.present) {
            throw new IllegalStateException("no present key " + key + " to remove");
        }
        Instant eventTime = now.isAfter(previous.eventTime) ? now : previous.eventTime.plusNanos(1);
        return Arrival.removed(bucket, key, eventTime, "removed:" + previous.token);
    }

    /** Records that the sink took {@code a}: it is now what was last reported for its key. */
    public void reported(Arrival a) {
        Known k = known.computeIfAbsent(a.key(), x -> new Known());
        if (a.kind() == Arrival.Kind.CREATED) {
            if (k.baseToken != null) {
                if (k.earlier == null) {
                    k.earlier = new ArrayList<>(2);
                }
                k.earlier.add(k.baseToken);
            }
            k.baseToken = baseOf(a.dedupeToken(), a.eventTime());
            k.present = true;
            k.version = a.version();
        } else {
            k.present = false;
        }
        k.token = a.dedupeToken();
        k.eventTime = a.eventTime();
    }

    /** The token without the {@code /<event time>} suffix {@link #created} may have added. */
    private static String baseOf(String token, Instant eventTime) {
        String suffix = "/" + eventTime;
        return token.endsWith(suffix) ? token.substring(0, token.length() - suffix.length()) : token;
    }

    /** Whether the key was last reported present. */
    public boolean present(String key) {
        Known k = known.get(key);
        return k != null && k.present;
    }

    /**
     * The present keys at or under {@code scope} ({@code null}: every key) that {@code stillThere} no longer
     * finds, in key order: what a pass that saw all of {@code scope} must report removed. Reads only that
     * range of the sorted keys, so a pass over one subdirectory does not look at every key.
     */
    public List<String> gone(String scope, Predicate<String> stillThere) {
        NavigableMap<String, Known> range = scope == null ? known : known.subMap(scope + "/", true, scope + "0", false);
        List<String> gone = new ArrayList<>();
        if (scope != null) {
            Known exact = known.get(scope);
            if (exact != null && exact.present && !stillThere.test(scope)) {
                gone.add(scope);
            }
        }
        for (Map.Entry<String, Known> e : range.entrySet()) {
            if (e.getValue().present && !stillThere.test(e.getKey())) {
                gone.add(e.getKey());
            }
        }
        return gone;
    }
}
