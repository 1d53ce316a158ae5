package dev.quiesce.aws.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quiesce.aws.dynamodb.DynamoDbObservationStore;
import dev.quiesce.aws.dynamodb.DynamoDbTallyStore;
import dev.quiesce.aws.testing.Dynalite;
import dev.quiesce.aws.testing.ElasticMq;
import dev.quiesce.s3.testing.S3Server;
import dev.quiesce.policy.PolicySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The founding note's deployment end to end on local stand-ins: objects written to S3Proxy, their
 * real-format S3 event records fed as SQS messages to the monitor handler, the observer handler driven
 * by ElasticMQ's real delayed messages, DynamoDB on dynalite, and the completion delivered to an SQS
 * notification queue. Then again with every event delivered twice, shuffled, and every check message
 * duplicated.
 */
class EndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Dynalite dynalite;
    private static ElasticMq sqs;
    private static S3Server s3;
    private static final List<String> s3Events = new CopyOnWriteArrayList<>();
    private static final AtomicInteger runs = new AtomicInteger();

    @BeforeAll
    static void startStandIns() {
        s3 = S3Server.start(s3Events::add);
        dynalite = Dynalite.start();
        sqs = ElasticMq.start();
    }

    @AfterAll
    static void stopStandIns() {
        for (AutoCloseable c : new AutoCloseable[] {s3, sqs, dynalite}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // closing stand-ins is best effort; the test result stands
            }
        }
    }

    /** One deployment: tables, queues, a bucket, and the handlers over them. */
    private static final class Deployment {
        final String bucket;
        final String checkQueue;
        final String notifyQueue;
        final AwsWiring wiring;
        final MonitorHandler monitor;
        final ObserverHandler observer;

        Deployment() {
            int n = runs.incrementAndGet();
            bucket = "landing-" + n;
            String tallyTable = "tally-" + n;
            String observationTable = "observations-" + n;
            DynamoDbTallyStore.createTable(dynalite.client(), tallyTable);
            DynamoDbObservationStore.createTable(dynalite.client(), observationTable);
            checkQueue = sqs.createQueue("checks-" + n);
            notifyQueue = sqs.createQueue("completions-" + n);
            s3.client().createBucket(b -> b.bucket(bucket));
            AwsConfig config = AwsConfig.from(Map.of(
                    "QUIESCE_TALLY_TABLE", tallyTable,
                    "QUIESCE_OBSERVATION_TABLE", observationTable,
                    "QUIESCE_CHECK_QUEUE_URL", checkQueue,
                    "QUIESCE_TALLY_SHARDS", "4",
                    "QUIESCE_DATASETS", "events=" + bucket + "/events/",
                    "QUIESCE_POLICY", PolicySpec.stable(2, Duration.ofSeconds(1)).text(),
                    "QUIESCE_NOTIFY_SQS_QUEUE_URL", notifyQueue));
            wiring = AwsWiring.of(config, new AwsWiring.Clients(dynalite.client(), sqs.client(), null, null),
                    Clock.systemUTC());
            monitor = new MonitorHandler(wiring);
            observer = new ObserverHandler(wiring);
        }
    }

    @Test
    void objectsLandAndTheCompletionIsDeliveredOnce() throws Exception {
        Deployment d = new Deployment();
        long bytes = writeObjects(d.bucket);
        List<String> events = eventsFor(d.bucket);
        SQSBatchResponse r = d.monitor.handleRequest(sqsEvent(events), null);
        assertThat(r.getBatchItemFailures()).isEmpty();

        JsonNode completion = driveObserverUntilCompletion(d, false);
        assertThat(completion.get("type").asText()).isEqualTo("dev.quiesce.observation.completed");
        assertThat(completion.get("subject").asText()).isEqualTo("events");
        assertThat(completion.get("data").get("objects").asLong()).isEqualTo(6);
        assertThat(completion.get("data").get("bytes").asLong()).isEqualTo(bytes);
        assertThat(drain(d.notifyQueue, Duration.ofSeconds(3))).isEmpty();
    }

    @Test
    void redeliveredShuffledEventsAndDuplicatedChecksStillCompleteOnceWithTheExactTally() throws Exception {
        Deployment d = new Deployment();
        long bytes = writeObjects(d.bucket);
        List<String> events = new ArrayList<>(eventsFor(d.bucket));
        events.addAll(List.copyOf(events));
        Collections.shuffle(events, new Random(42));
        // in batches of 10, as Lambda's SQS poller hands them over
        for (int i = 0; i < events.size(); i += 10) {
            SQSBatchResponse r = d.monitor.handleRequest(sqsEvent(events.subList(i, Math.min(events.size(), i + 10))), null);
            assertThat(r.getBatchItemFailures()).isEmpty();
        }

        JsonNode completion = driveObserverUntilCompletion(d, true);
        assertThat(completion.get("data").get("objects").asLong()).isEqualTo(6);
        assertThat(completion.get("data").get("bytes").asLong()).isEqualTo(bytes);
        assertThat(completion.get("data").get("changeSeq").asLong()).isEqualTo(6);
        assertThat(drain(d.notifyQueue, Duration.ofSeconds(3))).isEmpty();
    }

    @Test
    void malformedUnknownAndOversizedMessagesAreReportedExactlyAndNothingIsCounted() throws Exception {
        Deployment d = new Deployment();
        String good = "{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"awsRegion\":\"us-east-1\","
                + "\"eventTime\":\"2024-05-01T00:00:00.000Z\",\"eventName\":\"ObjectCreated:Put\","
                + "\"s3\":{\"s3SchemaVersion\":\"1.0\",\"bucket\":{\"name\":\"" + d.bucket + "\"},"
                + "\"object\":{\"key\":\"events/a.json\",\"size\":3,\"eTag\":\"e\",\"sequencer\":\"0A1\"}}}]}";
        String unknown = good.replace("ObjectCreated:Put", "ObjectRestore:Completed");
        String malformed = "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\"";
        String oversized = "{\"Records\":[],\"padding\":\"" + "x".repeat(300 * 1024) + "\"}";
        String testEvent = "{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Time\":\"2024-05-01T00:00:00.000Z\","
                + "\"Bucket\":\"" + d.bucket + "\",\"RequestId\":\"r\",\"HostId\":\"h\"}";
        SQSEvent batch = sqsEvent(List.of(unknown, malformed, oversized, testEvent));
        SQSBatchResponse r = d.monitor.handleRequest(batch, null);
        assertThat(r.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly("m-0", "m-1", "m-2");
        assertThat(d.wiring.engine().observer().hasOpen("events")).isFalse();

        SQSBatchResponse ok = d.monitor.handleRequest(sqsEvent(List.of(good)), null);
        assertThat(ok.getBatchItemFailures()).isEmpty();
        assertThat(d.wiring.engine().observer().hasOpen("events")).isTrue();
    }

    /** Writes five objects with single puts and one by multipart upload (as Firehose does for large ones). */
    private static long writeObjects(String bucket) {
        S3Client client = s3.client();
        long bytes = 0;
        for (int i = 0; i < 5; i++) {
            String body = "{\"record\":" + i + "}\n".repeat(i + 1);
            String objectKey = "events/2024/05/01/part " + i + "+x.json";
            client.putObject(p -> p.bucket(bucket).key(objectKey), RequestBody.fromString(body));
            bytes += body.length();
        }
        String key = "events/2024/05/01/big.json";
        String upload = client.createMultipartUpload(c -> c.bucket(bucket).key(key)).uploadId();
        byte[] part1 = new byte[5 * 1024 * 1024];
        byte[] part2 = "tail".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String e1 = client.uploadPart(u -> u.bucket(bucket).key(key).uploadId(upload).partNumber(1),
                RequestBody.fromBytes(part1)).eTag();
        String e2 = client.uploadPart(u -> u.bucket(bucket).key(key).uploadId(upload).partNumber(2),
                RequestBody.fromBytes(part2)).eTag();
        client.completeMultipartUpload(c -> c.bucket(bucket).key(key).uploadId(upload)
                .multipartUpload(CompletedMultipartUpload.builder().parts(
                        CompletedPart.builder().partNumber(1).eTag(e1).build(),
                        CompletedPart.builder().partNumber(2).eTag(e2).build()).build()));
        return bytes + part1.length + part2.length;
    }

    private static List<String> eventsFor(String bucket) {
        return s3Events.stream().filter(e -> e.contains("\"name\":\"" + bucket + "\"")).toList();
    }

    /**
     * Plays the Lambda SQS poller for the observer: receives due check messages from ElasticMQ, hands
     * them to the handler (twice each, and from two "invocations" at once, when {@code duplicate}), and
     * deletes what succeeded; returns the one completion the notification queue receives.
     */
    private static JsonNode driveObserverUntilCompletion(Deployment d, boolean duplicate) throws Exception {
        SqsClient client = sqs.client();
        List<Message> completions = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
            List<Message> checks = client.receiveMessage(r -> r.queueUrl(d.checkQueue).maxNumberOfMessages(10)
                    .waitTimeSeconds(1)).messages();
            if (!checks.isEmpty()) {
                List<String> bodies = checks.stream().map(Message::body).toList();
                if (duplicate) {
                    Thread other = new Thread(() -> d.observer.handleRequest(sqsEvent(bodies), null));
                    other.start();
                    assertThat(d.observer.handleRequest(sqsEvent(bodies), null).getBatchItemFailures()).isEmpty();
                    other.join();
                } else {
                    assertThat(d.observer.handleRequest(sqsEvent(bodies), null).getBatchItemFailures()).isEmpty();
                }
                for (Message m : checks) {
                    client.deleteMessage(x -> x.queueUrl(d.checkQueue).receiptHandle(m.receiptHandle()));
                }
            }
            completions.addAll(client.receiveMessage(r -> r.queueUrl(d.notifyQueue).maxNumberOfMessages(10))
                    .messages());
            return !completions.isEmpty();
        });
        assertThat(completions).hasSize(1);
        client.deleteMessage(x -> x.queueUrl(d.notifyQueue).receiptHandle(completions.get(0).receiptHandle()));
        return JSON.readTree(completions.get(0).body());
    }

    private static List<Message> drain(String queue, Duration wait) {
        return sqs.client().receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10)
                .waitTimeSeconds((int) wait.toSeconds())).messages();
    }

    private static SQSEvent sqsEvent(List<String> bodies) {
        List<SQSEvent.SQSMessage> messages = new ArrayList<>();
        for (int i = 0; i < bodies.size(); i++) {
            SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
            m.setMessageId("m-" + i);
            m.setBody(bodies.get(i));
            m.setEventSource("aws:sqs");
            messages.add(m);
        }
        SQSEvent e = new SQSEvent();
        e.setRecords(messages);
        return e;
    }
}
