package dev.quiesce.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.quiesce.EventType;
import dev.quiesce.LifecycleEvent;
import dev.quiesce.Tally;
import dev.quiesce.notify.FileDeadLetters;
import dev.quiesce.port.OutboxEntry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code quiesce notify --replay} end to end, in a child JVM, against a real HTTP receiver. */
class NotifyCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");

    @TempDir
    Path tmp;

    private static LifecycleEvent event(String observation, EventType type, int transition) {
        Tally tally = new Tally(3, 300, 0, 3, T0, T0.plusSeconds(20), 0, T0.plusSeconds(20), 0);
        return new LifecycleEvent(LifecycleEvent.idOf(observation, transition), type, observation, "ds-" + observation,
                transition, T0.plusSeconds(120), tally, 4, "unchanged for 3 checks", T0, T0.plusSeconds(1));
    }

    /** Two letters buried the way a watch buries them. */
    private Path deadLetters() {
        Path file = tmp.resolve("dead.jsonl");
        FileDeadLetters dead = new FileDeadLetters(file);
        for (LifecycleEvent e : List.of(event("watch:/data/a", EventType.COMPLETED, 2),
                event("watch:/data/b", EventType.TIMED_OUT, 1))) {
            dead.bury(new OutboxEntry(e, "webhook", OutboxEntry.Status.DEAD, 6, e.time(), "HTTP 503"),
                    "webhook answered HTTP 503");
        }
        return file;
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static List<String> ids(Path file) throws IOException {
        return Files.readAllLines(file).stream().map(l -> {
            try {
                return JSON.readTree(l).get("event").get("id").asText();
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + l, e);
            }
        }).toList();
    }

    @Test
    void keepsTheLettersWhileTheReceiverIsDownAndDeliversThemWithTheirIdsOnceItIsUp() throws Exception {
        Path file = deadLetters();
        String down = "http://127.0.0.1:" + closedPort() + "/hook";
        try (QuiesceProcess q = QuiesceProcess.start(tmp, "notify", "--replay", file.toString(),
                "--notify-webhook", down, "--notify-attempts", "2", "--notify-backoff", "50ms")) {
            assertThat(q.exitCode(LIMIT)).as(q.stderr()).isEqualTo(ExitCodes.DOWNSTREAM_UNREACHABLE);
            List<String> lines = q.stderr().lines().filter(l -> l.startsWith("quiesce: could not deliver")).toList();
            assertThat(lines).hasSize(2);
            assertThat(lines.get(0)).contains("watch:/data/a/2").contains("after 2 attempts").contains(file.toString());
            assertThat(lines.get(1)).contains("watch:/data/b/1");
        }
        assertThat(ids(file)).containsExactly("watch:/data/a/2", "watch:/data/b/1");

        List<JsonNode> received = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", ex -> {
            received.add(JSON.readTree(ex.getRequestBody().readAllBytes()));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        receiver.start();
        try (QuiesceProcess q = QuiesceProcess.start(tmp, "notify", "--replay", file.toString(),
                "--notify-webhook", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook")) {
            assertThat(q.exitCode(LIMIT)).as(q.stderr()).isZero();
            assertThat(q.stdout()).contains("delivered watch:/data/a/2 to webhook")
                    .contains("delivered watch:/data/b/1 to webhook");
        } finally {
            receiver.stop(0);
        }
        assertThat(received).extracting(n -> n.get("id").asText()).containsExactly("watch:/data/a/2", "watch:/data/b/1");
        assertThat(received).extracting(n -> n.get("type").asText())
                .containsExactly("dev.quiesce.observation.completed", "dev.quiesce.observation.timed_out");
        assertThat(Files.readString(file)).isEmpty();
    }

    @Test
    void aLineThatIsNotADeadLetterIsNamedAndNothingIsDelivered() throws Exception {
        Path file = deadLetters();
        Files.writeString(file, Files.readString(file).replaceFirst("\n.*\n$", "\n{\"id\":\"x\",\"notifier\":\"webhook\",\"event\":{\"id\":\"x\"\n"));
        String before = Files.readString(file);
        try (QuiesceProcess q = QuiesceProcess.start(tmp, "notify", "--replay", file.toString(),
                "--notify-webhook", "http://127.0.0.1:" + closedPort() + "/hook")) {
            assertThat(q.exitCode(LIMIT)).as(q.stderr()).isEqualTo(ExitCodes.USAGE);
            assertThat(q.stderr().strip()).startsWith("quiesce: " + file + ":2: not a dead letter: not JSON")
                    .doesNotContain("jackson").doesNotContain("Exception").hasLineCount(1);
        }
        assertThat(Files.readString(file)).isEqualTo(before);
    }

    @Test
    void withoutANotifierOptionItSaysWhereToDeliver() throws Exception {
        Path file = deadLetters();
        try (QuiesceProcess q = QuiesceProcess.start(tmp, "notify", "--replay", file.toString())) {
            assertThat(q.exitCode(LIMIT)).as(q.stderr()).isEqualTo(ExitCodes.USAGE);
            assertThat(q.stderr()).contains("--notify-webhook").contains("--notify-command");
        }
        assertThat(ids(file)).hasSize(2);
    }
}
