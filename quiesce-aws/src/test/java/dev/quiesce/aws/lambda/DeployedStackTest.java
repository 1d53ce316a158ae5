package dev.quiesce.aws.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quiesce.Sent;
import dev.quiesce.aws.dynamodb.DynamoDbExpectationStore;
import dev.quiesce.aws.testing.Dynalite;
import dev.quiesce.aws.testing.ElasticMq;
import dev.quiesce.aws.testing.SnsTopics;
import dev.quiesce.port.contract.MutableClock;
import dev.quiesce.s3.testing.S3Server;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
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
        assertThat(completion.get("source").asText()).startsWith("arn:aws:cloudformation:").contains(d.stack().name());
        assertThat(completion.get("data").get("objects").asLong()).isEqualTo(6);
        assertThat(completion.get("data").get("bytes").asLong()).isEqualTo(bytes);
        assertThat(unnotified).anyMatch(e -> e.contains("errors/2024/05/01/failed.json"));
        assertNoSecondCompletion(d);

        // RetentionDays (90 by default) reaches the stores: the finished run and the day's tally expire
        var dynamo = dynalite.client();
        var run = dynamo.getItem(r -> r.tableName(d.stack().ref("ObservationTable"))
                .key(Map.of("id", AttributeValue.fromS("events/2024-05-01")))).item();
        assertThat(Instant.ofEpochSecond(Long.parseLong(run.get("expiresAt").n())))
                .isAfter(Instant.now().plus(Duration.ofDays(89))).isBefore(Instant.now().plus(Duration.ofDays(91)));
        var shards = dynamo.scan(r -> r.tableName(d.stack().ref("TallyTable"))).items();
        assertThat(shards).isNotEmpty().allSatisfy(i -> assertThat(i).containsKey("expiresAt"));
        assertEveryRequestAllowed(d.stack());
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
    void poisonMessagesAreOnTheDeadLetterQueueAfterOneReceiveWithTheirReasonAndTheGoodOneCounts() throws Exception {
        Deployment d = deploy();
        String arrivals = d.stack().ref("ArrivalQueue");
        String deadLetters = d.stack().ref("ArrivalDeadLetterQueue");
        String good = "{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"awsRegion\":\"us-east-1\","
                + "\"eventTime\":\"2024-05-01T00:00:00.000Z\",\"eventName\":\"ObjectCreated:Put\","
                + "\"s3\":{\"s3SchemaVersion\":\"1.0\",\"bucket\":{\"name\":\"" + d.bucket() + "\"},"
                + "\"object\":{\"key\":\"events/2024/05/01/a.json\",\"size\":3,\"eTag\":\"e\",\"sequencer\":\"0A1\"}}}]}";
        String unknown = good.replace("ObjectCreated:Put", "ObjectRestore:Completed");
        String malformed = "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\"";
        for (String body : List.of(unknown, malformed, good)) {
            sqs.client().sendMessage(m -> m.queueUrl(arrivals).messageBody(body));
        }
        assertThat(d.stack().poll("MonitorFunction", 1, 1)).isEqualTo(3);

        // nothing left in flight to come back after the visibility timeout and again up to maxReceiveCount
        Map<String, String> left = sqs.client().getQueueAttributes(r -> r.queueUrl(arrivals).attributeNamesWithStrings(
                "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")).attributesAsStrings();
        assertThat(left).containsEntry("ApproximateNumberOfMessages", "0").containsEntry("ApproximateNumberOfMessagesNotVisible", "0");
        List<Message> buried = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            buried.addAll(sqs.client().receiveMessage(r -> r.queueUrl(deadLetters).maxNumberOfMessages(10)
                    .messageAttributeNames("All").waitTimeSeconds(1)).messages());
            return buried.size() >= 2;
        });
        assertThat(buried).extracting(Message::body).containsExactlyInAnyOrder(unknown, malformed);
        assertThat(buried).allSatisfy(m -> assertThat(m.messageAttributes().get(PoisonQueue.REASON).stringValue()).isNotBlank());
        assertThat(buried.stream().map(m -> m.messageAttributes().get(PoisonQueue.REASON).stringValue()))
                .anyMatch(r -> r.contains("ObjectRestore:Completed"));

        JsonNode completion = observeUntilCompletion(d, 1);
        assertThat(completion.get("data").get("objects").asLong()).isEqualTo(1);
        assertEveryRequestAllowed(d.stack());
    }

    @Test
    void exactCompletionFromProducersDeclarationsInTheTemplatesTable() throws Exception {
        String name = "quiesce-e2e-" + STACKS.incrementAndGet();
        String bucket = name + "-landing";
        TemplateStack stack = TemplateStack.deploy(name, Map.of("LandingBucketName", bucket,
                "Policy", "expected unit=objects producers=2 poll=1s", "FirehoseBufferSeconds", "0"),
                dynalite, sqs, s3, sns, Clock.systemUTC());
        deployed.add(stack);
        Deployment d = new Deployment(stack, bucket, sqs.createQueue(name + "-subscriber"));
        sns.subscribe(stack.ref("NotificationTopic"), d.subscriber());
        // producers declare with the library, into the table the template made
        DynamoDbExpectationStore declarations = new DynamoDbExpectationStore(dynalite.client(), stack.ref("DeclarationTable"));
        String day = "events/2024-05-01";
        declarations.open(day, "loader-a", Instant.now());
        declarations.open(day, "loader-b", Instant.now());
        writeObjects(bucket);
        drainArrivals(d, 1);
        declarations.close(day, "loader-a", new Sent(Sent.UNKNOWN, Sent.UNKNOWN, 4), Instant.now());
        // one producer still open: the six objects that landed are not yet "all of it"
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> {
            stack.poll("ObserverFunction", 0, 1);
            return sqs.client().receiveMessage(r -> r.queueUrl(d.subscriber())).messages().isEmpty();
        });
        declarations.close(day, "loader-b", new Sent(Sent.UNKNOWN, Sent.UNKNOWN, 2), Instant.now());

        JsonNode completion = observeUntilCompletion(d, 1);
        assertThat(completion.get("subject").asText()).isEqualTo(day);
        assertThat(completion.get("data").get("objects").asLong()).isEqualTo(6);
        assertNoSecondCompletion(d);
        assertEveryRequestAllowed(stack);
    }

    @Test
    void everyRequestTheFunctionsMakeIsAllowedByTheirRolesAndNothingMore() throws Exception {
        Deployment d = deploy();
        writeObjects(d.bucket());
        drainArrivals(d, 1);
        observeUntilCompletion(d, 1);
        assertThat(d.stack().function("MonitorFunction").calls).isNotEmpty();
        assertThat(d.stack().function("ObserverFunction").calls).isNotEmpty();
        assertEveryRequestAllowed(d.stack());
        for (String fn : List.of("MonitorFunction", "ObserverFunction")) {
            RolePolicies role = RolePolicies.of(d.stack(), fn);
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

    /**
     * The template's defaults for a daily Firehose stream (stable 3 × 30 s, deadline 6 h, a 60 s buffer), on the
     * detector's virtual clock: producers pause for four minutes before midnight — long enough for the policy —
     * yet the day's run is held until midnight plus the buffer interval; the objects Firehose names 23:59 but
     * delivers 40 s after midnight still count in that day; then it completes once. The sweep runs the due
     * checks (SQS's delays are real time, the clock here is not).
     */
    @Test
    void aDailyRunOnTheTemplatesDefaultsCompletesOnceAfterMidnightPlusTheBuffer() throws Exception {
        String name = "quiesce-e2e-" + STACKS.incrementAndGet();
        String bucket = name + "-landing";
        MutableClock clock = MutableClock.at("2024-05-01T23:50:00Z");
        TemplateStack stack = TemplateStack.deploy(name, Map.of("LandingBucketName", bucket), dynalite, sqs, s3, sns, clock);
        deployed.add(stack);
        Deployment d = new Deployment(stack, bucket, sqs.createQueue(name + "-subscriber"));
        sns.subscribe(stack.ref("NotificationTopic"), d.subscriber());
        String topic = stack.ref("NotificationTopic");

        Instant midnight = Instant.parse("2024-05-02T00:00:00Z");
        Instant completedAt = null;
        int objects = 0;
        for (Instant t = clock.instant(); t.isBefore(midnight.plusSeconds(900)) && completedAt == null; t = t.plusSeconds(10)) {
            clock.set(t);
            boolean producing = t.isBefore(Instant.parse("2024-05-01T23:55:01Z"));
            boolean lateFlush = t.equals(midnight.plusSeconds(40));
            if ((producing && t.getEpochSecond() % 60 == 0) || lateFlush) {
                String key = "events/2024/05/01/23/part-" + (objects++) + ".json";
                s3.client().putObject(p -> p.bucket(bucket).key(key), RequestBody.fromString("{}\n"));
                drainArrivals(d, 1);
            }
            stack.invoke("SweepFunction", "{}");
            if (sns.published().stream().anyMatch(p -> p.topicArn().equals(topic))) {
                completedAt = t;
            }
        }
        assertThat(completedAt).as("completed within 15 minutes after midnight").isNotNull();
        assertThat(completedAt).isAfterOrEqualTo(midnight.plusSeconds(60 + 40)); // the late flush restarted the quiet
        assertThat(completedAt).isBefore(midnight.plusSeconds(40 + 90 + 60));
        List<SnsTopics.Published> published = sns.published().stream().filter(p -> p.topicArn().equals(topic)).toList();
        assertThat(published).hasSize(1);
        JsonNode completion = JSON.readTree(published.get(0).message());
        assertThat(completion.get("subject").asText()).isEqualTo("events/2024-05-01");
        assertThat(completion.get("data").get("objects").asLong()).isEqualTo(objects).isEqualTo(7);
        assertEveryRequestAllowed(stack);
    }

    @Test
    void theAlarmsAndTheDashboardNameMetricsTheFunctionsEmitInTheirNamespace() throws Exception {
        Deployment d = deploy();
        String namespace = d.stack().function("MonitorFunction").environment.get("QUIESCE_METRICS_NAMESPACE");
        assertThat(namespace).isEqualTo("quiesce/" + d.stack().name());
        java.util.Set<String> emitted = java.util.Arrays.stream(dev.quiesce.aws.metrics.Metric.values())
                .map(dev.quiesce.aws.metrics.Metric::metricName).collect(java.util.stream.Collectors.toSet());
        for (String id : List.of("RunsOverdueAlarm", "SideJobFailuresAlarm")) {
            Map<String, Object> alarm = TemplateStack.map(TemplateStack.map(d.stack().resolved(id)).get("Properties"));
            assertThat(alarm.get("Namespace")).as(id).isEqualTo(namespace);
            assertThat(emitted).as(id).contains((String) alarm.get("MetricName"));
        }
        String body = (String) TemplateStack.map(TemplateStack.map(d.stack().resolved("Dashboard")).get("Properties"))
                .get("DashboardBody");
        JsonNode dashboard = JSON.readTree(body);
        assertThat(dashboard.get("widgets")).hasSizeGreaterThan(5);
        for (JsonNode widget : dashboard.get("widgets")) {
            String previous = null;
            for (JsonNode metric : widget.get("properties").get("metrics")) {
                String ns = metric.get(0).asText();
                String ownNs = ns.equals(".") || ns.equals("...") ? previous : ns;
                previous = ownNs;
                if (namespace.equals(ownNs) && !ns.equals("...")) {
                    assertThat(emitted).as(metric.toString()).contains(metric.get(1).asText());
                }
            }
        }
    }

    /** Every request any function of the stack made is allowed by the role the template gives it. */
    private static void assertEveryRequestAllowed(TemplateStack stack) {
        for (String fn : List.of("MonitorFunction", "ObserverFunction", "StartFunction", "SweepFunction")) {
            RolePolicies role = RolePolicies.of(stack, fn);
            assertThat(stack.function(fn).calls).as(fn + "'s requests, against its role's grants " + role.grants())
                    .allSatisfy(c -> assertThat(role.allows(c.action(), c.resource())).as(c.toString()).isTrue());
        }
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
