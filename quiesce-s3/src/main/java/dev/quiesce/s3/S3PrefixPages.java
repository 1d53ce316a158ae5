package dev.quiesce.s3;

import static java.util.Objects.requireNonNull;

import dev.quiesce.Arrival;
import dev.quiesce.InvalidConfigurationException;
import dev.quiesce.KeyFilter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An S3 prefix listed one {@code ListObjectsV2} page at a time, each object as the arrival a fresh
 * {@link S3ListingSource} reports for it: for a backfill, which must be able to stop after any page and
 * go on later from the page's continuation token.
 *
 * <p>Every object gets the token {@code <eTag>:<size>@<last-modified millis>} and version
 * {@code <eTag>:<size>}, made only of what the listing shows: listing the same object again, in this
 * process or another, by a backfill or a listing watch, gives the same token, which tally stores count
 * once. Keys the listing source ignores (still being written, directory markers, outside the filter) are
 * skipped. Stateless and thread-safe; the caller owns the client.
 */
public final class S3PrefixPages {

    /** One listed page. */
    public record Page(List<Arrival> arrivals, int skipped, String continuation) {

        /** Whether this was the prefix's last page. */
        public boolean last() {
            return continuation == null;
        }
    }

    private final S3Client client;
    private final S3Location location;
    private final String prefixDirectory;
    private final KeyFilter filter;
    private final int pageSize;

    /**
     * @param pageSize keys per request, 1 to 1000
     * @throws IllegalArgumentException if {@code pageSize} is out of range
     */
    public S3PrefixPages(S3Client client, S3Location location, KeyFilter filter, int pageSize) {
        this.client = requireNonNull(client, "client");
        this.location = requireNonNull(location, "location");
        this.filter = requireNonNull(filter, "filter");
        if (pageSize < 1 || pageSize > 1000) {
            throw new IllegalArgumentException("pageSize must be 1 to 1000, was " + pageSize);
        }
        this.pageSize = pageSize;
        String prefix = location.prefix();
        this.prefixDirectory = prefix.substring(0, prefix.lastIndexOf('/') + 1);
    }

    /**
     * Lists the page after {@code continuation} ({@code null}: the first page).
     *
     * @param now the event time of an object the listing gives no last-modified time
     * @throws InvalidConfigurationException if the bucket does not exist or listing it is denied, or there
     *     are no credentials
     * @throws dev.quiesce.SourceUnreachableException if the endpoint cannot be reached
     */
    public Page page(String continuation, Instant now) {
        ListObjectsV2Request.Builder request = ListObjectsV2Request.builder()
                .bucket(location.bucket()).maxKeys(pageSize).continuationToken(continuation);
        if (!location.prefix().isEmpty()) {
            request.prefix(location.prefix());
        }
        ListObjectsV2Response response = list(client, request.build(), location.toString());
        List<Arrival> arrivals = new ArrayList<>(response.contents().size());
        int skipped = 0;
        for (S3Object o : response.contents()) {
            String relative = o.key().substring(Math.min(prefixDirectory.length(), o.key().length()));
            if (o.key().startsWith(prefixDirectory) && filter.accepts(relative)) {
                arrivals.add(arrival(location.bucket(), o, now));
            } else {
                skipped++;
            }
        }
        String next = Boolean.TRUE.equals(response.isTruncated()) ? response.nextContinuationToken() : null;
        return new Page(arrivals, skipped, next);
    }

    /** The arrival a first listing of {@code o} reports (see the class comment). */
    static Arrival arrival(String bucket, S3Object o, Instant now) {
        long size = o.size() == null ? 0 : o.size();
        Instant modified = modified(o, now);
        String version = version(o);
        return Arrival.created(bucket, o.key(), size, modified, token(version, modified)).withVersion(version);
    }

    /** {@code <eTag>:<size>}, the eTag without its quotes: what the key-set digest covers. */
    static String version(S3Object o) {
        return unquote(o.eTag()) + ":" + (o.size() == null ? 0 : o.size());
    }

    /** The listing's time is part of the token: the same content written again later is a new event. */
    static String token(String version, Instant modified) {
        return version + "@" + modified.toEpochMilli();
    }

    static Instant modified(S3Object o, Instant now) {
        return o.lastModified() != null ? o.lastModified() : now;
    }

    /** One {@code ListObjectsV2} call, its failures turned into what a user can act on. */
    static ListObjectsV2Response list(S3Client client, ListObjectsV2Request request, String location) {
        try {
            return client.listObjectsV2(request);
        } catch (NoSuchBucketException e) {
            throw new InvalidConfigurationException("bucket '" + request.bucket() + "' does not exist (listing "
                    + location + "); check the bucket name, the region and the endpoint", e);
        } catch (S3Exception e) {
            if (e.statusCode() == 403) {
                throw new InvalidConfigurationException("listing " + location + " was denied ("
                        + e.awsErrorDetails().errorCode() + "); grant s3:ListBucket on the bucket to these"
                        + " credentials", e);
            }
            throw e;
        } catch (SdkClientException e) {
            throw S3ListingSource.setupFailure(e);
        }
    }

    private static String unquote(String etag) {
        if (etag == null) {
            return "";
        }
        return etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")
                ? etag.substring(1, etag.length() - 1) : etag;
    }
}
