package dev.quiesce.aws.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quiesce.aws.dynamodb.DynamoDbObservationStore;
import dev.quiesce.aws.dynamodb.DynamoDbTallyStore;
import dev.quiesce.aws.metrics.Metric;
import dev.quiesce.aws.metrics.Metrics;
import dev.quiesce.aws.testing.Dynalite;
import dev.quiesce.aws.testing.ElasticMq;
import dev.quiesce.port.contract.MutableClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The SnapStart hook, called directly as the runtime would before the snapshot and after a restore. */
class SnapStartPrimingTest {

    private static Dynalite dynalite;
    private static ElasticMq sqs;

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

    private final MutableClock clock = MutableClock.at("2024-05-01T00:00:00Z");
    private final List<String> emf = new ArrayList<>();
    private final Metrics metrics = new Metrics("quiesce", clock, emf::add);

    private AwsWiring wiring(String name, boolean dryRunClients) {
        DynamoDbTallyStore.createTable(dynalite.client(), name + "-tally");
        DynamoDbObservationStore.createTable(dynalite.client(), name + "-observations");
        String queue = sqs.createQueue(name + "-checks");
        AwsConfig config = AwsConfig.from(Map.of("QUIESCE_TALLY_TABLE", name + "-tally",
                "QUIESCE_OBSERVATION_TABLE", name + "-observations", "QUIESCE_CHECK_QUEUE_URL", queue));
        DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(dynalite.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(c -> {
                    if (dryRunClients) {
                        c.addExecutionInterceptor(SnapStartPriming.DRY_RUN);
                    }
                }).build();
        SqsClient client = dryRunClients ? sqs.newClient(SnapStartPriming.DRY_RUN) : sqs.newClient();
        return AwsWiring.of(config, new AwsWiring.Clients(dynamo, client, null, null), clock, metrics);
    }

    private static int messagesIn(String queue) {
        return sqs.client().getQueueAttributes(GetQueueAttributesRequest.builder().queueUrl(queue)
                        .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED).build())
                .attributes().values().stream().mapToInt(Integer::parseInt).sum();
    }

    @Test
    void primingRunsEveryHotRequestWithoutSendingAny() throws Exception {
        AwsWiring wiring = wiring("prime-1", true);
        SnapStartPriming priming = new SnapStartPriming(wiring);

        assertThat(priming.prime()).isEqualTo(6);   // five DynamoDB requests, one SQS SendMessage
        long started = System.nanoTime();
        priming.beforeCheckpoint(null);
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.err.println("priming took " + millis + " ms");
        assertThat(millis).as("a stopped request is not retried with backoff").isLessThan(2_000);

        assertThat(messagesIn(wiring.config().checkQueueUrl())).isZero();
        assertThat(dynalite.client().scan(b -> b.tableName("prime-1-tally")).count()).isZero();
        assertThat(dynalite.client().scan(b -> b.tableName("prime-1-observations")).count()).isZero();
        assertThat(emf).as("priming writes no metrics").isEmpty();
    }

    @Test
    void clientsWithoutTheDryRunInterceptorAreNotPrimed() {
        AwsWiring wiring = wiring("prime-2", false);
        assertThat(SnapStartPriming.hasDryRun(wiring.clients().sqs())).isFalse();
        assertThat(new SnapStartPriming(wiring).prime()).isZero();
        assertThat(messagesIn(wiring.config().checkQueueUrl())).isZero();
    }

    @Test
    void aRestoreForgetsWhatWasGatheredBeforeTheSnapshot() throws Exception {
        AwsWiring wiring = wiring("prime-3", true);
        SnapStartPriming priming = SnapStartPriming.register(wiring);   // outside a CRaC runtime: kept, never called
        metrics.increment(Metric.CHECKS);

        priming.afterRestore(null);

        JsonNode doc = TestDeployment.tree(metrics.flush(Map.of()).get(0));
        assertThat(doc.get("Checks").asLong()).isZero();
    }

    @Test
    void theLambdaClientsCarryTheDryRunInterceptor() {
        AwsConfig config = AwsConfig.from(Map.of("QUIESCE_TALLY_TABLE", "t", "QUIESCE_OBSERVATION_TABLE", "o",
                "QUIESCE_CHECK_QUEUE_URL", "https://sqs.us-east-1.amazonaws.com/1/checks",
                "QUIESCE_NOTIFY_SNS_TOPIC_ARN", "arn:aws:sns:us-east-1:1:t"));
        System.setProperty("aws.region", System.getProperty("aws.region", "us-east-1"));
        AwsWiring.Clients clients = AwsWiring.Clients.forConfig(config);
        try {
            assertThat(SnapStartPriming.hasDryRun(clients.dynamo())).isTrue();
            assertThat(SnapStartPriming.hasDryRun(clients.sqs())).isTrue();
            assertThat(SnapStartPriming.hasDryRun(clients.sns())).isTrue();
            assertThat(clients.events()).isNull();
        } finally {
            clients.dynamo().close();
            clients.sqs().close();
            clients.sns().close();
        }
    }
}
