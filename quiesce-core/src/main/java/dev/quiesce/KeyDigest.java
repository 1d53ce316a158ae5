package dev.quiesce;

import java.util.Locale;

/**
 * An order-independent digest of a set of (key, version) pairs: the sum, modulo 2<sup>64</sup>, of a
 * 64-bit hash of each pair. A store keeps it incrementally with the tally (add a pair's hash when a key
 * gets a version, subtract it when the version is overwritten or removed), so it costs one addition per
 * arrival and needs no list of keys; a listing of the location gives the same number when, and only
 * when (but for a 2<sup>-64</sup> chance), it holds exactly the same keys at the same versions. It
 * detects accidental differences, not an adversary who crafts keys.
 */
public final class KeyDigest {

    private KeyDigest() {
    }

    /**
     * The hash of one key at one version; a {@code null} version (the source does not know one) stands
     * for the size alone.
     */
    public static long of(String key, String version, long size) {
        long h = 0xcbf29ce484222325L;
        h = mix(h, key);
        h = (h ^ 0x1F) * 0x100000001b3L; // a separator no key or version character collides with
        h = mix(h, version != null ? version : Long.toString(size));
        return finish(h);
    }

    /** The hash of an arrival's key at its version; 0 for a removal (removed keys are not in the set). */
    public static long of(Arrival a) {
        return a == null || a.kind() == Arrival.Kind.REMOVED ? 0 : of(a.key(), a.version(), a.size());
    }

    /** The digest as 16 hexadecimal digits, as certificates print it. */
    public static String format(long digest) {
        return String.format(Locale.ROOT, "%016x", digest);
    }

    /** The digest from its {@linkplain #format printed} form. */
    public static long parse(String hex) {
        return Long.parseUnsignedLong(hex, 16);
    }

    /** FNV-1a over the UTF-16 units: cheap, and {@link #finish} spreads its weak bits. */
    private static long mix(long h, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            h = (h ^ (c & 0xFF)) * 0x100000001b3L;
            h = (h ^ (c >>> 8)) * 0x100000001b3L;
        }
        return h;
    }

    /** MurmurHash3's 64-bit finaliser: every input bit affects every output bit. */
    private static long finish(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
