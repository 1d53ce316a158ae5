package dev.quiesce.app.cli;

import dev.quiesce.Arrival;
import dev.quiesce.KeyDigest;
import dev.quiesce.manifest.Manifest;
import dev.quiesce.port.ArrivalSource;
import java.net.URI;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The keys a location holds now, with their versions, listed exactly as {@code watch} would count them:
 * by one pass of the same source (directory walk or ListObjectsV2), with the same filters, and without
 * the manifests and {@code _SUCCESS} markers that {@link DeclaringSink} keeps out of the tally.
 *
 * @param keys the data keys at their versions, in key order
 */
record LocationListing(SortedMap<String, CertificateFile.Key> keys) {

    LocationListing {
        keys = Collections.unmodifiableSortedMap(new TreeMap<>(keys));
    }

    /**
     * Lists {@code location} once.
     *
     * @throws dev.quiesce.InvalidConfigurationException if the location cannot be listed (missing
     *     directory or bucket, denied listing, bad filter)
     */
    static LocationListing of(String location, List<String> includes, List<String> excludes, String manifests,
                              URI endpoint, String region) {
        // what is there now, files just written included: verifying is not watching for them to settle
        WatchedLocation where = WatchedLocation.open(location, includes, excludes, null, endpoint, region, false,
                java.time.Duration.ZERO);
        SortedMap<String, CertificateFile.Key> keys = new TreeMap<>();
        // a first pass of a fresh source reports every present key once, as a creation at its version
        try (ArrivalSource source = where.source()) {
            source.scanOnce(a -> {
                if (a.kind() == Arrival.Kind.CREATED && !Manifest.isManifest(where.relative(a), manifests)) {
                    keys.put(a.key(), new CertificateFile.Key(a.key(), a.version(), a.size()));
                }
            });
        }
        return new LocationListing(keys);
    }

    /** The key-set digest of what was listed. */
    long digest() {
        long sum = 0;
        for (CertificateFile.Key k : keys.values()) {
            sum += k.digest();
        }
        return sum;
    }

    /** Total size of the listed keys. */
    long bytes() {
        return keys.values().stream().mapToLong(CertificateFile.Key::size).sum();
    }

    /** The digest as printed. */
    String digestHex() {
        return KeyDigest.format(digest());
    }
}
