package dev.quiesce.aws.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A local DynamoDB stand-in for tests: dynalite (npm, MIT) run as a Node.js child process.
 *
 * <p>{@link #start()} launches {@code node node_modules/dynalite/cli.js} on a free port of 127.0.0.1
 * with table creation, deletion and update made instant, and returns once dynalite prints
 * {@code Dynalite listening at:}. dynalite keeps its tables in memory; {@link #close()} ends the process
 * and everything it started. dynalite is installed by the module's build ({@code npm ci} in the
 * {@code generate-test-resources} phase); the node executable is {@code node} from the {@code PATH}
 * unless the system property {@code quiesce.node} names another.
 *
 * <p>What dynalite lacks: {@code TransactWriteItems}/{@code TransactGetItems} and TTL expiry.
 *
 * <pre>{@code
 * try (Dynalite dynalite = Dynalite.start(); DynamoDbClient client = dynalite.client()) {
 *     DynamoDbTallyStore.createTable(client, "tally");
 * }
 * }</pre>
 *
 * <p>Thread-safe: {@link #client()} may be called from any thread, each call makes a new client that the
 * caller closes (or leaves to {@link #close()}, which closes every client it made).
 */
public final class Dynalite implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Dynalite.class);
    private static final String READY = "Dynalite listening at:";
    private static final long START_TIMEOUT_SECONDS = 60;
    private static final Path CLI = Path.of("node_modules", "dynalite", "cli.js");

    private final Process process;
    private final URI endpoint;
    private final List<DynamoDbClient> clients = new ArrayList<>();

    private Dynalite(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    /**
     * Starts dynalite on a free port and waits until it listens.
     *
     * @throws IllegalStateException if dynalite is not installed (run {@code npm ci} in {@code quiesce-aws}),
     *     or it exits or stays silent for 60 s instead of listening
     */
    public static Dynalite start() {
        Path moduleDir = moduleDir();
        int port = freePort();
        String node = System.getProperty("quiesce.node", "node");
        ProcessBuilder pb = new ProcessBuilder(node, CLI.toString(), "--host", "127.0.0.1", "--port",
                Integer.toString(port), "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0")
                .directory(moduleDir.toFile())
                .redirectErrorStream(true);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("could not run '" + node + "' to start dynalite (is Node.js installed? "
                    + "set -Dquiesce.node=/path/to/node otherwise): " + e.getMessage(), e);
        }
        CompletableFuture<Void> ready = new CompletableFuture<>();
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> pump(process, ready, output), "dynalite-" + port + "-output");
        reader.setDaemon(true);
        reader.start();
        try {
            ready.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            destroy(process);
            throw new IllegalStateException("interrupted while starting dynalite", e);
        } catch (ExecutionException | TimeoutException e) {
            destroy(process);
            String said;
            synchronized (output) {
                said = output.toString();
            }
            throw new IllegalStateException("dynalite did not start listening on port " + port + " within "
                    + START_TIMEOUT_SECONDS + " s; its output: " + said, e);
        }
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        LOG.info("dynalite.started endpoint={} pid={}", endpoint, process.pid());
        return new Dynalite(process, endpoint);
    }

    /** Where dynalite listens, for an SDK client's {@code endpointOverride}. */
    public URI endpoint() {
        return endpoint;
    }

    /**
     * A new client for this dynalite: endpoint override, static dummy credentials, region us-east-1 and the
     * URL-connection HTTP client. {@link #close()} closes it too.
     */
    public DynamoDbClient client() {
        return client(new ExecutionInterceptor[0]);
    }

    /** A new client as {@link #client()} makes, whose requests also pass through {@code interceptors}. */
    public DynamoDbClient client(ExecutionInterceptor... interceptors) {
        DynamoDbClient client = DynamoDbClient.builder()
                .overrideConfiguration(c -> c.executionInterceptors(List.of(interceptors)))
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
        synchronized (clients) {
            clients.add(client);
        }
        return client;
    }

    /** Closes every client made by {@link #client()} and ends the dynalite process and its children. */
    @Override
    public void close() {
        synchronized (clients) {
            clients.forEach(DynamoDbClient::close);
            clients.clear();
        }
        destroy(process);
        LOG.info("dynalite.stopped endpoint={}", endpoint);
    }

    private static void pump(Process process, CompletableFuture<Void> ready, StringBuilder output) {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!ready.isDone()) {
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                    if (line.contains(READY)) {
                        ready.complete(null);
                    }
                } else {
                    LOG.debug("dynalite.output line={}", line);
                }
            }
        } catch (IOException e) {
            ready.completeExceptionally(new UncheckedIOException(e));
            return;
        }
        ready.completeExceptionally(new IllegalStateException("dynalite exited before listening"));
    }

    private static void destroy(Process process) {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** The quiesce-aws module directory: the working directory under surefire, or its child when run from the root. */
    private static Path moduleDir() {
        Path cwd = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path candidate : List.of(cwd, cwd.resolve("quiesce-aws"))) {
            if (Files.isRegularFile(candidate.resolve(CLI))) {
                return candidate;
            }
        }
        throw new IllegalStateException("dynalite is not installed: no " + CLI + " under " + cwd
                + " or " + cwd.resolve("quiesce-aws") + ". Run 'npm ci' in the quiesce-aws module "
                + "(the Maven build does it in generate-test-resources unless tests are skipped).");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for dynalite", e);
        }
    }
}
