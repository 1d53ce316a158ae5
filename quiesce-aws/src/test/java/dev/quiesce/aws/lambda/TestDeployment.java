package dev.quiesce.aws.lambda;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quiesce.Observation;
import dev.quiesce.aws.dynamodb.DynamoDbObservationStore;
import dev.quiesce.aws.dynamodb.DynamoDbTallyStore;
import dev.quiesce.aws.metrics.Metrics;
import dev.quiesce.aws.sqs.CheckMessage;
import dev.quiesce.aws.testing.Dynalite;
import dev.quiesce.aws.testing.ElasticMq;
import dev.quiesce.port.contract.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * One deployment of the handlers for a test, on a shared dynalite and ElasticMQ: fresh tables and check
 * queue, the bucket {@code landing} with the dataset {@code events} under {@code events/}, a virtual
 * clock, metrics captured in memory, and the DynamoDB client measuring tally fill as the Lambda wiring's
 * does. Not thread-safe.
 */
final class TestDeployment {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String BUCKET = "landing";
    private static final AtomicInteger DEPLOYMENTS = new AtomicInteger();

    final int n = DEPLOYMENTS.incrementAndGet();
    final MutableClock clock = MutableClock.at("2024-05-01T00:00:00Z");
    final List<String> emf = Collections.synchronizedList(new ArrayList<>());
    final Map<String, String> env = new HashMap<>();
    final ElasticMq sqs;
    final Dynalite dynalite;
    final String checkQueue;
    private final Metrics metrics;
    private final DynamoDbClient dynamo;
    private AwsWiring wiring;

    TestDeployment(Dynalite dynalite, ElasticMq sqs) {
        this.dynalite = dynalite;
        this.sqs = sqs;
        DynamoDbTallyStore.createTable(dynalite.client(), "t-tally-" + n);
        DynamoDbObservationStore.createTable(dynalite.client(), "t-observations-" + n);
        checkQueue = sqs.createQueue("t-checks-" + n);
        env.put("QUIESCE_TALLY_TABLE", "t-tally-" + n);
        env.put("QUIESCE_OBSERVATION_TABLE", "t-observations-" + n);
        env.put("QUIESCE_CHECK_QUEUE_URL", checkQueue);
        env.put("QUIESCE_DATASETS", "events=" + BUCKET + "/events/");
        env.put("QUIESCE_POLICY", "stable window=2 delay=constant:10s");
        metrics = new Metrics("quiesce", clock, emf::add);
        dynamo = DynamoDbClient.builder()
                .endpointOverride(dynalite.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
    }

    /** Sets a variable before the first {@link #wiring()}. */
    TestDeployment with(String name, String value) {
        if (wiring != null) {
            throw new IllegalStateException("already wired");
        }
        env.put(name, value);
        return this;
    }

    AwsWiring wiring() {
        if (wiring == null) {
            wiring = AwsWiring.of(AwsConfig.from(env), new AwsWiring.Clients(dynamo, sqs.client(), null, null), clock,
                    metrics);
        }
        return wiring;
    }

    /** Another wiring on the same tables with other variables (say, a check queue that is gone). */
    AwsWiring otherWiring(Map<String, String> changes) {
        Map<String, String> e = new HashMap<>(env);
        e.putAll(changes);
        return AwsWiring.of(AwsConfig.from(e), new AwsWiring.Clients(dynamo, sqs.client(), null, null), clock, metrics);
    }

    /** The URL a queue of this name (unique to the deployment) has once created; it does not exist now. */
    String missingQueue(String name) {
        String url = sqs.createQueue(name + "-" + n);
        sqs.client().deleteQueue(b -> b.queueUrl(url));
        return url;
    }

    /** Creates the queue {@link #missingQueue} named; returns its URL, the same one. */
    String createQueue(String name) {
        return sqs.createQueue(name + "-" + n);
    }

    /** The last EMF document written, the one with the plain counts. */
    JsonNode lastEmf() {
        for (int i = emf.size() - 1; i >= 0; i--) {
            JsonNode doc = tree(emf.get(i));
            if (doc.has("ArrivalsCounted")) {
                return doc;
            }
        }
        throw new AssertionError("no EMF document written");
    }

    /** Every EMF document of the last flush that has an Outcome, by outcome. */
    Map<String, Long> lastCompletions() {
        Map<String, Long> out = new HashMap<>();
        int last = emf.size() - 1;
        while (last >= 0 && !tree(emf.get(last)).has("ArrivalsCounted")) {
            last--;
        }
        for (int i = Math.max(last, 0); i < emf.size(); i++) {
            JsonNode doc = tree(emf.get(i));
            if (doc.has("Outcome")) {
                out.put(doc.get("Outcome").asText(), doc.get("Completions").asLong());
            }
        }
        return out;
    }

    Observation run(String id) {
        return wiring().engine().observations().find(id).orElseThrow();
    }

    /** The check message its scheduler would have sent for the run's next check. */
    String checkFor(String id) {
        Observation o = run(id);
        return new CheckMessage(id, o.version(), o.nextCheckAt()).toJson();
    }

    JsonNode sweep() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new SweepHandler(wiring()).handleRequest(new ByteArrayInputStream("{}".getBytes()), out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return tree(out.toString());
    }

    static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An S3 event notification (S3 → SQS body) of one object created under {@code landing}. */
    static String created(String key, String sequencer) {
        return "{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"awsRegion\":\"us-east-1\","
                + "\"eventTime\":\"2024-05-01T00:00:00.000Z\",\"eventName\":\"ObjectCreated:Put\","
                + "\"s3\":{\"s3SchemaVersion\":\"1.0\",\"bucket\":{\"name\":\"" + BUCKET + "\"},"
                + "\"object\":{\"key\":\"" + key + "\",\"size\":3,\"eTag\":\"e" + sequencer + "\",\"sequencer\":\""
                + sequencer + "\"}}}]}";
    }

    /** An S3 event notification of one object removed from {@code landing}. */
    static String removed(String key, String sequencer) {
        return "{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"awsRegion\":\"us-east-1\","
                + "\"eventTime\":\"2024-05-01T00:00:01.000Z\",\"eventName\":\"ObjectRemoved:Delete\","
                + "\"s3\":{\"s3SchemaVersion\":\"1.0\",\"bucket\":{\"name\":\"" + BUCKET + "\"},"
                + "\"object\":{\"key\":\"" + key + "\",\"sequencer\":\"" + sequencer + "\"}}}]}";
    }

    /** A batch as Lambda's SQS poller hands it over: message ids {@code m-0}, {@code m-1}, ... */
    static SQSEvent sqsEvent(String... bodies) {
        List<SQSEvent.SQSMessage> messages = new ArrayList<>();
        for (int i = 0; i < bodies.length; i++) {
            SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
            m.setMessageId("m-" + i);
            m.setBody(bodies[i]);
            m.setEventSource("aws:sqs");
            m.setAttributes(Map.of("ApproximateReceiveCount", "1"));
            messages.add(m);
        }
        SQSEvent e = new SQSEvent();
        e.setRecords(messages);
        return e;
    }
}
