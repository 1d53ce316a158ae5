package dev.quiesce.app.cli;

import dev.quiesce.Dataset;
import dev.quiesce.InvalidConfigurationException;
import dev.quiesce.app.source.DirectorySource;
import dev.quiesce.aws.s3.S3ListingSource;
import dev.quiesce.aws.s3.S3Location;
import dev.quiesce.port.ArrivalSource;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * What {@code watch} was pointed at: a directory tree or an S3 prefix, with the source that reports its
 * arrivals and the dataset they are counted in.
 *
 * @param name the location as shown and used in the default observation id
 * @param source reports arrivals
 * @param dataset the dataset the arrivals route to
 */
record WatchedLocation(String name, ArrivalSource source, Dataset dataset) {

    static final Duration DIRECTORY_RESCAN = Duration.ofSeconds(2);
    static final Duration S3_LISTING_INTERVAL = Duration.ofSeconds(10);

    static WatchedLocation open(String location, List<String> includes, List<String> excludes, Duration rescan,
                                URI endpoint, String region) {
        if (location.startsWith("s3://") || location.startsWith("s3a://")) {
            S3Location s3 = S3Location.parse(location);
            S3ListingSource source = S3ListingSource.builder(s3Client(endpoint, region), s3)
                    .include(includes.toArray(String[]::new))
                    .exclude(excludes.toArray(String[]::new))
                    .pollInterval(rescan != null ? rescan : S3_LISTING_INTERVAL)
                    .build();
            return new WatchedLocation(s3.toString(), source, Dataset.of(s3.toString(), s3.bucket(), s3.prefix()));
        }
        if (endpoint != null || region != null) {
            throw new InvalidConfigurationException("--endpoint-url and --region apply to s3:// locations only");
        }
        DirectorySource source = DirectorySource.builder(Path.of(location))
                .include(includes.toArray(String[]::new))
                .exclude(excludes.toArray(String[]::new))
                .rescanInterval(rescan != null ? rescan : DIRECTORY_RESCAN)
                .build();
        return new WatchedLocation(source.bucket(), source, Dataset.of(source.bucket(), source.bucket()));
    }

    private static S3Client s3Client(URI endpoint, String region) {
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
