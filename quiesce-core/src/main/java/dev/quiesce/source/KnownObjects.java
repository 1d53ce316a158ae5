package dev.quiesce.source;

import static java.util.Objects.requireNonNull;

import dev.quiesce.Arrival;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * <p><b>Passes.</b> A source that walks its location can {@link #startPass start a pass}, {@link #seen mark}
 * each key it lists, and ask for the present keys it did not list ({@link #notSeen}), so it never has to hold
 * the whole listing in memory; {@link #gone} answers the same from a listing the source kept.
 *
 * <p><b>Memory.</b> A million keys must fit in a small process, so keys are not kept as objects: each
 * directory ({@code a/b/} of {@code a/b/c}) holds its names as UTF-8 bytes in one array with parallel
 * primitive arrays of state (about 60 bytes a key). A key whose version is {@code <number>:<number>} and
 * whose token is that version (every file a directory source lists, until it is removed or changes back
 * to an earlier state) needs nothing more; any other key keeps its strings in a side map.
 *
 * <p>Not thread-safe: a source calls it from its pass, one pass at a time.
 */
public final class KnownObjects {

    /** What was last reported for a key, as the rules see it; only kept as an object for uncommon keys. */
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
    /** Per directory prefix ({@code ""} for top-level keys, else ending in {@code /}), its keys. */
    private final TreeMap<String, Directory> directories = new TreeMap<>();
    /** Keys whose state does not pack into a directory's arrays, by key. */
    private final Map<String, Known> uncommon = new HashMap<>();
    private int pass;
    /** The directory of the last lookup: a pass goes directory by directory. */
    private Directory lastDirectory;
    private int size;

    /** An empty record for a source whose arrivals carry {@code bucket}. */
    public KnownObjects(String bucket) {
        this.bucket = requireNonNull(bucket, "bucket");
    }

    /** How many keys are known, removed ones (kept as tombstones) included. */
    public int size() {
        return size;
    }

    /**
     * The arrival to report for an object listed now at {@code version}, or {@code null} when that is what
     * was last reported. {@code token} is the source's token for exactly what it listed (see the class
     * comment). Nothing is recorded until {@link #reported}: a report the sink refused is made again on the
     * next pass.
     */
    public Arrival created(String key, long size, Instant modified, String version, String token) {
        Directory d = directory(key, false);
        int slot = d == null ? -1 : d.find(key);
        if (slot >= 0 && d.unchanged(slot, version)) {
            return null; // the hot path of every pass: no strings made
        }
        Known previous = slot < 0 ? null : materialize(d, slot, key);
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
        Directory d = directory(key, false);
        int slot = d == null ? -1 : d.find(key);
        Known previous = slot < 0 ? null : materialize(d, slot, key);
        if (previous == null || !previous.present) {
            throw new IllegalStateException("no present key " + key + " to remove");
        }
        Instant eventTime = now.isAfter(previous.eventTime) ? now : previous.eventTime.plusNanos(1);
        return Arrival.removed(bucket, key, eventTime, "removed:" + previous.token);
    }

    /** Records that the sink took {@code a}: it is now what was last reported for its key. */
    public void reported(Arrival a) {
        String key = a.key();
        Directory d = directory(key, true);
        int slot = d.find(key);
        Known k;
        if (slot < 0) {
            slot = d.add(key);
            size++;
            k = new Known();
        } else {
            k = materialize(d, slot, key);
        }
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
        store(d, slot, key, k);
        // reported during a pass means listed in it: not one of the keys the pass found gone
        d.marks[slot] = pass;
    }

    /** The token without the {@code /<event time>} suffix {@link #created} may have added. */
    private static String baseOf(String token, Instant eventTime) {
        String suffix = "/" + eventTime;
        return token.endsWith(suffix) ? token.substring(0, token.length() - suffix.length()) : token;
    }

    /** Whether the key was last reported present. */
    public boolean present(String key) {
        Directory d = directory(key, false);
        int slot = d == null ? -1 : d.find(key);
        return slot >= 0 && (d.flags[slot] & Directory.PRESENT) != 0;
    }

    /** Starts a pass: no key counts as {@link #seen} in it until marked. */
    public void startPass() {
        pass++;
    }

    /** Marks a listed key as seen in the current pass; a key never reported is not known and is ignored. */
    public void seen(String key) {
        Directory d = directory(key, false);
        int slot = d == null ? -1 : d.find(key);
        if (slot >= 0) {
            d.marks[slot] = pass;
        }
    }

    /**
     * The present keys at or under {@code scope} ({@code null}: every key) neither {@link #seen} nor reported
     * since {@link #startPass} and not kept by {@code keep} (a part the pass could not read), in key order:
     * what a pass that listed all of {@code scope} must report removed.
     */
    public List<String> notSeen(String scope, Predicate<String> keep) {
        return collect(scope, (d, slot) -> d.marks[slot] != pass, keep.negate());
    }

    /**
     * The present keys at or under {@code scope} ({@code null}: every key) that {@code stillThere} no longer
     * finds, in key order: what a pass that saw all of {@code scope} must report removed. Reads only the
     * directories of that range, so a pass over one subdirectory does not look at every key.
     */
    public List<String> gone(String scope, Predicate<String> stillThere) {
        return collect(scope, (d, slot) -> true, stillThere.negate());
    }

    /** A test on one slot before its key is made into a string. */
    private interface SlotTest {
        boolean test(Directory d, int slot);
    }

    private List<String> collect(String scope, SlotTest cheap, Predicate<String> wanted) {
        List<String> found = new ArrayList<>();
        if (scope != null) {
            Directory parent = directory(scope, false);
            int slot = parent == null ? -1 : parent.find(scope);
            if (slot >= 0 && (parent.flags[slot] & Directory.PRESENT) != 0 && cheap.test(parent, slot)
                    && wanted.test(scope)) {
                found.add(scope);
            }
        }
        Map<String, Directory> range = scope == null ? directories
                : directories.subMap(scope + "/", true, scope + "0", false);
        for (Directory d : range.values()) {
            for (int slot = 0; slot < d.count; slot++) {
                if ((d.flags[slot] & Directory.PRESENT) != 0 && cheap.test(d, slot)) {
                    String key = d.key(slot);
                    if (wanted.test(key)) {
                        found.add(key);
                    }
                }
            }
        }
        Collections.sort(found);
        return found;
    }

    /** The directory a key's name lives in; {@code null} when none and {@code create} is false. */
    private Directory directory(String key, boolean create) {
        int cut = key.lastIndexOf('/') + 1;
        Directory last = lastDirectory;
        if (last != null && last.prefix.length() == cut && key.startsWith(last.prefix)) {
            return last;
        }
        String prefix = key.substring(0, cut);
        Directory d = directories.get(prefix);
        if (d == null && create) {
            d = new Directory(prefix);
            directories.put(prefix, d);
        }
        if (d != null) {
            lastDirectory = d;
        }
        return d;
    }

    private Known materialize(Directory d, int slot, String key) {
        if ((d.flags[slot] & Directory.UNCOMMON) != 0) {
            Known k = uncommon.get(key);
            Known copy = new Known();
            copy.present = k.present;
            copy.version = k.version;
            copy.token = k.token;
            copy.baseToken = k.baseToken;
            copy.eventTime = k.eventTime;
            copy.earlier = k.earlier == null ? null : new ArrayList<>(k.earlier);
            return copy;
        }
        Known k = new Known();
        k.present = (d.flags[slot] & Directory.PRESENT) != 0;
        k.version = d.versionA[slot] + ":" + d.versionB[slot];
        k.token = (d.flags[slot] & Directory.TOMBSTONE) != 0 ? "removed:" + k.version : k.version;
        k.baseToken = k.version;
        k.eventTime = Instant.ofEpochSecond(0, d.eventNanos[slot]);
        return k;
    }

    /** Packs the key's state into its directory's arrays when it fits, else keeps it in {@link #uncommon}. */
    private void store(Directory d, int slot, String key, Known k) {
        // a present file (token = version), or one removed since (token = removed:<version>): nearly every key
        boolean tombstone = !k.present && k.earlier == null && k.version != null && k.version.equals(k.baseToken)
                && k.token.equals("removed:" + k.version);
        long[] packed = tombstone || (k.earlier == null && k.token.equals(k.version) && k.token.equals(k.baseToken))
                ? pack(k.version) : null;
        long nanos = packed == null ? 0 : epochNanos(k.eventTime);
        if (packed != null && nanos != Long.MIN_VALUE) {
            d.versionA[slot] = packed[0];
            d.versionB[slot] = packed[1];
            d.eventNanos[slot] = nanos;
            d.flags[slot] = k.present ? Directory.PRESENT : tombstone ? Directory.TOMBSTONE : 0;
            uncommon.remove(key);
        } else {
            d.flags[slot] = (byte) (Directory.UNCOMMON | (k.present ? Directory.PRESENT : 0));
            uncommon.put(key, k);
        }
    }

    /** {@code <a>:<b>} as two longs when it reads back exactly so, else {@code null}. */
    static long[] pack(String version) {
        if (version == null) {
            return null;
        }
        int colon = version.indexOf(':');
        if (colon <= 0 || colon == version.length() - 1) {
            return null;
        }
        long a = parseCanonical(version, 0, colon);
        long b = parseCanonical(version, colon + 1, version.length());
        if (a < 0 || b < 0) {
            return null;
        }
        return new long[] {a, b};
    }

    /** A non-negative decimal with no leading zero (so it prints back the same), or -1. */
    private static long parseCanonical(String s, int from, int to) {
        if (to - from > 19 || (s.charAt(from) == '0' && to - from > 1)) {
            return -1;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
            if (v < 0) {
                return -1; // past Long.MAX_VALUE (only a 19-digit number can get here)
            }
        }
        return v;
    }

    /** Whether the key's state is packed into its directory's arrays (for tests: the memory a key costs). */
    boolean packed(String key) {
        Directory d = directory(key, false);
        int slot = d == null ? -1 : d.find(key);
        return slot >= 0 && (d.flags[slot] & Directory.UNCOMMON) == 0;
    }

    /** Nanoseconds since the epoch, or {@link Long#MIN_VALUE} outside what a long holds (about 1677–2262). */
    private static long epochNanos(Instant t) {
        try {
            return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
        } catch (ArithmeticException e) {
            return Long.MIN_VALUE;
        }
    }

    /**
     * The keys of one directory, append-only (a removed key stays as a tombstone): names as UTF-8 in one
     * byte array, an open-addressing index over them, and per slot the packed state.
     */
    private static final class Directory {
        static final byte PRESENT = 1;
        static final byte UNCOMMON = 2;
        /** Removed; its token is {@code removed:<version>}. */
        static final byte TOMBSTONE = 4;

        final String prefix;
        int count;
        byte[] names = new byte[64];
        int namesLength;
        /** Where each slot's name ends in {@link #names}; it starts where the previous one ends. */
        int[] nameEnds = new int[4];
        long[] versionA = new long[4];
        long[] versionB = new long[4];
        long[] eventNanos = new long[4];
        byte[] flags = new byte[4];
        int[] marks = new int[4];
        /** Slot + 1 per bucket, 0 for empty; kept at most half full. */
        int[] index = new int[8];

        Directory(String prefix) {
            this.prefix = prefix;
        }

        /** Whether the slot was last reported present at exactly this packed version. */
        boolean unchanged(int slot, String version) {
            if (flags[slot] != PRESENT) {
                return false;
            }
            long[] packed = pack(version);
            return packed != null && packed[0] == versionA[slot] && packed[1] == versionB[slot];
        }

        String key(int slot) {
            int start = slot == 0 ? 0 : nameEnds[slot - 1];
            return prefix + new String(names, start, nameEnds[slot] - start, java.nio.charset.StandardCharsets.UTF_8);
        }

        int find(String key) {
            byte[] name = nameOf(key);
            int mask = index.length - 1;
            for (int i = hash(name) & mask; ; i = (i + 1) & mask) {
                int entry = index[i];
                if (entry == 0) {
                    return -1;
                }
                if (nameEquals(entry - 1, name)) {
                    return entry - 1;
                }
            }
        }

        int add(String key) {
            byte[] name = nameOf(key);
            if (count == flags.length) {
                int n = count + (count >> 1) + 1;
                nameEnds = java.util.Arrays.copyOf(nameEnds, n);
                versionA = java.util.Arrays.copyOf(versionA, n);
                versionB = java.util.Arrays.copyOf(versionB, n);
                eventNanos = java.util.Arrays.copyOf(eventNanos, n);
                flags = java.util.Arrays.copyOf(flags, n);
                marks = java.util.Arrays.copyOf(marks, n);
            }
            if (namesLength + name.length > names.length) {
                names = java.util.Arrays.copyOf(names, Math.max(namesLength + name.length, names.length + (names.length >> 1)));
            }
            System.arraycopy(name, 0, names, namesLength, name.length);
            namesLength += name.length;
            int slot = count++;
            nameEnds[slot] = namesLength;
            if (count * 2 > index.length) {
                rehash(index.length * 2);
            } else {
                insert(slot, name);
            }
            return slot;
        }

        private void insert(int slot, byte[] name) {
            int mask = index.length - 1;
            int i = hash(name) & mask;
            while (index[i] != 0) {
                i = (i + 1) & mask;
            }
            index[i] = slot + 1;
        }

        private void rehash(int buckets) {
            index = new int[buckets];
            for (int slot = 0; slot < count; slot++) {
                int start = slot == 0 ? 0 : nameEnds[slot - 1];
                insert(slot, java.util.Arrays.copyOfRange(names, start, nameEnds[slot]));
            }
        }

        private byte[] nameOf(String key) {
            return key.substring(prefix.length()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }

        private boolean nameEquals(int slot, byte[] name) {
            int start = slot == 0 ? 0 : nameEnds[slot - 1];
            return java.util.Arrays.equals(names, start, nameEnds[slot], name, 0, name.length);
        }

        private static int hash(byte[] name) {
            int h = 1;
            for (byte b : name) {
                h = 31 * h + b;
            }
            return h ^ (h >>> 16);
        }
    }
}
