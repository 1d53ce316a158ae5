package dev.quiesce.s3.testing;

import static java.util.Objects.requireNonNull;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An S3-compatible server for tests (S3Proxy, in process, objects in memory) that also sends the
 * S3 event notifications real S3 would: S3Proxy itself answers bucket notification configuration
 * with 501.
 *
 * <p>Every object written through the S3 API (put, copy, completed multipart upload) and every
 * existing object deleted produces one event notification JSON, {@code {"Records":[…]}} with one
 * record in the format of S3's "Event message structure" (event version 2.1, {@code aws:s3},
 * region {@code us-east-1}, the key URL-encoded as S3 encodes it, size and eTag of the stored
 * object, a sequencer that increases with every event), handed to the consumer given to
 * {@link #start}. Event names are {@code ObjectCreated:Put}, {@code ObjectCreated:Copy},
 * {@code ObjectCreated:CompleteMultipartUpload} and {@code ObjectRemoved:Delete}; deleting a key
 * that does not exist produces no event, and neither do the stub blobs S3Proxy keeps while a
 * multipart upload is open ({@code .s3proxy-mpu-stub-*}), which clients never see. The consumer is called on the server's request thread after
 * the change is stored and before the client gets its response; if it throws, the failure is logged
 * and the request still succeeds.
 *
 * <p>{@link #client()} is an {@link S3Client} for it: path-style, static dummy credentials, region
 * {@code us-east-1}, the Apache HTTP client, checksums only where required, and no
 * {@code Expect: 100-continue} (with it, {@code HttpURLConnection} cannot PUT an empty object to
 * S3Proxy; build other clients for this server the same way). Loading this class turns HTTP
 * keep-alive off for {@code HttpURLConnection} in the test JVM (see the static initializer: with it,
 * the SDK sometimes retried a PUT S3Proxy had already stored, doubling its event). Thread-safe; {@link #close()} stops the server.
 *
 * <pre>{@code
 * List<String> events = new CopyOnWriteArrayList<>();
 * try (S3Server s3 = S3Server.start(events::add)) {
 *     s3.client().createBucket(b -> b.bucket("landing"));
 *     s3.client().putObject(p -> p.bucket("landing").key("a.csv"), RequestBody.fromString("x"));
 *     // events holds one ObjectCreated:Put notification
 * }
 * }</pre>
 */
public final class S3Server implements AutoCloseable {

    /** The access key and secret the server accepts. */
    public static final String CREDENTIAL = "dummy";
    /** The environment a child process (the {@code quiesce} command) needs to reach this server. */
    public static final java.util.Map<String, String> CLIENT_ENVIRONMENT = java.util.Map.of(
            "AWS_ACCESS_KEY_ID", CREDENTIAL, "AWS_SECRET_ACCESS_KEY", CREDENTIAL, "AWS_REGION", "us-east-1");

    private static final Logger LOG = LoggerFactory.getLogger(S3Server.class);
    private static final DateTimeFormatter EVENT_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    static {
        // HttpURLConnection reuses a kept-alive connection that S3Proxy's Jetty has given up on: the SDK
        // then sees "Error writing request body to server" and retries a PUT the server already stored,
        // so one put became two events about once in three runs. Without keep-alive that never happened.
        // The JDK reads this property once, when HttpURLConnection is first used in the JVM, so the
        // module's surefire configuration sets it at JVM start; this covers runs outside Maven.
        System.setProperty("http.keepAlive", "false");
    }

    private volatile S3Proxy proxy;
    private final BlobStore store;
    private final URI endpoint;
    private final S3Client client;

    private S3Server(S3Proxy proxy, BlobStore store, URI endpoint) {
        this.proxy = proxy;
        this.store = store;
        this.endpoint = endpoint;
        this.client = S3Client.builder()
                .endpointOverride(endpoint)
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(CREDENTIAL, CREDENTIAL)))
                // the JDK's HttpURLConnection now and then fails to finish a PUT that S3Proxy has already
                // stored, and the SDK's retry then stores it (and emits its event) again; the Apache
                // client does not (the production code keeps UrlConnection: it only lists, and lists are
                // safe to retry)
                .httpClient(Apache5HttpClient.create())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                // With "Expect: 100-continue", HttpURLConnection fails to PUT an empty body to S3Proxy
                // ("Error writing request body to server"); real S3 does not care either way.
                .serviceConfiguration(S3Configuration.builder().expectContinueEnabled(false).build())
                .build();
    }

    /**
     * Starts a server on a free port of 127.0.0.1 that sends every event notification to {@code events}.
     *
     * @throws NullPointerException if {@code events} is null
     * @throws IllegalStateException if the server does not start within 10 s
     */
    public static S3Server start(Consumer<String> events) {
        requireNonNull(events, "events");
        BlobStore store = new NotifyingBlobStore(new TransientNio2BlobStore(), events);
        S3Proxy proxy = startProxy(store, 0);
        URI endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
        LOG.debug("s3server.started endpoint={}", endpoint);
        return new S3Server(proxy, store, endpoint);
    }

    private static S3Proxy startProxy(BlobStore store, int port) {
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, CREDENTIAL, CREDENTIAL)
                .build();
        try {
            proxy.start();
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not start: " + e, e);
        }
        await("S3Proxy started").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .until(() -> "STARTED".equals(proxy.getState()));
        return proxy;
    }

    /** Takes the server off the network (an outage); what it stores is kept for {@link #restart()}. */
    public void stop() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not stop: " + e, e);
        }
    }

    /** Brings a {@link #stop() stopped} server back on the same endpoint, with everything it stored. */
    public void restart() {
        proxy = startProxy(store, endpoint.getPort());
    }

    /** Stores an object behind the network's back, as a write during an outage of the listing path would. */
    public void putDirectly(String bucket, String key, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        store.putBlob(software.amazon.awssdk.services.s3.model.PutObjectRequest.builder().bucket(bucket).key(key)
                .contentLength((long) bytes.length).build(), new java.io.ByteArrayInputStream(bytes));
    }

    /** Where the server listens, e.g. {@code http://127.0.0.1:41234}. */
    public URI endpoint() {
        return endpoint;
    }

    /** A client for this server, shared by callers; closed by {@link #close()}. */
    public S3Client client() {
        return client;
    }

    /** Stops the server and closes {@link #client()}. */
    @Override
    public void close() {
        client.close();
        try {
            proxy.stop();
        } catch (Exception e) {
            LOG.warn("s3server.stop_failed endpoint={} next=ignored, the test is over", endpoint, e);
        }
    }

    /** Stores blobs in the wrapped store and reports each change as an S3 event notification. */
    private static final class NotifyingBlobStore extends ForwardingBlobStore {
        private static final ObjectMapper JSON = new ObjectMapper();
        /** S3Proxy keeps a stub blob per open multipart upload; clients never see it, so S3 would not report it. */
        private static final String MULTIPART_STUB_PREFIX = ".s3proxy-mpu-stub-";
        /**
         * S3Proxy's NIO2 store writes a put to {@code <key>-<random UUID>} and then moves it into place, and
         * a listing made during the write shows that file; S3 lists an object only once it is whole.
         */
        private static final java.util.regex.Pattern WRITE_IN_PROGRESS = java.util.regex.Pattern.compile(
                ".*-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        private final Consumer<String> events;
        private final AtomicLong sequencer = new AtomicLong(0x5F1A_0000_0000L);

        NotifyingBlobStore(BlobStore delegate, Consumer<String> events) {
            super(delegate);
            this.events = events;
        }

        @Override
        public ListObjectsV2Response list(ListObjectsV2Request request) {
            ListObjectsV2Response response = super.list(request);
            java.util.List<S3Object> whole = response.contents().stream()
                    .filter(o -> !WRITE_IN_PROGRESS.matcher(o.key()).matches())
                    .toList();
            if (whole.size() == response.contents().size()) {
                return response;
            }
            return response.toBuilder().contents(whole)
                    .keyCount(whole.size() + response.commonPrefixes().size()).build();
        }

        @Override
        public PutObjectResponse putBlob(PutObjectRequest request, InputStream input) {
            PutObjectResponse response = super.putBlob(request, input);
            if (!request.key().startsWith(MULTIPART_STUB_PREFIX)) {
                created("ObjectCreated:Put", request.bucket(), request.key());
            }
            return response;
        }

        @Override
        public CopyObjectResponse copyBlob(CopyObjectRequest request) {
            CopyObjectResponse response = super.copyBlob(request);
            created("ObjectCreated:Copy", request.destinationBucket(), request.destinationKey());
            return response;
        }

        @Override
        public CompleteMultipartUploadResponse completeMultipartUpload(MultipartUpload upload,
                CompleteMultipartUploadRequest request) {
            CompleteMultipartUploadResponse response = super.completeMultipartUpload(upload, request);
            created("ObjectCreated:CompleteMultipartUpload", upload.containerName(), upload.blobName());
            return response;
        }

        @Override
        public DeleteObjectResponse removeBlob(DeleteObjectRequest request) {
            boolean existed = delegate().blobExists(request.bucket(), request.key());
            DeleteObjectResponse response = super.removeBlob(request);
            if (existed && !request.key().startsWith(MULTIPART_STUB_PREFIX)) {
                send(record("ObjectRemoved:Delete", request.bucket(), request.key(), null));
            }
            return response;
        }

        private void created(String eventName, String bucket, String key) {
            HeadObjectResponse head = delegate().blobMetadata(HeadObjectRequest.builder().bucket(bucket).key(key).build());
            send(record(eventName, bucket, key, head));
        }

        private ObjectNode record(String eventName, String bucket, String key, HeadObjectResponse head) {
            ObjectNode root = JSON.createObjectNode();
            ObjectNode r = root.putArray("Records").addObject();
            r.put("eventVersion", "2.1");
            r.put("eventSource", "aws:s3");
            r.put("awsRegion", "us-east-1");
            r.put("eventTime", EVENT_TIME.format(Instant.now()));
            r.put("eventName", eventName);
            r.putObject("userIdentity").put("principalId", "AWS:" + CREDENTIAL);
            r.putObject("requestParameters").put("sourceIPAddress", "127.0.0.1");
            long seq = sequencer.incrementAndGet();
            ObjectNode response = r.putObject("responseElements");
            response.put("x-amz-request-id", String.format("%016X", seq));
            response.put("x-amz-id-2", "s3proxy/" + seq);
            ObjectNode s3 = r.putObject("s3");
            s3.put("s3SchemaVersion", "1.0");
            s3.put("configurationId", "quiesce-test");
            ObjectNode b = s3.putObject("bucket");
            b.put("name", bucket);
            b.putObject("ownerIdentity").put("principalId", CREDENTIAL);
            b.put("arn", "arn:aws:s3:::" + bucket);
            ObjectNode o = s3.putObject("object");
            o.put("key", encodeKey(key));
            if (head != null) {
                o.put("size", head.contentLength());
                o.put("eTag", unquote(head.eTag()));
            }
            o.put("sequencer", String.format("%018X", seq));
            return root;
        }

        private void send(ObjectNode event) {
            try {
                events.accept(event.toString());
            } catch (RuntimeException e) {
                LOG.warn("s3server.event_consumer_failed next=event dropped, request succeeds", e);
            }
        }

        /** S3 encodes keys in notifications like an HTML form ({@code +} for space) and leaves {@code /}. */
        private static String encodeKey(String key) {
            return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
        }

        private static String unquote(String etag) {
            if (etag == null) {
                return null;
            }
            return etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")
                    ? etag.substring(1, etag.length() - 1) : etag;
        }
    }
}
