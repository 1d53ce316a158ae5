package dev.quiesce.aws.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiesce.Arrival;
import dev.quiesce.s3.testing.S3Server;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/** The test harness sends real-format S3 notifications that {@link S3EventParser} reads back. */
class S3ServerEventsTest {

    private static final String BUCKET = "events";
    private static final List<String> EVENTS = new CopyOnWriteArrayList<>();
    private static S3Server server;
    private final S3EventParser parser = S3EventParser.create();

    @BeforeAll
    static void startServer() {
        server = S3Server.start(EVENTS::add);
        server.client().createBucket(b -> b.bucket(BUCKET));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void forgetEarlierEvents() {
        EVENTS.clear();
    }

    @Test
    void aPutProducesOneEventThatParsesToItsArrival() {
        S3Client s3 = server.client();
        s3.putObject(p -> p.bucket(BUCKET).key("landing/day 1/a+b.csv"), RequestBody.fromString("hello,world\n"));
        HeadObjectResponse head = s3.headObject(h -> h.bucket(BUCKET).key("landing/day 1/a+b.csv"));

        assertThat(EVENTS).hasSize(1);
        assertThat(EVENTS.get(0)).contains("\"eventName\":\"ObjectCreated:Put\"", "\"key\":\"landing/day+1/a%2Bb.csv\"");
        List<Arrival> arrivals = parser.parse(EVENTS.get(0)).arrivals();
        assertThat(arrivals).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo(Arrival.Kind.CREATED);
            assertThat(a.bucket()).isEqualTo(BUCKET);
            assertThat(a.key()).isEqualTo("landing/day 1/a+b.csv");
            assertThat(a.size()).isEqualTo(12);
            assertThat(a.dedupeToken()).hasSize(S3EventParser.SEQUENCER_WIDTH);
            assertThat(head.eTag()).contains(EVENTS.get(0).replaceAll(".*\"eTag\":\"([^\"]+)\".*", "$1"));
        });
    }

    @Test
    void aMultipartUploadProducesOneEventAtCompletion() {
        S3Client s3 = server.client();
        String key = "firehose/batch-0001.gz";
        String uploadId = s3.createMultipartUpload(c -> c.bucket(BUCKET).key(key)).uploadId();
        byte[] first = new byte[5 * 1024 * 1024];
        byte[] second = "tail".getBytes();
        List<CompletedPart> parts = new ArrayList<>();
        String etag1 = s3.uploadPart(u -> u.bucket(BUCKET).key(key).uploadId(uploadId).partNumber(1),
                RequestBody.fromBytes(first)).eTag();
        parts.add(CompletedPart.builder().partNumber(1).eTag(etag1).build());
        String etag2 = s3.uploadPart(u -> u.bucket(BUCKET).key(key).uploadId(uploadId).partNumber(2),
                RequestBody.fromBytes(second)).eTag();
        parts.add(CompletedPart.builder().partNumber(2).eTag(etag2).build());

        assertThat(EVENTS).isEmpty();
        s3.completeMultipartUpload(c -> c.bucket(BUCKET).key(key).uploadId(uploadId)
                .multipartUpload(m -> m.parts(parts)));

        assertThat(EVENTS).singleElement().asString().contains("ObjectCreated:CompleteMultipartUpload");
        assertThat(parser.parse(EVENTS.get(0)).arrivals()).singleElement().satisfies(a -> {
            assertThat(a.key()).isEqualTo(key);
            assertThat(a.size()).isEqualTo(first.length + second.length);
        });
    }

    @Test
    void aDeleteOfAnExistingObjectProducesARemovalAndLaterEventsSortLater() {
        S3Client s3 = server.client();
        s3.putObject(p -> p.bucket(BUCKET).key("gone.csv"), RequestBody.fromString("x"));
        s3.deleteObject(d -> d.bucket(BUCKET).key("gone.csv"));
        s3.deleteObject(d -> d.bucket(BUCKET).key("never-existed.csv"));

        assertThat(EVENTS).hasSize(2);
        Arrival created = parser.parse(EVENTS.get(0)).arrivals().get(0);
        Arrival removed = parser.parse(EVENTS.get(1)).arrivals().get(0);
        assertThat(removed.kind()).isEqualTo(Arrival.Kind.REMOVED);
        assertThat(removed.key()).isEqualTo("gone.csv");
        assertThat(removed.dedupeToken()).isGreaterThan(created.dedupeToken());
    }

    @Test
    void anEmptyObjectProducesAnEventWithSizeZero() {
        server.client().putObject(p -> p.bucket(BUCKET).key("_SUCCESS"), RequestBody.empty());

        assertThat(parser.parse(EVENTS.get(0)).arrivals()).singleElement()
                .satisfies(a -> assertThat(a.size()).isZero())
                .satisfies(a -> assertThat(a.key()).isEqualTo("_SUCCESS"));
    }

    @Test
    void aCopyProducesAnObjectCreatedCopyEvent() {
        S3Client s3 = server.client();
        s3.putObject(p -> p.bucket(BUCKET).key("src.csv"), RequestBody.fromString("abc"));
        EVENTS.clear();

        s3.copyObject(c -> c.sourceBucket(BUCKET).sourceKey("src.csv").destinationBucket(BUCKET).destinationKey("dst.csv"));

        assertThat(EVENTS).singleElement().asString().contains("ObjectCreated:Copy");
        assertThat(parser.parse(EVENTS.get(0)).arrivals()).singleElement()
                .satisfies(a -> assertThat(a.key()).isEqualTo("dst.csv"))
                .satisfies(a -> assertThat(a.size()).isEqualTo(3));
    }
}
