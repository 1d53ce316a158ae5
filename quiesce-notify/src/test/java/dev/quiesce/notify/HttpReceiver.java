package dev.quiesce.notify;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP endpoint on 127.0.0.1 (a free port) that records every request and answers 204, or
 * fails on purpose: the first N requests, every request, or by never answering. Thread-safe.
 *
 * <pre>{@code
 * try (var receiver = HttpReceiver.start().failFirst(2, 500)) { ... receiver.requests() ... }
 * }</pre>
 */
final class HttpReceiver implements AutoCloseable {

    /** The body failing answers carry, so tests can look for it in error messages. */
    static final String FAILURE_BODY = "receiver failing on purpose";

    /** One received request; header names are case-insensitive. */
    record Request(String method, String path, Map<String, String> headers, byte[] body) {

        String header(String name) {
            return headers.get(name);
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final List<Request> requests = new ArrayList<>();
    private int failuresLeft;
    private int failureStatus = 500;
    private boolean hang;

    private HttpReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "http-receiver");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts a receiver that answers 204 to everything. */
    static HttpReceiver start() {
        try {
            return new HttpReceiver();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the test HTTP receiver", e);
        }
    }

    /** A URL on 127.0.0.1 where nothing listens (a port just bound and released): connection refused. */
    static URI closedPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + s.getLocalPort() + "/hooks/quiesce");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The next {@code n} requests get {@code status}; later ones succeed. */
    synchronized HttpReceiver failFirst(int n, int status) {
        failuresLeft = n;
        failureStatus = status;
        return this;
    }

    /** Every request gets {@code status}. */
    synchronized HttpReceiver failAlways(int status) {
        return failFirst(Integer.MAX_VALUE, status);
    }

    /** Requests are recorded and never answered, until {@link #close()}. */
    synchronized HttpReceiver hang() {
        hang = true;
        return this;
    }

    /** Where to post: {@code http://127.0.0.1:<port>/hooks/quiesce}. */
    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/quiesce");
    }

    /** The requests received so far, in order. */
    synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, String.join(",", v)));
            int status;
            boolean hangNow;
            synchronized (this) {
                requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        headers, body));
                hangNow = hang;
                if (failuresLeft > 0) {
                    failuresLeft--;
                    status = failureStatus;
                } else {
                    status = 204;
                }
            }
            if (hangNow) {
                try {
                    closing.await(1, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            if (status == 204) {
                exchange.sendResponseHeaders(204, -1);
            } else {
                byte[] answer = FAILURE_BODY.getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status, answer.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            }
        }
    }
}
