package dev.quiesce.aws.notify;

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
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A real HTTP endpoint on 127.0.0.1 (a free port) standing in for an AWS service API: it records each
 * request the SDK really sends and answers with the response the test set, such as the documented
 * success or error document of the operation. Thread-safe.
 *
 * <p>SNS and EventBridge have no local stand-in we may use here (none on Maven Central or npm), so
 * their notifiers are tested against this: the SDK client is pointed at it with
 * {@code endpointOverride}, the request is the real wire request (SNS: AWS Query form; EventBridge:
 * AWS JSON 1.1), and the answers are copied from the service API references.
 */
final class AwsEndpoint implements AutoCloseable {

    /** Static dummy credentials; the endpoint does not check signatures. */
    static final AwsCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x"));

    /** One received request; header names are case-insensitive. */
    record Request(String method, String path, Map<String, String> headers, String body) {

        String header(String name) {
            return headers.get(name);
        }

        /** The body read as {@code application/x-www-form-urlencoded} (AWS Query protocol). */
        Map<String, String> form() {
            Map<String, String> m = new LinkedHashMap<>();
            for (String pair : body.split("&")) {
                int eq = pair.indexOf('=');
                m.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
            return m;
        }
    }

    private record Answer(int status, String contentType, Map<String, String> headers, String body) {
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final List<Request> requests = new ArrayList<>();
    private Answer answer = new Answer(500, "text/plain", Map.of(), "no answer configured");

    private AwsEndpoint() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "aws-endpoint");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    static AwsEndpoint start() {
        try {
            return new AwsEndpoint();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the test AWS endpoint", e);
        }
    }

    /** {@code http://127.0.0.1:<port>}, for {@code endpointOverride}. */
    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Every later request gets this answer. */
    synchronized AwsEndpoint answer(int status, String contentType, String body) {
        return answer(status, contentType, Map.of(), body);
    }

    /** Every later request gets this answer, with extra headers. */
    synchronized AwsEndpoint answer(int status, String contentType, Map<String, String> headers, String body) {
        this.answer = new Answer(status, contentType, Map.copyOf(headers), body);
        return this;
    }

    /** The requests received so far, in order. */
    synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The only request received. */
    synchronized Request onlyRequest() {
        if (requests.size() != 1) {
            throw new AssertionError("expected exactly one request, got " + requests.size());
        }
        return requests.get(0);
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
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, String.join(",", v)));
            Answer a;
            synchronized (this) {
                requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        headers, body));
                a = answer;
            }
            byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", a.contentType());
            exchange.getResponseHeaders().set("x-amzn-RequestId", "b1f5c1a0-0000-4000-8000-000000000001");
            a.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            exchange.sendResponseHeaders(a.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }
}
