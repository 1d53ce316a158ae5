package dev.quiesce.aws.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * SNS topics for tests: a real HTTP endpoint on 127.0.0.1 that answers the AWS Query {@code Publish} action
 * as SNS does (the PublishResponse document of the API reference) and delivers each message to the SQS
 * queues subscribed to its topic with raw message delivery, on ElasticMQ. Only {@code Publish} is served;
 * anything else gets SNS's {@code InvalidAction} error, so a caller using more of SNS fails loudly.
 *
 * <p>No SNS stand-in with an open-source licence is on Maven Central or npm, and SNS's part in the
 * deployment is one Publish per completed run; this is the smallest thing that lets an end-to-end test
 * see that publish arrive on a queue, as a subscriber would.
 */
public final class SnsTopics implements AutoCloseable {

    /** One message published to a topic. */
    public record Published(String topicArn, String message, Map<String, String> attributes) {
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final SqsClient sqs;
    private final Map<String, List<String>> subscriptions = new ConcurrentHashMap<>();
    private final List<Published> published = new CopyOnWriteArrayList<>();

    private SnsTopics(SqsClient sqs) throws IOException {
        this.sqs = sqs;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "sns-topics");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts an endpoint delivering subscriptions through {@code sqs}. */
    public static SnsTopics start(SqsClient sqs) {
        try {
            return new SnsTopics(sqs);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the SNS stand-in", e);
        }
    }

    /** Subscribes an SQS queue to a topic, with raw message delivery. */
    public void subscribe(String topicArn, String queueUrl) {
        subscriptions.computeIfAbsent(topicArn, t -> new CopyOnWriteArrayList<>()).add(queueUrl);
    }

    /** Every message published so far, in order. */
    public List<Published> published() {
        return List.copyOf(published);
    }

    /** A client for this endpoint, its requests passing through {@code interceptors}; the caller closes it. */
    public SnsClient newClient(ExecutionInterceptor... interceptors) {
        return SnsClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(c -> c.executionInterceptors(List.of(interceptors)))
                .build();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Map<String, String> form = form(body);
            int status;
            String answer;
            if ("Publish".equals(form.get("Action")) && form.containsKey("TopicArn") && form.containsKey("Message")) {
                Published p = new Published(form.get("TopicArn"), form.get("Message"), attributes(form));
                published.add(p);
                for (String queue : subscriptions.getOrDefault(p.topicArn(), List.of())) {
                    sqs.sendMessage(m -> m.queueUrl(queue).messageBody(p.message()));
                }
                status = 200;
                answer = "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><PublishResult><MessageId>"
                        + UUID.randomUUID() + "</MessageId></PublishResult><ResponseMetadata><RequestId>"
                        + UUID.randomUUID() + "</RequestId></ResponseMetadata></PublishResponse>";
            } else {
                status = 400;
                answer = "<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><Error><Type>Sender</Type>"
                        + "<Code>InvalidAction</Code><Message>only Publish is served here, not " + form.get("Action")
                        + "</Message></Error><RequestId>" + UUID.randomUUID() + "</RequestId></ErrorResponse>";
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/xml");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                m.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return m;
    }

    /** {@code MessageAttributes.entry.N.Name} / {@code .Value.StringValue} pairs. */
    private static Map<String, String> attributes(Map<String, String> form) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        for (int i = 1; form.containsKey("MessageAttributes.entry." + i + ".Name"); i++) {
            names.add(form.get("MessageAttributes.entry." + i + ".Name"));
            out.put(names.get(i - 1), form.get("MessageAttributes.entry." + i + ".Value.StringValue"));
        }
        return out;
    }
}
