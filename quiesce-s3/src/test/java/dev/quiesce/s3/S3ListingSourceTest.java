package dev.quiesce.s3;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.quiesce.Arrival;
import dev.quiesce.InvalidConfigurationException;
import dev.quiesce.s3.testing.S3Server;
import dev.quiesce.port.contract.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;

class S3ListingSourceTest {

    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static final AtomicInteger LIST_CALLS = new AtomicInteger();
    private static S3Server server;
    /** A client of our own, counting ListObjectsV2 calls, built the way callers build one for a local store. */
    private static S3Client client;

    private String bucket;
    private final List<Arrival> arrivals = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startServer() {
        server = S3Server.start(event -> { });
        client = S3Client.builder()
                .endpointOverride(server.endpoint())
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(S3Server.CREDENTIAL, S3Server.CREDENTIAL)))
                .httpClient(UrlConnectionHttpClient.create())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                // HttpURLConnection cannot send an empty body after "Expect: 100-continue" to S3Proxy
                .serviceConfiguration(S3Configuration.builder().expectContinueEnabled(false).build())
                .overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                        if (context.request() instanceof ListObjectsV2Request) {
                            LIST_CALLS.incrementAndGet();
                        }
                    }
                }))
                .build();
    }

    @AfterAll
    static void stopServer() {
        client.close();
        server.close();
    }

    @BeforeEach
    void freshBucket(TestInfo test) {
        bucket = "listing-" + BUCKETS.incrementAndGet();
        client.createBucket(b -> b.bucket(bucket));
        LIST_CALLS.set(0);
    }

    private void put(String key, String content) {
        client.putObject(p -> p.bucket(bucket).key(key), RequestBody.fromString(content));
    }

    private void delete(String key) {
        client.deleteObject(d -> d.bucket(bucket).key(key));
    }

    private S3ListingSource.Builder source(String prefix) {
        return S3ListingSource.builder(client, bucket, prefix);
    }

    @Test
    void emitsEveryObjectOnceWalkingAllPages() {
        IntStream.range(0, 25).forEach(i -> put(String.format("landing/part-%04d.json", i), "x".repeat(i)));
        S3ListingSource source = source("landing/").pageSize(7).build();

        int emitted = source.scanOnce(arrivals::add);

        assertThat(emitted).isEqualTo(25);
        assertThat(LIST_CALLS.get()).isEqualTo(4); // 7 + 7 + 7 + 4
        assertThat(arrivals).extracting(Arrival::key).doesNotHaveDuplicates().hasSize(25)
                .contains("landing/part-0000.json", "landing/part-0024.json");
        Arrival last = arrivals.get(24);
        assertThat(last.kind()).isEqualTo(Arrival.Kind.CREATED);
        assertThat(last.bucket()).isEqualTo(bucket);
        assertThat(last.size()).isEqualTo(24);
        assertThat(last.dedupeToken()).matches("[0-9a-f]{32}:24@[0-9]+");
        assertThat(last.version()).matches("[0-9a-f]{32}:24");
        assertThat(source.scanOnce(arrivals::add)).isZero();
    }

    @Test
    void walksMoreThanOneFullPageOfAThousandKeys() {
        IntStream.range(0, 1003).forEach(i -> put("k/" + i, "x"));

        int emitted = source("k/").build().scanOnce(arrivals::add);

        assertThat(emitted).isEqualTo(1003);
        assertThat(LIST_CALLS.get()).isEqualTo(2);
    }

    @Test
    void emitsAnOverwriteWithATokenNeverUsedBefore() {
        put("a.csv", "x");
        S3ListingSource source = source("").build();
        source.scanOnce(arrivals::add);
        put("a.csv", "yy");
        source.scanOnce(arrivals::add);
        put("a.csv", "x"); // back to the first content: still a change

        source.scanOnce(arrivals::add);

        assertThat(arrivals).extracting(Arrival::size).containsExactly(1L, 2L, 1L);
        assertThat(arrivals).extracting(Arrival::dedupeToken).doesNotHaveDuplicates();
        assertThat(Arrival.VERSION_ORDER.compare(arrivals.get(2), arrivals.get(1))).isPositive();
        assertThat(Arrival.VERSION_ORDER.compare(arrivals.get(1), arrivals.get(0))).isPositive();
    }

    @Test
    void emitsARemovalStampedWithTheClock() {
        put("a.csv", "x");
        MutableClock clock = MutableClock.at(Instant.now().plus(Duration.ofHours(1)));
        S3ListingSource source = source("").clock(clock).build();
        source.scanOnce(arrivals::add);
        delete("a.csv");

        assertThat(source.scanOnce(arrivals::add)).isEqualTo(1);

        assertThat(arrivals.get(1)).isEqualTo(Arrival.removed(bucket, "a.csv", clock.instant(),
                "removed:" + arrivals.get(0).dedupeToken()));
        assertThat(source.scanOnce(arrivals::add)).isZero();
    }

    @Test
    void neverStampsARemovalBeforeTheKeysLastEvent() {
        put("a.csv", "x");
        S3ListingSource source = source("").clock(MutableClock.at("2000-01-01T00:00:00Z")).build();
        source.scanOnce(arrivals::add);
        delete("a.csv");

        source.scanOnce(arrivals::add);

        assertThat(arrivals.get(1).eventTime()).isEqualTo(arrivals.get(0).eventTime().plusNanos(1));
    }

    @Test
    void givesARecreatedObjectADistinctTokenAndALaterTime() {
        put("a.csv", "x");
        S3ListingSource source = source("").clock(MutableClock.at("2000-01-01T00:00:00Z")).build();
        source.scanOnce(arrivals::add);
        delete("a.csv");
        source.scanOnce(arrivals::add);
        put("a.csv", "x");

        source.scanOnce(arrivals::add);

        assertThat(arrivals).extracting(Arrival::kind)
                .containsExactly(Arrival.Kind.CREATED, Arrival.Kind.REMOVED, Arrival.Kind.CREATED);
        assertThat(arrivals).extracting(Arrival::dedupeToken).doesNotHaveDuplicates();
        assertThat(arrivals.get(2).eventTime()).isAfter(arrivals.get(1).eventTime());
    }

    @Test
    void ignoresKeysStillBeingWrittenAndDirectoryMarkers() {
        List.of("in/a.csv", "in/.hidden", "in/x.tmp", "in/y.PART", "in/z.crdownload", "in/_temporary/0/part-0",
                "in/.staging/b.csv", "in/sub/", "in/sub/c.csv", "in/_SUCCESS").forEach(k -> put(k, "1"));

        source("in/").build().scanOnce(arrivals::add);

        assertThat(arrivals).extracting(Arrival::key)
                .containsExactlyInAnyOrder("in/a.csv", "in/sub/c.csv", "in/_SUCCESS");
    }

    @Test
    void matchesGlobsAgainstTheKeyRelativeToThePrefixDirectory() {
        List.of("landing/2024/a.csv", "landing/2024/b.json", "landing/2024-01/c.csv", "landing/2024/archive/d.csv",
                "other/2024/e.csv").forEach(k -> put(k, "1"));

        source("landing/2024").include("*.csv").exclude("*/archive/**").build().scanOnce(arrivals::add);

        assertThat(arrivals).extracting(Arrival::key)
                .containsExactlyInAnyOrder("landing/2024/a.csv", "landing/2024-01/c.csv");
    }

    @Test
    void matchesAGlobWithASlashAgainstTheWholeRelativeKey() {
        List.of("landing/2024/a.csv", "landing/2025/a.csv", "landing/2024/x/a.csv").forEach(k -> put(k, "1"));

        source("landing/").include("2024/*.csv").build().scanOnce(arrivals::add);

        assertThat(arrivals).extracting(Arrival::key).containsExactly("landing/2024/a.csv");
    }

    @Test
    void reportsAMissingBucketAsConfiguration() {
        S3ListingSource source = S3ListingSource.builder(client, "no-such-bucket", "").build();

        assertThatThrownBy(() -> source.scanOnce(arrivals::add))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("bucket 'no-such-bucket' does not exist");
    }

    @Test
    void pollsInTheBackgroundOnceStarted() {
        put("a.csv", "x");
        try (S3ListingSource source = source("").pollInterval(Duration.ofMillis(20)).build()) {
            source.start(arrivals::add);
            assertThat(arrivals).extracting(Arrival::key).containsExactly("a.csv");

            put("b.csv", "y");
            delete("a.csv");

            await().atMost(ofSeconds(5)).untilAsserted(() -> assertThat(arrivals)
                    .extracting(a -> a.kind() + " " + a.key())
                    .containsExactly("CREATED a.csv", "CREATED b.csv", "REMOVED a.csv"));
        }
    }

    @Test
    void retriesAtTheNextPollWhenTheSinkFails() {
        AtomicBoolean failOnce = new AtomicBoolean(false);
        List<Arrival> accepted = new ArrayList<>();
        try (S3ListingSource source = source("").pollInterval(Duration.ofMillis(20)).build()) {
            source.start(a -> {
                if (failOnce.compareAndSet(true, false)) {
                    throw new IllegalStateException("store unavailable");
                }
                synchronized (accepted) {
                    accepted.add(a);
                }
            });
            failOnce.set(true);
            put("a.csv", "x");

            await().atMost(ofSeconds(5)).untilAsserted(() -> {
                synchronized (accepted) {
                    assertThat(accepted).extracting(Arrival::key).containsExactly("a.csv");
                }
            });
            assertThat(failOnce).isFalse();
        }
    }

    @Test
    void refusesToScanWhenClosedOrToStartTwice() {
        S3ListingSource source = source("").pollInterval(Duration.ofSeconds(60)).build();
        source.start(arrivals::add);

        assertThatThrownBy(() -> source.start(arrivals::add)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already started");
        source.close();
        source.close();
        assertThatThrownBy(() -> source.scanOnce(arrivals::add)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is closed");
    }

    @Test
    void startFailsAndClosesWhenTheBucketIsMissing() {
        S3ListingSource source = S3ListingSource.builder(client, "no-such-bucket", "x/").build();

        assertThatThrownBy(() -> source.start(arrivals::add)).isInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> source.scanOnce(arrivals::add)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void checksItsConfiguration() {
        assertThatThrownBy(() -> source("").pageSize(0)).isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("page size must be between 1 and 1000, was 0");
        assertThatThrownBy(() -> source("").pageSize(1001)).isInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> source("").pollInterval(Duration.ZERO))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("poll interval");
        assertThatThrownBy(() -> source("").include("[a")).isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("invalid include glob '[a'");
        assertThatThrownBy(() -> source("").exclude(" ")).isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("exclude glob must not be blank");
        assertThatThrownBy(() -> S3ListingSource.builder(client, "bad bucket", "").build())
                .isInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> S3ListingSource.builder(null, "b", "")).isInstanceOf(NullPointerException.class);
    }

    @Test
    void buildsFromALocation() {
        S3ListingSource source = S3ListingSource.builder(client, S3Location.parse("s3://" + bucket + "/in/")).build();

        assertThat(source.bucket()).isEqualTo(bucket);
        assertThat(source.prefix()).isEqualTo("in/");
        assertThat(source.pollInterval()).isEqualTo(S3ListingSource.DEFAULT_POLL_INTERVAL);
    }
}
