package dev.quiesce.aws.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quiesce.MalformedEventException;
import dev.quiesce.Observation;
import dev.quiesce.ObservationState;
import dev.quiesce.aws.dynamodb.DynamoDbObservationStore;
import dev.quiesce.aws.dynamodb.DynamoDbTallyStore;
import dev.quiesce.aws.testing.Dynalite;
import dev.quiesce.aws.testing.ElasticMq;
import dev.quiesce.port.contract.MutableClock;
import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The direct-invoke handlers (S3 → Lambda, EventBridge → Lambda, start, sweep) on dynalite and ElasticMQ. */
class HandlersTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger DEPLOYMENTS = new AtomicInteger();
    private static Dynalite dynalite;
    private static ElasticMq sqs;

    private final MutableClock clock = MutableClock.at("2021-11-12T00:00:00Z");
    private final AwsWiring wiring = wiring();

    @BeforeAll
    static void start() {
        dynalite = Dynalite.start();
        sqs = ElasticMq.start();
    }

    @AfterAll
    static void stop() {
        sqs.close();
        dynalite.close();
    }

    private AwsWiring wiring() {
        int n = DEPLOYMENTS.incrementAndGet();
        DynamoDbTallyStore.createTable(dynalite.client(), "h-tally-" + n);
        DynamoDbObservationStore.createTable(dynalite.client(), "h-observations-" + n);
        AwsConfig config = AwsConfig.from(Map.of(
                "QUIESCE_TALLY_TABLE", "h-tally-" + n,
                "QUIESCE_OBSERVATION_TABLE", "h-observations-" + n,
                "QUIESCE_CHECK_QUEUE_URL", sqs.createQueue("h-checks-" + n),
                "QUIESCE_POLICY", "stable window=2 delay=constant:10s"));
        return AwsWiring.of(config, new AwsWiring.Clients(dynalite.client(), sqs.client(), null, null), clock);
    }

    private static InputStream resource(String name) {
        return HandlersTest.class.getResourceAsStream("/events/" + name);
    }

    private static JsonNode invoke(com.amazonaws.services.lambda.runtime.RequestStreamHandler h, InputStream in)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        h.handleRequest(in, out, null);
        return JSON.readTree(out.toByteArray());
    }

    private static InputStream text(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void directS3AndEventBridgeInvocationsCountAndStartTheDaysRun() throws Exception {
        DirectMonitorHandler monitor = new DirectMonitorHandler(wiring);
        assertThat(invoke(monitor, resource("eventbridge-object-created.json")).get("arrivals").asInt()).isEqualTo(1);
        assertThat(invoke(monitor, resource("s3-put.json")).get("arrivals").asInt()).isEqualTo(1);
        assertThat(invoke(monitor, resource("s3-test-event.json")).get("ignored").asInt()).isEqualTo(1);
        // unrouted arrivals count under their bucket; the day's run starts with the first of them
        Observation run = wiring.engine().observer().start("amzn-s3-demo-bucket1/2021-11-12",
                "amzn-s3-demo-bucket1", wiring.config().policy());
        assertThat(run.state()).isEqualTo(ObservationState.ACTIVE);
    }

    @Test
    void aMalformedDirectEventFailsTheInvocationSoLambdaRetriesIt() {
        DirectMonitorHandler monitor = new DirectMonitorHandler(wiring);
        assertThatThrownBy(() -> invoke(monitor, text("{\"Records\": [")))
                .isInstanceOf(MalformedEventException.class);
    }

    @Test
    void startCreatesAWaitingRunAndAnswersWithIt() throws Exception {
        StartHandler start = new StartHandler(wiring, clock);
        JsonNode out = invoke(start, text("{\"dataset\":\"events/2021-11-12\",\"policy\":\"inactivity period=5m\"}"));
        assertThat(out.get("id").asText()).isEqualTo("events/2021-11-12/2021-11-12");
        assertThat(out.get("state").asText()).isEqualTo("WAITING");
        assertThat(out.get("policy").asText()).isEqualTo("inactivity period=5m");
        JsonNode again = invoke(start, text("{\"detail\":{\"dataset\":\"events/2021-11-12\",\"id\":\"events/2021-11-12/2021-11-12\"}}"));
        assertThat(again.get("version").asLong()).isEqualTo(out.get("version").asLong());
    }

    @Test
    void startRejectsInputWithoutADataset() {
        StartHandler start = new StartHandler(wiring, clock);
        assertThatThrownBy(() -> invoke(start, text("{\"id\":\"x\"}")))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("\"dataset\"");
        assertThatThrownBy(() -> invoke(start, text("{\"dataset\":\"d\",\"policy\":\"sometimes\"}")))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("unknown policy 'sometimes'");
    }

    @Test
    void theSweepRunsOverdueChecksWhenTheirMessagesWereLost() throws Exception {
        new DirectMonitorHandler(wiring).handleRequest(resource("eventbridge-object-created.json"),
                new ByteArrayOutputStream(), null);
        String run = "amzn-s3-demo-bucket1/2021-11-12";
        // every check message is lost: only the sweep runs checks
        SweepHandler sweep = new SweepHandler(wiring);
        for (int i = 0; i < 2; i++) {
            clock.advance(Duration.ofSeconds(10));
            assertThat(invoke(sweep, text("{}")).get("checks").asInt()).isEqualTo(1);
        }
        Observation done = wiring.engine().observer().start(run, "amzn-s3-demo-bucket1", wiring.config().policy());
        assertThat(done.state()).isEqualTo(ObservationState.COMPLETE);
        assertThat(invoke(sweep, text("{}")).get("checks").asInt()).isZero();
    }

    /** A Lambda context with a request id; everything else as in a small function. */
    static Context context(String requestId) {
        return new Context() {
            public String getAwsRequestId() { return requestId; }
            public String getLogGroupName() { return "/aws/lambda/quiesce-monitor"; }
            public String getLogStreamName() { return "2024/05/01/[$LATEST]0"; }
            public String getFunctionName() { return "quiesce-monitor"; }
            public String getFunctionVersion() { return "$LATEST"; }
            public String getInvokedFunctionArn() { return "arn:aws:lambda:us-east-1:1:function:quiesce-monitor"; }
            public CognitoIdentity getIdentity() { return null; }
            public ClientContext getClientContext() { return null; }
            public int getRemainingTimeInMillis() { return 30_000; }
            public int getMemoryLimitInMB() { return 512; }
            public LambdaLogger getLogger() { return null; }
        };
    }

    @Test
    void aMonitorBatchWritesOneEmfDocumentWithWhatItCounted() throws Exception {
        TestDeployment d = new TestDeployment(dynalite, sqs);
        MonitorHandler monitor = new MonitorHandler(d.wiring());
        PrintStream stdout = System.out;
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        SQSBatchResponse r;
        System.setOut(new PrintStream(logs, true, StandardCharsets.UTF_8));
        try {
            r = monitor.handleRequest(TestDeployment.sqsEvent(
                    TestDeployment.created("events/a.json", "0A1"), TestDeployment.created("events/b.json", "0B1"),
                    TestDeployment.created("events/c.json", "0C1"), TestDeployment.created("events/a.json", "0A1"),
                    "{\"Records\": ["), context("req-7"));
        } finally {
            System.setOut(stdout);
        }

        assertThat(r.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly("m-4");
        assertThat(d.emf).hasSize(1);
        JsonNode doc = JSON.readTree(d.emf.get(0));
        assertThat(doc.get("_aws").get("Timestamp").asLong()).isEqualTo(d.clock.millis());
        JsonNode directives = doc.get("_aws").get("CloudWatchMetrics");
        assertThat(directives).hasSize(1);
        assertThat(directives.get(0).get("Namespace").asText()).isEqualTo("quiesce");
        assertThat(directives.get(0).get("Dimensions").toString()).isEqualTo("[[]]");
        List<String> declared = new ArrayList<>();
        for (JsonNode m : directives.get(0).get("Metrics")) {
            declared.add(m.get("Name").asText() + ":" + m.get("Unit").asText());
            assertThat(doc.has(m.get("Name").asText())).as("value of " + m).isTrue();
        }
        assertThat(declared).containsExactly("ArrivalsCounted:Count", "ArrivalsDuplicate:Count",
                "ArrivalsRejected:Count", "Checks:Count", "NotifierRetries:Count", "NotifierDeadLetters:Count",
                "SideJobFailures:Count", "RunsOverdue:Count");
        assertThat(doc.get("ArrivalsCounted").asLong()).isEqualTo(3);
        assertThat(doc.get("ArrivalsDuplicate").asLong()).isEqualTo(1);
        assertThat(doc.get("ArrivalsRejected").asLong()).isEqualTo(1);
        assertThat(doc.get("Checks").asLong()).isZero();
        assertThat(doc.get("handler").asText()).isEqualTo("monitor");
        assertThat(doc.get("AWSRequestId").asText()).isEqualTo("req-7");

        JsonNode rejected = null;
        for (String line : logs.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.contains("monitor.rejected")) {
                rejected = JSON.readTree(line);
            }
        }
        assertThat(rejected).as("the monitor.rejected log line").isNotNull();
        assertThat(rejected.get("level").asText()).isEqualTo("WARN");
        assertThat(rejected.get("event").asText()).isEqualTo("monitor.rejected");
        assertThat(rejected.get("messageId").asText()).isEqualTo("m-4");
        assertThat(rejected.get("AWSRequestId").asText()).isEqualTo("req-7");
        assertThat(rejected.get("reason").asText()).isNotBlank();
    }
}
