package dev.quiesce.aws.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quiesce.aws.testing.Dynalite;
import dev.quiesce.aws.testing.ElasticMq;
import dev.quiesce.aws.testing.SnsTopics;
import dev.quiesce.s3.testing.S3Server;
import java.nio.charset.StandardCharsets;
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
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The founding note's deployment end to end, on {@code template.yaml} as written ({@link TemplateStack}): objects
 * put into the S3 stand-in, their real-format S3 event records sent by the bucket's notification configuration
 * to the template's arrival queue on ElasticMQ, the monitor and observer handlers configured from their
 * functions' {@code Environment} and fed by their event sources as Lambda's poller feeds them, delayed check
 * messages on the template's check queue, DynamoDB tables on dynalite made from the template's declarations,
 * and the completion published to the template's topic and read from a queue subscribed to it. No table or
 * queue here is created from code.
 *
 * <p>The functions run with a short policy (2 unchanged checks 1 s apart) and no buffer interval, so a run
 * completes in seconds; every other parameter is the template's default.
 */
class DeployedStackTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger STACKS = new AtomicInteger();

    private static Dynalite dynalite;
    private static ElasticMq sqs;
    private static S3Server s3;
    private static SnsTopics sns;
    private static final List<TemplateStack> deployed = new CopyOnWriteArrayList<>();
    /** S3 events that no stack's notification configuration sent anywhere (outside the landing prefix). */
    private static final List<String> unnotified = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startStandIns() {
        dynalite = Dynalite.start();
        sqs = ElasticMq.start();
        sns = SnsTopics.start(sqs.client());
        s3 = S3Server.start(event -> {
            int sent = 0;
            for (TemplateStack stack : deployed) {
                sent += stack.s3Event(event);
            }
            if (sent == 0) {
                unnotified.add(event);
            }
        });
    }

    @AfterAll
    static void stopStandIns() {
        for (AutoCloseable c : new AutoCloseable[] {s3, sns, sqs, dynalite}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // closing stand-ins is best effort; the result stands
            }
        }
    }

    /** A deployment of the template with a subscriber queue on its notification topic. */
    private record Deployment(TemplateStack stack, String bucket, String subscriber) {
    }

    private static Deployment deploy() {
        String name = "quiesce-e2e-" + STACKS.incrementAndGet();
        String bucket = name + "-landing";
        TemplateStack stack = TemplateStack.deploy(name, Map.of(
                "LandingBucketName", bucket,
                "Policy", "stable window=2 delay=constant:1s",
                "FirehoseBufferSeconds", "0"), dynalite, sqs, s3, sns, Clock.systemUTC());
        deployed.add(stack);
        String subscriber = sqs.createQueue(name + "-subscriber");
        sns.subscribe(stack.ref("NotificationTopic"), subscriber);
        return new Deployment(stack, bucket, subscriber);
    }

    @Test
    void objectsLandAndTheCompletionIsPublishedOnce() throws Exception {
        Deployment d = deploy();
        long bytes = writeObjects(d.bucket());
        // Firehose's failed records and anything else outside LandingPrefix are never notified, so never counted
        s3.client().putObject(p -> p.bucket(d.bucket()).key("errors/2024/05/01/failed.json"), RequestBody.fromString("x"));
        drainArrivals(d, 1);

        JsonNode completion = observeUntilCompletion(d, 1);
        assertThat(completion.get("type").asText()).isEqualTo("dev.quiesce.observation.completed");
        assertThat(completion.get("subject").asText()).isEqualTo("events/2024-05-01");
        assertThat(completion.get("data").get("objects").asLong()).isEqualTo(6);
        assertThat(completion.get("data").get("bytes").asLong()).isEqualTo(bytes);
        assertThat(unnotified).anyMatch(e -> e.contains("errors/2024/05/01/failed.json"));
        assertNoSecondCompletion(d);
    }

    @Test
    void redeliveredShuffledEventsAndDuplicatedChecksStillCompleteOnceWithTheExactTally() throws Exception {
        Deployment d = deploy();
        long bytes = writeObjects(d.bucket());
        // every event once more, all of them out of order, on the template's arrival queue
        String arrivals = d.stack().ref("ArrivalQueue");
        List<String> events = new ArrayList<>();
        for (Message m : receiveAll(arrivals)) {
            events.add(m.body());
            events.add(m.body());
            sqs.client().deleteMessage(x -> x.queueUrl(arrivals).receiptHandle(m.receiptHandle()));
        }
        assertThat(events).hasSize(12);
        Collections.shuffle(events, new Random(42));
        events.forEach(body -> sqs.client().sendMessage(m -> m.queueUrl(arrivals).messageBody(body)));
        drainArrivals(d, 1);

        // each check batch handed to two invocations at once
        JsonNode completion = observeUntilCompletion(d, 2);
        assertThat(completion.get("data").get("objects").asLong()).isEqualTo(6);
        assertThat(completion.get("data").get("bytes").asLong()).isEqualTo(bytes);
        assertThat(completion.get("data").get("changeSeq").asLong()).isEqualTo(6);
        assertNoSecondCompletion(d);
    }

    @Test
    void everyRequestTheFunctionsMakeIsAllowedByTheirRolesAndNothingMore() throws Exception {
        Deployment d = deploy();
        writeObjects(d.bucket());
        drainArrivals(d, 1);
        observeUntilCompletion(d, 1);
        for (String fn : List.of("MonitorFunction", "ObserverFunction")) {
            RolePolicies role = RolePolicies.of(d.stack(), fn);
            List<TemplateStack.Call> calls = d.stack().function(fn).calls;
            assertThat(calls).as(fn + " made requests").isNotEmpty();
            assertThat(calls).as(fn + "'s requests, against its role's grants " + role.grants())
                    .allSatisfy(c -> assertThat(role.allows(c.action(), c.resource())).as(c.toString()).isTrue());
            // what Lambda's SQS poller does with the function's role
            String queue = (String) d.stack().function(fn).sqsSource.get("Queue");
            for (String action : List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes")) {
                assertThat(role.allows(action, queue)).as(fn + " " + action).isTrue();
            }
            // and nothing on resources of other stacks or kinds
            assertThat(role.allows("dynamodb:DeleteTable", d.stack().attribute("TallyTable", "Arn"))).isFalse();
            assertThat(role.allows("dynamodb:Scan", d.stack().attribute("ObservationTable", "Arn"))).isFalse();
            assertThat(role.allows("sqs:SendMessage", "arn:aws:sqs:us-east-1:000000000000:someone-else")).isFalse();
            assertThat(role.allows("sqs:ReceiveMessage", d.stack().attribute("NotificationDeadLetterQueue", "Arn"))).isFalse();
        }
        RolePolicies observer = RolePolicies.of(d.stack(), "ObserverFunction");
        assertThat(observer.allows("dynamodb:UpdateItem", d.stack().attribute("TallyTable", "Arn")))
                .as("only the monitor writes tallies").isFalse();
    }

    // ------------------------------------------------------------------------------------------ the world

    /** Five single puts and one multipart upload (as Firehose writes large objects) under one day's prefix. */
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
        byte[] part2 = "tail".getBytes(StandardCharsets.UTF_8);
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

    private static List<Message> receiveAll(String queue) {
        List<Message> out = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            out.addAll(sqs.client().receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(1))
                    .messages());
            return out.size() >= 6;
        });
        return out;
    }

    /** Plays the monitor's event source until the arrival queue has nothing visible or in flight. */
    private static void drainArrivals(Deployment d, int invocations) {
        String queue = d.stack().ref("ArrivalQueue");
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            d.stack().poll("MonitorFunction", 1, invocations);
            Map<String, String> a = sqs.client().getQueueAttributes(r -> r.queueUrl(queue).attributeNamesWithStrings(
                    "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")).attributesAsStrings();
            return "0".equals(a.get("ApproximateNumberOfMessages")) && "0".equals(a.get("ApproximateNumberOfMessagesNotVisible"));
        });
    }

    /** Plays the observer's event source (its delayed check messages) until the subscriber gets a completion. */
    private static JsonNode observeUntilCompletion(Deployment d, int invocations) throws Exception {
        List<Message> completions = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            d.stack().poll("ObserverFunction", 1, invocations);
            completions.addAll(sqs.client().receiveMessage(r -> r.queueUrl(d.subscriber()).maxNumberOfMessages(10))
                    .messages());
            return !completions.isEmpty();
        });
        assertThat(completions).hasSize(1);
        sqs.client().deleteMessage(x -> x.queueUrl(d.subscriber()).receiptHandle(completions.get(0).receiptHandle()));
        return JSON.readTree(completions.get(0).body());
    }

    /** For three seconds the observer keeps taking what the check queue holds, and nothing else is published. */
    private static void assertNoSecondCompletion(Deployment d) {
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> {
            d.stack().poll("ObserverFunction", 0, 1);
            return sqs.client().receiveMessage(r -> r.queueUrl(d.subscriber()).maxNumberOfMessages(10))
                    .messages().isEmpty();
        });
        assertThat(sns.published().stream().filter(p -> p.topicArn().equals(d.stack().ref("NotificationTopic"))))
                .hasSize(1);
    }
}
