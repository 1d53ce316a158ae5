package dev.quiesce.app.cli;

import dev.quiesce.Dataset;
import dev.quiesce.InvalidConfigurationException;
import dev.quiesce.files.DirectorySource;
import dev.quiesce.s3.S3ListingSource;
import dev.quiesce.s3.S3Location;
import dev.quiesce.port.ArrivalSource;
import dev.quiesce.Arrival;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * What {@code watch} was pointed at: a directory tree or an S3 prefix, with the source that reports its
 * arrivals and the dataset they are counted in.
 *
 * @param name the location as shown, the default observation id's tail, and the dataset id
 * @param source reports arrivals
 * @param dataset the dataset the arrivals route to
 * @param prefix the part of every key before the path relative to what is watched ("" for a directory)
 * @param reader reads an arrival's content (for manifests)
 */
record WatchedLocation(String name, ArrivalSource source, Dataset dataset, String prefix,
                       Function<Arrival, byte[]> reader) {

    /** An arrival's key relative to what is watched. */
    String relative(Arrival arrival) {
        return arrival.key().startsWith(prefix) ? arrival.key().substring(prefix.length()) : arrival.key();
    }

    static final Duration DIRECTORY_RESCAN = Duration.ofSeconds(2);
    static final Duration S3_LISTING_INTERVAL = Duration.ofSeconds(10);

    static WatchedLocation open(String location, List<String> includes, List<String> excludes, Duration rescan,
                                URI endpoint, String region) {
        return open(location, includes, excludes, rescan, endpoint, region, false);
    }

    /** As above; {@code countRecords} reads every new file to count its records (directories only). */
    static WatchedLocation open(String location, List<String> includes, List<String> excludes, Duration rescan,
                                URI endpoint, String region, boolean countRecords) {
        return open(location, includes, excludes, rescan, endpoint, region, countRecords, DirectorySource.DEFAULT_SETTLE);
    }

    /** As above; a file in a directory counts once it kept its size and mtime for {@code settle}. */
    static WatchedLocation open(String location, List<String> includes, List<String> excludes, Duration rescan,
                                URI endpoint, String region, boolean countRecords, Duration settle) {
        if (location.startsWith("s3://") || location.startsWith("s3a://")) {
            if (countRecords) {
                throw new InvalidConfigurationException("records are counted in directories only so far;"
                        + " for S3 declare objects or bytes (--expect-unit)");
            }
            S3Location s3 = S3Location.parse(location);
            S3Client client = s3Client(endpoint, region);
            S3ListingSource source = S3ListingSource.builder(client, s3)
                    .include(includes.toArray(String[]::new))
                    .exclude(excludes.toArray(String[]::new))
                    .pollInterval(rescan != null ? rescan : S3_LISTING_INTERVAL)
                    .build();
            String dir = s3.prefix().contains("/") ? s3.prefix().substring(0, s3.prefix().lastIndexOf('/') + 1) : "";
            return new WatchedLocation(s3.toString(), source, Dataset.of(s3.toString(), s3.bucket(), s3.prefix()), dir,
                    a -> client.getObjectAsBytes(r -> r.bucket(a.bucket()).key(a.key())).asByteArray());
        }
        if (endpoint != null || region != null) {
            throw new InvalidConfigurationException("--endpoint-url and --region apply to s3:// locations only");
        }
        DirectorySource source = DirectorySource.builder(Path.of(location))
                .include(includes.toArray(String[]::new))
                .exclude(excludes.toArray(String[]::new))
                .rescanInterval(rescan != null ? rescan : DIRECTORY_RESCAN)
                .countRecords(countRecords)
                .settle(settle)
                .build();
        return new WatchedLocation(source.bucket(), source, Dataset.of(source.bucket(), source.bucket()), "",
                a -> read(Path.of(a.bucket()).resolve(a.key())));
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static S3Client s3Client(URI endpoint, String region) {
        S3ClientBuilder b = S3Client.builder().httpClient(UrlConnectionHttpClient.create());
        if (endpoint != null) {
            b.endpointOverride(endpoint).forcePathStyle(true);
        }
        if (region != null) {
            b.region(Region.of(region));
        }
        try {
            return b.build();
        } catch (SdkClientException e) {
            throw new InvalidConfigurationException("cannot set up the S3 client: " + e.getMessage()
                    + " (set AWS_REGION or pass --region)", e);
        }
    }
}
