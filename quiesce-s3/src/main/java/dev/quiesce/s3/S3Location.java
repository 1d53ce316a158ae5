package dev.quiesce.s3;

import static java.util.Objects.requireNonNull;

import dev.quiesce.InvalidConfigurationException;
import java.util.Locale;

/**
 * A bucket and a key prefix, as written {@code s3://bucket/prefix}: what {@code quiesce watch} lists
 * when it watches S3 or an S3-compatible store.
 *
 * <p>The prefix is everything after the first {@code /} following the bucket, taken literally (no
 * percent-decoding, since S3 keys may contain {@code %}); it may be empty, meaning the whole bucket.
 * Bucket names may use letters, digits, {@code .}, {@code -} and {@code _} (S3-compatible stores
 * allow more than AWS's lower-case rule). Immutable.
 *
 * @param bucket the bucket name, never empty
 * @param prefix the key prefix, possibly empty
 */
public record S3Location(String bucket, String prefix) {

    private static final String SCHEME = "s3://";

    /**
     * @throws NullPointerException if {@code bucket} or {@code prefix} is null
     * @throws InvalidConfigurationException if {@code bucket} is not a bucket name
     */
    public S3Location {
        requireNonNull(bucket, "bucket");
        requireNonNull(prefix, "prefix");
        checkBucket(bucket, SCHEME + bucket + "/" + prefix);
    }

    /**
     * Reads {@code s3://bucket} or {@code s3://bucket/prefix}.
     *
     * @throws InvalidConfigurationException if {@code uri} is null, blank, not an {@code s3://} URI or
     *     names no valid bucket; the message shows the expected form
     */
    public static S3Location parse(String uri) {
        if (uri == null || uri.isBlank()) {
            throw new InvalidConfigurationException("missing S3 location: use s3://bucket or s3://bucket/prefix");
        }
        String text = uri.strip();
        if (!text.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            int colon = text.indexOf("://");
            String scheme = colon > 0 ? text.substring(0, colon).toLowerCase(Locale.ROOT) : null;
            String hint = scheme != null && (scheme.equals("s3a") || scheme.equals("s3n"))
                    ? "; " + scheme + ":// is Hadoop's name for it, write s3:// instead"
                    : "";
            throw new InvalidConfigurationException("not an S3 location: '" + uri
                    + "'; use s3://bucket or s3://bucket/prefix" + hint);
        }
        String rest = text.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        checkBucket(bucket, uri);
        return new S3Location(bucket, prefix);
    }

    private static void checkBucket(String bucket, String uri) {
        if (bucket.isEmpty()) {
            throw new InvalidConfigurationException("no bucket in S3 location '" + uri
                    + "'; use s3://bucket or s3://bucket/prefix");
        }
        if (bucket.length() > 255) {
            throw new InvalidConfigurationException("bucket name in S3 location '" + uri
                    + "' is longer than 255 characters");
        }
        for (int i = 0; i < bucket.length(); i++) {
            char c = bucket.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '.' || c == '-' || c == '_';
            if (!ok) {
                throw new InvalidConfigurationException("bucket name '" + bucket + "' in S3 location '" + uri
                        + "' has the character '" + c + "' at index " + i
                        + "; bucket names use letters, digits, '.', '-' and '_'");
            }
        }
    }

    /** The location as {@code s3://bucket/prefix}. */
    @Override
    public String toString() {
        return SCHEME + bucket + "/" + prefix;
    }
}
