package dev.quiesce;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What one observation watches: a bucket (or directory) and the key prefixes within it.
 *
 * <p>An empty prefix list, or the prefix {@code ""}, means the whole bucket. Instances are immutable.
 *
 * @param id the name the tally is kept under
 * @param bucket the bucket or directory
 * @param prefixes key prefixes that belong to this dataset
 */
public record Dataset(String id, String bucket, List<String> prefixes) {

    public Dataset {
        requireNonNull(id, "id");
        requireNonNull(bucket, "bucket");
        if (id.isBlank()) {
            throw new IllegalArgumentException("dataset id must not be blank");
        }
        prefixes = prefixes == null || prefixes.isEmpty() ? List.of("") : List.copyOf(prefixes);
    }

    /** A dataset over the given prefixes of a bucket (the whole bucket when none are given). */
    public static Dataset of(String id, String bucket, String... prefixes) {
        return new Dataset(id, bucket, List.of(prefixes));
    }

    /**
     * The length of the longest of this dataset's prefixes that the arrival's key starts with, or -1
     * when the arrival is not part of this dataset. Routing picks the longest match.
     */
    public int match(Arrival arrival) {
        if (!bucket.equals(arrival.bucket())) {
            return -1;
        }
        int best = -1;
        for (String prefix : prefixes) {
            if (arrival.key().startsWith(prefix) && prefix.length() > best) {
                best = prefix.length();
            }
        }
        return best;
    }
}
