package dev.quiesce;

import java.util.List;

/**
 * Which objects of a dataset one producer wrote, as its manifest says: the keys it lists, the key
 * prefix it writes under, both, or neither. With it a shortfall can be pinned on a producer ("loader-C
 * declared 3 objects, 2 landed (missing: in/C/c3)") rather than only summed. Keys are as the tally
 * store records them. Instances are immutable.
 *
 * @param keys the producer's object keys; empty when not listed
 * @param prefix the key prefix all its objects are under, or {@code null}
 */
public record Attribution(List<String> keys, String prefix) {

    /** Nothing attributable. */
    public static final Attribution NONE = new Attribution(List.of(), null);

    public Attribution {
        keys = List.copyOf(keys);
        for (String k : keys) {
            // stores keep the list one key per line
            if (k.isEmpty() || k.indexOf('\n') >= 0 || k.indexOf('\r') >= 0) {
                throw new InvalidConfigurationException("attributed keys must be non-empty without line breaks");
            }
        }
        if (prefix != null && prefix.isEmpty()) {
            prefix = null;
        }
    }

    /** Whether it says anything: listed keys or a prefix. */
    public boolean known() {
        return !keys.isEmpty() || prefix != null;
    }

    /** The same attribution with {@code base} put before every key and the prefix (an S3 prefix, say). */
    public Attribution under(String base) {
        if (base == null || base.isEmpty() || !known()) {
            return this;
        }
        return new Attribution(keys.stream().map(k -> base + k).toList(), prefix == null ? null : base + prefix);
    }
}
