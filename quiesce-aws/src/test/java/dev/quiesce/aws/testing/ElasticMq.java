package dev.quiesce.aws.testing;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.CreateQueueRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * A real SQS endpoint for tests: ElasticMQ started in this JVM on 127.0.0.1 at a free port, with an
 * {@link SqsClient} pointed at it. DelaySeconds, long polling, visibility timeouts, redrive to a
 * dead-letter queue and FIFO deduplication behave as on SQS; queue ARNs use the region
 * {@code elasticmq}.
 *
 * <p>Start one per test class (start-up takes about two seconds) and close it afterwards; queue names
 * must then be unique per test. The client uses static dummy credentials, region {@code us-east-1} and
 * the {@link UrlConnectionHttpClient}, like the Lambda deployment. Thread-safe: the client may be
 * shared by many threads.
 *
 * <pre>{@code
 * try (ElasticMq sqs = ElasticMq.start()) {
 *     String url = sqs.createQueue("checks");
 *     sqs.client().sendMessage(b -> b.queueUrl(url).messageBody("hello"));
 * }
 * }</pre>
 */
public final class ElasticMq implements AutoCloseable {

    private final SQSRestServer server;
    private final URI endpoint;
    private final SqsClient client;

    private ElasticMq(SQSRestServer server, int port) {
        this.server = server;
        this.endpoint = URI.create("http://127.0.0.1:" + port);
        this.client = clientFor(endpoint);
    }

    /**
     * Starts ElasticMQ and waits until it accepts connections.
     *
     * @throws IllegalStateException if the server does not start
     */
    public static ElasticMq start() {
        SQSRestServer server = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
        try {
            int port = server.waitUntilStarted().localAddress().getPort();
            return new ElasticMq(server, port);
        } catch (RuntimeException e) {
            server.stopAndWait();
            throw new IllegalStateException("ElasticMQ did not start", e);
        }
    }

    /** Where the server listens: {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return endpoint;
    }

    /** The shared client for this server; closed by {@link #close()}. */
    public SqsClient client() {
        return client;
    }

    /**
     * A new client for this server, for tests that want one per consumer or that watch the requests the
     * SDK sends with an {@link ExecutionInterceptor}; the caller closes it.
     */
    public SqsClient newClient(ExecutionInterceptor... interceptors) {
        return clientFor(endpoint, interceptors);
    }

    /**
     * Creates a queue (a FIFO queue, with content-based deduplication off, when the name ends in
     * {@code .fifo}) and returns its URL.
     */
    public String createQueue(String name) {
        Objects.requireNonNull(name, "name");
        CreateQueueRequest.Builder request = CreateQueueRequest.builder().queueName(name);
        if (name.endsWith(".fifo")) {
            request.attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true"));
        }
        return client.createQueue(request.build()).queueUrl();
    }

    /**
     * Creates queue {@code dlqName}, then queue {@code name} whose messages move to it after
     * {@code maxReceives} receives without deletion; returns the URL of {@code name}.
     *
     * @throws IllegalArgumentException if {@code maxReceives < 1}
     */
    public String createQueueWithDeadLetter(String name, String dlqName, int maxReceives) {
        if (maxReceives < 1) {
            throw new IllegalArgumentException("maxReceives must be >= 1, was " + maxReceives);
        }
        String dlqUrl = createQueue(dlqName);
        String dlqArn = client.getQueueAttributes(GetQueueAttributesRequest.builder()
                        .queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN).build())
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String redrive = "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + maxReceives + "\"}";
        CreateQueueRequest.Builder request = CreateQueueRequest.builder().queueName(name);
        Map<QueueAttributeName, String> attributes = name.endsWith(".fifo")
                ? Map.of(QueueAttributeName.REDRIVE_POLICY, redrive, QueueAttributeName.FIFO_QUEUE, "true")
                : Map.of(QueueAttributeName.REDRIVE_POLICY, redrive);
        return client.createQueue(request.attributes(attributes).build()).queueUrl();
    }

    /** Closes the client and stops the server, waiting until it has stopped. */
    @Override
    public void close() {
        try {
            client.close();
        } finally {
            server.stopAndWait();
        }
    }

    private static SqsClient clientFor(URI endpoint, ExecutionInterceptor... interceptors) {
        return SqsClient.builder()
                .overrideConfiguration(c -> c.executionInterceptors(List.of(interceptors)))
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
    }
}
