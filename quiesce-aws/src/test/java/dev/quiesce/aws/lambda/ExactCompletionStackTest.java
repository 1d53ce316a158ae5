package dev.quiesce.aws.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quiesce.Expectation;
import dev.quiesce.aws.dynamodb.DynamoDbExpectationStore;
import dev.quiesce.aws.testing.Dynalite;
import dev.quiesce.aws.testing.ElasticMq;
import dev.quiesce.aws.testing.FirehoseStandIn;
import dev.quiesce.aws.testing.SnsTopics;
import dev.quiesce.port.contract.MutableClock;
import dev.quiesce.s3.testing.S3Server;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Exact completion in Lambda, on {@code template.yaml} as written ({@link TemplateStack}): the delivery stream
 * partitioned by the run each record names ({@code PartitionByRun=true}, played by {@link FirehoseStandIn} from
 * the template's resolved prefix), records counted by the monitor ({@code CountRecords=true}), and producers
 * declaring by manifest objects in the bucket and through the Declare function, directly and as function URL
 * requests. Every request every function makes is held against its role.
 */
class ExactCompletionStackTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger STACKS = new AtomicInteger();
    private static final List<String> FUNCTIONS = List.of("MonitorFunction", "ObserverFunction", "StartFunction",
            "SweepFunction", "DeclareFunction");

    private static Dynalite dynalite;
    private static ElasticMq sqs;
    private static S3Server s3;
    private static SnsTopics sns;
    private static final List<TemplateStack> deployed = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startStandIns() {
        dynalite = Dynalite.start();
        sqs = ElasticMq.start();
        sns = SnsTopics.start(sqs.client());
        s3 = S3Server.start(event -> deployed.forEach(stack -> stack.s3Event(event)));
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

    private record Deployment(TemplateStack stack, String bucket, String subscriber) {
        DynamoDbExpectationStore declarations() {
            return new DynamoDbExpectationStore(dynalite.client(), stack.ref("DeclarationTable"));
        }

        /** The delivery stream as the template configures it, on the stand-in clock. */
        FirehoseStandIn firehose(Clock clock, long sizeBytes) {
            Map<String, Object> destination = TemplateStack.map(TemplateStack.map(TemplateStack.map(
                    stack.resolved("DeliveryStream")).get("Properties")).get("ExtendedS3DestinationConfiguration"));
            assertThat(String.valueOf(destination.get("CompressionFormat"))).isIn("null", "UNCOMPRESSED");
            long interval = Long.parseLong(String.valueOf(TemplateStack.map(destination.get("BufferingHints"))
                    .get("IntervalInSeconds")));
            return new FirehoseStandIn(s3.client(), bucket, (String) destination.get("Prefix"), stack.name() + "-stream",
                    sizeBytes, Duration.ofSeconds(Math.max(interval, 60)), clock, false);
        }
    }

    private static Deployment deploy(String policy, Clock clock) {
        String name = "quiesce-exact-" + STACKS.incrementAndGet();
        String bucket = name + "-landing";
        TemplateStack stack = TemplateStack.deploy(name, Map.of(
                "LandingBucketName", bucket,
                "Datasets", "events=events/{run}/",
                "PartitionByRun", "true",
                "CountRecords", "true",
                "Policy", policy,
                "FirehoseBufferSeconds", "0"), dynalite, sqs, s3, sns, clock);
        deployed.add(stack);
        String subscriber = sqs.createQueue(name + "-subscriber");
        sns.subscribe(stack.ref("NotificationTopic"), subscriber);
        return new Deployment(stack, bucket, subscriber);
    }

    @Test
    void threeProducersDeclaringThreeWaysCompleteOnceWithinASecondOfTheLastObject() throws Exception {
        Deployment d = deploy("expected unit=records producers=3 poll=1s deadline=1h", Clock.systemUTC());
        String run = "2024-05-01";
        MutableClock firehoseClock = MutableClock.at("2024-05-01T23:58:30Z");
        FirehoseStandIn firehose = d.firehose(firehoseClock, 2048);
        // loader-b opens by direct invoke before sending anything; loader-a and loader-c only ever close
        JsonNode opened = JSON.readTree(d.stack().invoke("DeclareFunction",
                "{\"dataset\":\"events/" + run + "\",\"producer\":\"loader-b\",\"status\":\"open\"}"));
        assertThat(opened.get("status").asText()).isEqualTo("open");

        Map<String, Integer> sent = new HashMap<>(Map.of("loader-a", 0, "loader-b", 0, "loader-c", 0));
        for (int i = 0; i < 150; i++) {
            String producer = List.of("loader-a", "loader-b", "loader-c").get(i % 3);
            if (producer.equals("loader-c") && i > 120) {
                continue;
            }
            // the producers stamp every record with its run: those sent after midnight still belong to May 1st
            firehose.putRecord("{\"run\":\"" + run + "\",\"producer\":\"" + producer + "\",\"n\":" + i + "}");
            sent.merge(producer, 1, Integer::sum);
            firehoseClock.advance(Duration.ofSeconds(1));
            firehose.tick();
        }
        assertThat(firehoseClock.instant()).isAfter(Instant.parse("2024-05-02T00:00:00Z"));
        drainArrivals(d);

        putManifest(d, "events/" + run + "/_manifests/loader-a.json", "{\"records\": " + sent.get("loader-a") + "}");
        drainArrivals(d);
        d.stack().invoke("DeclareFunction", "{\"dataset\":\"events/" + run + "\",\"producer\":\"loader-b\",\"records\":"
                + sent.get("loader-b") + "}");
        JsonNode answer = JSON.readTree(d.stack().invoke("DeclareFunction", urlRequest("POST",
                "{\"dataset\":\"events/" + run + "\",\"producer\":\"loader-c\",\"records\":" + sent.get("loader-c") + "}",
                true)));
        assertThat(answer.get("statusCode").asInt()).as(answer.toString()).isEqualTo(200);
        assertThat(JSON.readTree(answer.get("body").asText()).get("producer").asText()).isEqualTo("loader-c");
        // everyone closed, but Firehose still buffers the last records: nothing completes on less than declared
        d.stack().poll("ObserverFunction", 0, 1);
        assertThat(sqs.client().receiveMessage(r -> r.queueUrl(d.subscriber())).messages()).isEmpty();

        firehoseClock.advance(Duration.ofMinutes(2));
        firehose.tick();
        Instant lastObjectsLanded = Instant.now();
        drainArrivals(d);
        JsonNode completion = observeUntilCompletion(d);
        Duration latency = Duration.between(lastObjectsLanded, Instant.parse(completion.get("time").asText()));
        System.out.println("exact completion latency after the last object's event: " + latency.toMillis() + " ms");
        assertThat(latency).isLessThan(Duration.ofSeconds(1));
        assertThat(completion.get("type").asText()).isEqualTo("dev.quiesce.observation.completed");
        assertThat(completion.get("subject").asText()).isEqualTo("events/" + run);
        assertThat(completion.get("data").get("records").asLong()).isEqualTo(sent.values().stream().mapToInt(i -> i).sum());
        assertThat(completion.get("data").get("objects").asLong()).isEqualTo(firehose.written().size());
        assertThat(firehose.written()).allMatch(k -> k.startsWith("events/" + run + "/"));
        assertNoSecondCompletion(d);
        assertEveryRequestAllowed(d.stack());
    }

    @Test
    void aWithheldObjectEndsIncompleteNamingTheShortProducer() throws Exception {
        MutableClock clock = MutableClock.at("2024-05-02T10:00:00Z");
        Deployment d = deploy("expected unit=records producers=2 poll=1s deadline=10m", clock);
        String run = "2024-05-02";
        FirehoseStandIn firehose = d.firehose(clock, 1 << 20);
        for (int i = 0; i < 10; i++) {
            firehose.putRecord("{\"run\":\"" + run + "\",\"n\":" + i + "}");
        }
        clock.advance(Duration.ofMinutes(1));
        firehose.tick();
        // writer-b writes its own objects and lists them; the third never lands
        for (int i = 0; i < 2; i++) {
            int part = i;
            s3.client().putObject(p -> p.bucket(d.bucket()).key("events/" + run + "/writer-b/part-" + part + ".json"),
                    RequestBody.fromString("{\"a\":1}\n{\"a\":2}\n"));
        }
        putManifest(d, "events/" + run + "/_manifests/loader-a.json", "{\"records\": 10}");
        putManifest(d, "events/" + run + "/_manifests/writer-b.json", "{\"records\": 6, \"keys\": [\"writer-b/part-0.json\","
                + " \"writer-b/part-1.json\", \"writer-b/part-2.json\"]}");
        drainArrivals(d);
        d.stack().poll("ObserverFunction", 0, 1);
        assertThat(sqs.client().receiveMessage(r -> r.queueUrl(d.subscriber())).messages()).isEmpty();

        // a run named by its records has no day to wait for: its deadline counts from its start
        clock.advance(Duration.ofMinutes(11));
        JsonNode ended = null;
        for (int i = 0; i < 5 && ended == null; i++) {
            d.stack().invoke("SweepFunction", "{}");
            List<Message> got = sqs.client().receiveMessage(r -> r.queueUrl(d.subscriber()).waitTimeSeconds(1)).messages();
            ended = got.isEmpty() ? null : JSON.readTree(got.get(0).body());
        }
        assertThat(ended).isNotNull();
        assertThat(ended.get("type").asText()).isEqualTo("dev.quiesce.observation.incomplete");
        assertThat(ended.get("data").get("records").asLong()).isEqualTo(14);
        assertThat(ended.get("data").toString()).contains("writer-b declared 3 objects, 2 landed")
                .contains("events/" + run + "/writer-b/part-2.json").doesNotContain("loader-a declared");
        assertEveryRequestAllowed(d.stack());
    }

    @Test
    void aMalformedManifestIsOnTheDeadLetterQueueWithItsReasonAndDeclaresNothing() throws Exception {
        Deployment d = deploy("expected unit=records producers=1 poll=1s", Clock.systemUTC());
        putManifest(d, "events/2024-05-01/_manifests/broken.json", "{\"records\": 12");
        putManifest(d, "events/2024-05-01/_manifests/negative.json", "{\"records\": -3}");
        drainArrivals(d);
        List<Message> buried = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            buried.addAll(sqs.client().receiveMessage(r -> r.queueUrl(d.stack().ref("ArrivalDeadLetterQueue"))
                    .maxNumberOfMessages(10).messageAttributeNames("All").waitTimeSeconds(1)).messages());
            return buried.size() >= 2;
        });
        List<String> reasons = buried.stream().map(m -> m.messageAttributes().get(PoisonQueue.REASON).stringValue()).toList();
        assertThat(reasons).anyMatch(r -> r.contains("broken.json is not JSON"))
                .anyMatch(r -> r.contains("negative.json: records must be a whole number >= 0"));
        assertThat(d.declarations().of("events/2024-05-01").producers()).isEmpty();
        assertEveryRequestAllowed(d.stack());
    }

    @Test
    void aManifestEventDeliveredTwiceChangesNothing() throws Exception {
        Deployment d = deploy("expected unit=records producers=2 poll=1s", Clock.systemUTC());
        putManifest(d, "events/2024-05-01/_manifests/loader-a.json", "{\"records\": 5}");
        String arrivals = d.stack().ref("ArrivalQueue");
        List<Message> events = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            events.addAll(sqs.client().receiveMessage(r -> r.queueUrl(arrivals).waitTimeSeconds(1)).messages());
            return !events.isEmpty();
        });
        String body = events.get(0).body();
        sqs.client().deleteMessage(x -> x.queueUrl(arrivals).receiptHandle(events.get(0).receiptHandle()));
        sqs.client().sendMessage(m -> m.queueUrl(arrivals).messageBody(body));
        drainArrivals(d);
        Expectation first = d.declarations().of("events/2024-05-01").producers().get(0);

        sqs.client().sendMessage(m -> m.queueUrl(arrivals).messageBody(body));
        sqs.client().sendMessage(m -> m.queueUrl(arrivals).messageBody(body));
        drainArrivals(d);
        assertThat(d.declarations().of("events/2024-05-01").producers()).containsExactly(first);
        assertThat(first.sent().records()).isEqualTo(5);
        // a manifest is a declaration, not data: no tally, no run
        assertThat(dynalite.client().scan(r -> r.tableName(d.stack().ref("TallyTable"))).count()).isZero();
        assertThat(dynalite.client().scan(r -> r.tableName(d.stack().ref("ObservationTable"))).count()).isZero();
        assertEveryRequestAllowed(d.stack());
    }

    @Test
    void recordsAreCountedInAGzipObject() throws Exception {
        Deployment d = deploy("expected unit=records producers=1 poll=1s", Clock.systemUTC());
        byte[] records = "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n{\"n\":4}\n{\"n\":5}\n{\"n\":6}\n{\"n\":7}\n"
                .getBytes(StandardCharsets.UTF_8);
        s3.client().putObject(p -> p.bucket(d.bucket()).key("events/2024-05-03/stream-1-2024-05-03-10-00-00-0.gz"),
                RequestBody.fromBytes(FirehoseStandIn.gzip(records)));
        putManifest(d, "events/2024-05-03/_manifests/loader-a.json", "{\"records\": 7}");
        drainArrivals(d);
        JsonNode completion = observeUntilCompletion(d);
        assertThat(completion.get("data").get("records").asLong()).isEqualTo(7);
        assertThat(completion.get("data").get("objects").asLong()).isEqualTo(1);
        assertEveryRequestAllowed(d.stack());
    }

    @Test
    void aBatchOfManyObjectsOfOneRunLooksUpItsRunsOnce() throws Exception {
        Deployment d = deploy("expected unit=records producers=1 poll=1s", Clock.systemUTC());
        MutableClock firehoseClock = MutableClock.at("2024-05-04T08:00:00Z");
        FirehoseStandIn firehose = d.firehose(firehoseClock, 1); // every record its own object
        firehose.putRecord("{\"run\":\"2024-05-04\",\"n\":0}");
        drainArrivals(d); // the first object starts the run
        for (int i = 1; i <= 30; i++) {
            firehose.putRecord("{\"run\":\"2024-05-04\",\"n\":" + i + "}");
        }
        List<TemplateStack.Call> calls = d.stack().function("MonitorFunction").calls;
        int before = calls.size();
        assertThat(d.stack().poll("MonitorFunction", 1, 1)).isEqualTo(30);
        long runLookups = calls.subList(before, calls.size()).stream()
                .filter(c -> c.action().equals("dynamodb:Query") && c.resource().endsWith("ObservationTable/index/open-by-dataset")).count();
        System.out.println("observation-table queries for one batch of 30 arrivals of one run: " + runLookups);
        assertThat(runLookups).isEqualTo(1);
        assertEveryRequestAllowed(d.stack());
    }

    @Test
    void theDeclareFunctionRefusesBadDeclarationsNamingTheField() throws Exception {
        Deployment d = deploy("expected unit=records producers=1 poll=1s", Clock.systemUTC());
        Map<String, String> cases = Map.of(
                "{\"dataset\":\"events/2024-05-01\",\"producer\":\"p\",\"recrods\":3}", "recrods",
                "{\"dataset\":\"events/2024-05-01\",\"records\":3}", "producer",
                "{\"producer\":\"p\"}", "dataset",
                "{\"dataset\":\"clicks/2024-05-01\",\"producer\":\"p\"}", "dataset",
                "{\"dataset\":\"events/2024-05-01\",\"producer\":\"p\",\"bytes\":\"many\"}", "bytes");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            JsonNode answer = JSON.readTree(d.stack().invoke("DeclareFunction", urlRequest("POST", c.getKey(), false)));
            assertThat(answer.get("statusCode").asInt()).as(c.getKey()).isEqualTo(400);
            assertThat(JSON.readTree(answer.get("body").asText()).get("field").asText()).as(c.getKey()).isEqualTo(c.getValue());
        }
        JsonNode notJson = JSON.readTree(d.stack().invoke("DeclareFunction", urlRequest("POST", "{\"producer\":", false)));
        assertThat(notJson.get("statusCode").asInt()).isEqualTo(400);
        JsonNode get = JSON.readTree(d.stack().invoke("DeclareFunction", urlRequest("GET", "", false)));
        assertThat(get.get("statusCode").asInt()).isEqualTo(405);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> d.stack().invoke("DeclareFunction", "{\"producer\":\"p\"}"))
                .hasMessageContaining("dataset is missing");
        assertThat(d.declarations().of("events/2024-05-01").producers()).isEmpty();
        assertEveryRequestAllowed(d.stack());
    }

    // ------------------------------------------------------------------------------------------ the world

    private static void putManifest(Deployment d, String key, String content) {
        s3.client().putObject(p -> p.bucket(d.bucket()).key(key), RequestBody.fromString(content));
    }

    /** A function URL request in payload format 2.0, as Lambda hands it to the function. */
    private static String urlRequest(String method, String body, boolean base64) {
        String encoded = base64 ? Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)) : body;
        return JSON.createObjectNode().put("version", "2.0").put("routeKey", "$default").put("rawPath", "/")
                .put("rawQueryString", "").put("body", encoded).put("isBase64Encoded", base64)
                .set("requestContext", JSON.createObjectNode().put("accountId", "123456789012").put("domainName",
                        "abc.lambda-url.us-east-1.on.aws").set("http", JSON.createObjectNode().put("method", method)
                        .put("path", "/").put("protocol", "HTTP/1.1").put("sourceIp", "10.0.0.1"))).toString();
    }

    private static void drainArrivals(Deployment d) {
        String queue = d.stack().ref("ArrivalQueue");
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            d.stack().poll("MonitorFunction", 1, 1);
            Map<String, String> a = sqs.client().getQueueAttributes(r -> r.queueUrl(queue).attributeNamesWithStrings(
                    "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")).attributesAsStrings();
            return "0".equals(a.get("ApproximateNumberOfMessages")) && "0".equals(a.get("ApproximateNumberOfMessagesNotVisible"));
        });
    }

    private static JsonNode observeUntilCompletion(Deployment d) throws Exception {
        List<Message> completions = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            d.stack().poll("ObserverFunction", 1, 1);
            completions.addAll(sqs.client().receiveMessage(r -> r.queueUrl(d.subscriber()).maxNumberOfMessages(10)).messages());
            return !completions.isEmpty();
        });
        assertThat(completions).hasSize(1);
        return JSON.readTree(completions.get(0).body());
    }

    private static void assertNoSecondCompletion(Deployment d) {
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> {
            d.stack().poll("ObserverFunction", 0, 1);
            return sqs.client().receiveMessage(r -> r.queueUrl(d.subscriber()).maxNumberOfMessages(10)).messages().isEmpty();
        });
        assertThat(sns.published().stream().filter(p -> p.topicArn().equals(d.stack().ref("NotificationTopic")))).hasSize(1);
    }

    private static void assertEveryRequestAllowed(TemplateStack stack) {
        for (String fn : FUNCTIONS) {
            RolePolicies role = RolePolicies.of(stack, fn);
            assertThat(stack.function(fn).calls).as(fn + "'s requests, against its role's grants " + role.grants())
                    .allSatisfy(c -> assertThat(role.allows(c.action(), c.resource())).as(c.toString()).isTrue());
        }
    }
}
