package dev.quiesce.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code quiesce watch} end to end, each run in a real child JVM. */
class WatchCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private Path data() throws IOException {
        return Files.createDirectories(tmp.resolve("data"));
    }

    private static List<JsonNode> events(String stdout) {
        return stdout.lines().filter(l -> l.startsWith("{")).map(l -> {
            try {
                return JSON.readTree(l);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + l, e);
            }
        }).toList();
    }

    @Test
    void exitsZeroAfterTheFilesStopLanding() throws Exception {
        Path data = data();
        try (QuiesceProcess q = QuiesceProcess.start(tmp, "watch", data.toString(), "--json",
                "--delay", "300ms", "--window", "2", "--rescan", "200ms")) {
            Files.writeString(data.resolve("part-0.json"), "{}");
            await().atMost(LIMIT).until(() -> q.stdout().contains("ACTIVATED"));
            Files.createDirectories(data.resolve("2024/05/01"));
            Files.writeString(data.resolve("2024/05/01/part-1.json"), "{\"a\":1}");
            Files.writeString(data.resolve("part-2.json.tmp"), "still being written");
            Files.writeString(data.resolve("part-3.json"), "{\"b\":22}");

            assertThat(q.exitCode(LIMIT)).as(q.stderr()).isEqualTo(0);
            List<JsonNode> events = events(q.stdout());
            assertThat(events).extracting(e -> e.get("type").asText()).containsExactly("ACTIVATED", "COMPLETED");
            JsonNode completed = events.get(1);
            assertThat(completed.get("objects").asLong()).isEqualTo(3);
            assertThat(completed.get("bytes").asLong()).isEqualTo(2 + 7 + 8);
            // off a terminal: the one summary line for a scheduler's log, nothing else
            assertThat(q.stderr().lines().toList()).as(q.stderr()).hasSize(1)
                    .allSatisfy(l -> assertThat(l).startsWith("quiesce: complete | 3 objects"));
        }
    }

    @Test
    void exitsWithTheTimedOutCodeAtTheDeadline() throws Exception {
        try (QuiesceProcess q = QuiesceProcess.start(tmp, "watch", data().toString(), "--deadline", "1s")) {
            assertThat(q.exitCode(LIMIT)).as(q.stderr()).isEqualTo(ExitCodes.TIMED_OUT);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "--window 0",
        "--policy sometimes",
        "--delay -5s",
        "--delay soon",
        "--policy inactivity --window 3",
        "--delay-strategy fibonacci",
        "--bogus",
        "--min-objects -1",
        "--notify-webhook ftp://example.com/x",
        "--include [unclosed",
        "--policy adaptive --window 3",
        "--phi-threshold 3 --inactivity 1m",
        "--policy adaptive --phi-threshold 99",
        "--policy adaptive --gap-model poisson",
        "--gap-model gamma --window 3",
        "--buffer-interval 1m --window 2 --delay 10s",
        "--buffer-hint 2m --policy adaptive --window 2",
        "--allow-short-window",
        "--deletes sometimes",
        "--overdue 2h --deadline 1h",
        "MISSING_DIR",
    })
    void badUsageExitsSixtyFourWithAOneLineReason(String options) throws Exception {
        Path data = data();
        String[] words = options.split(" ");
        String[] args;
        if (options.equals("MISSING_DIR")) {
            args = new String[] {"watch", tmp.resolve("no-such-dir").toString()};
        } else {
            args = new String[words.length + 2];
            args[0] = "watch";
            args[1] = data.toString();
            System.arraycopy(words, 0, args, 2, words.length);
        }
        try (QuiesceProcess q = QuiesceProcess.start(tmp, args)) {
            assertThat(q.exitCode(LIMIT)).as(q.stderr()).isEqualTo(ExitCodes.USAGE);
            List<String> lines = q.stderr().lines().toList();
            assertThat(lines.get(0)).startsWith("quiesce: ");
            assertThat(lines).hasSizeLessThanOrEqualTo(2);
            assertThat(q.stdout()).isEmpty();
        }
    }

    @Test
    void aQuietWindowShorterThanTheBufferIntervalIsRefusedAtStart() throws Exception {
        try (QuiesceProcess q = QuiesceProcess.start(tmp, "watch", data().toString(), "--buffer-interval", "60s",
                "--policy", "inactivity", "--inactivity", "45s")) {
            assertThat(q.exitCode(LIMIT)).as(q.stderr()).isEqualTo(ExitCodes.USAGE);
            List<String> lines = q.stderr().lines().toList();
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0)).startsWith("quiesce: inactivity period 45s is shorter than the buffer interval 1m")
                    .contains("raise period (--inactivity) to at least 1m").contains("1.5 x the interval");
        }
        // the same window passes once it is allowed: it runs to its deadline instead of being refused
        try (QuiesceProcess q = QuiesceProcess.start(tmp, "watch", data().toString(), "--buffer-interval", "60s",
                "--policy", "inactivity", "--inactivity", "45s", "--allow-short-window", "--deadline", "1s")) {
            assertThat(q.exitCode(LIMIT)).as(q.stderr()).isEqualTo(ExitCodes.TIMED_OUT);
        }
    }

    @Test
    void aRemovalWithDeletesFailEndsTheRunWithExitSixNamingTheKey() throws Exception {
        Path data = data();
        // both files are there before the start, so the source's first pass counts them before any check
        Files.writeString(data.resolve("part-0.json"), "{}");
        Files.writeString(data.resolve("part-1.json"), "{}");
        try (QuiesceProcess q = QuiesceProcess.start(tmp, "watch", data.toString(), "--json", "--deletes", "fail",
                "--policy", "inactivity", "--inactivity", "1m", "--rescan", "200ms")) {
            await().atMost(LIMIT).until(() -> q.stdout().contains("ACTIVATED"));
            Files.delete(data.resolve("part-1.json"));
            assertThat(q.exitCode(LIMIT)).as(q.stderr()).isEqualTo(ExitCodes.DELETED);
            List<JsonNode> events = events(q.stdout());
            assertThat(events).extracting(e -> e.get("type").asText()).last().isEqualTo("DELETED");
            assertThat(events.get(events.size() - 1).get("reason").asText()).isEqualTo("removed part-1.json (deletes=fail)");
        }
    }

    @Test
    void unreachableWebhookExitsSeventyFiveAndLeavesADeadLetter() throws Exception {
        Path data = data();
        Files.writeString(data.resolve("part-0.json"), "{}");
        AtomicInteger requests = new AtomicInteger();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", ex -> {
            requests.incrementAndGet();
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(503, -1);
            ex.close();
        });
        receiver.start();
        Path deadLetters = tmp.resolve("dead.jsonl");
        try (QuiesceProcess q = QuiesceProcess.start(tmp, "watch", data.toString(),
                "--policy", "inactivity", "--inactivity", "300ms",
                "--notify-webhook", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook",
                "--notify-attempts", "3", "--notify-backoff", "100ms", "--dead-letters", deadLetters.toString())) {
            assertThat(q.exitCode(LIMIT)).as(q.stderr()).isEqualTo(ExitCodes.DOWNSTREAM_UNREACHABLE);
            assertThat(requests).hasValue(3);
            assertThat(q.stderr()).contains("after 3 attempts").contains(deadLetters.toString());
            List<String> lines = Files.readAllLines(deadLetters);
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0)).contains("COMPLETED").contains("503");
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void killedMidObservationResumesFromTheStateFileAndCompletesOnce() throws Exception {
        Path data = data();
        Path state = tmp.resolve("state.db");
        Path notified = tmp.resolve("notified.txt");
        String[] args = {"watch", data.toString(), "--json", "--state", state.toString(),
                "--delay", "500ms", "--window", "3", "--rescan", "200ms",
                "--notify-command", "echo \"$QUIESCE_ID $QUIESCE_TYPE $QUIESCE_OBJECTS\" >> " + notified};
        Files.writeString(data.resolve("part-0.json"), "{}");
        try (QuiesceProcess first = QuiesceProcess.start(tmp, args)) {
            await().atMost(LIMIT).until(() -> first.stdout().contains("ACTIVATED"));
            Files.writeString(data.resolve("part-1.json"), "{}");
            first.kill();
            assertThat(first.isAlive()).isFalse();
            assertThat(first.stdout()).doesNotContain("COMPLETED");
        }
        Files.writeString(data.resolve("part-2.json"), "{}");
        try (QuiesceProcess second = QuiesceProcess.start(tmp, args)) {
            assertThat(second.exitCode(LIMIT)).as(second.stderr()).isEqualTo(0);
            // ACTIVATED may be printed again if the kill came between printing it and marking it delivered
            assertThat(events(second.stdout())).extracting(e -> e.get("type").asText())
                    .containsOnlyOnce("COMPLETED").last().isEqualTo("COMPLETED");
        }
        assertThat(Files.readAllLines(notified)).containsExactly(
                "watch:" + data.toAbsolutePath().normalize() + "/2 COMPLETED 3");
        // a third invocation with --resume-only reports the same result and notifies nobody again
        String[] resumeOnly = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of(
                "--resume-only")).toArray(String[]::new);
        try (QuiesceProcess third = QuiesceProcess.start(tmp, resumeOnly)) {
            assertThat(third.exitCode(LIMIT)).isEqualTo(0);
        }
        assertThat(Files.readAllLines(notified)).hasSize(1);
    }

    @Test
    void cancelFromAnotherProcessEndsTheWatchWithCodeFiveAndNotifies() throws Exception {
        Path data = data();
        Path state = tmp.resolve("state.db");
        Path notified = tmp.resolve("notified.txt");
        try (QuiesceProcess watch = QuiesceProcess.start(tmp, "watch", data.toString(), "--json",
                "--state", state.toString(), "--notify-command", "echo \"$QUIESCE_TYPE\" >> " + notified)) {
            await().atMost(LIMIT).until(() -> Files.exists(state) && watch.stdout().isEmpty() && watch.isAlive()
                    && cancel(state, data) == 0);
            assertThat(watch.exitCode(LIMIT)).as(watch.stderr()).isEqualTo(ExitCodes.CANCELLED);
            assertThat(events(watch.stdout())).extracting(e -> e.get("type").asText()).containsExactly("CANCELLED");
            assertThat(Files.readAllLines(notified)).containsExactly("CANCELLED");
        }
        try (QuiesceProcess again = QuiesceProcess.start(tmp, "cancel", data.toString(), "--state", state.toString())) {
            assertThat(again.exitCode(LIMIT)).isEqualTo(1);
            assertThat(again.stderr()).contains("had already ended: CANCELLED");
        }
    }

    /** Runs {@code quiesce cancel}; 64 until the watch has created its observation. */
    private int cancel(Path state, Path data) {
        try (QuiesceProcess q = QuiesceProcess.start(tmp, "cancel", data.toString(), "--state", state.toString())) {
            return q.exitCode(LIMIT);
        }
    }

    @Test
    void dataThatLandedLongAgoCompletesAtOnceWithEveryFileCounted() throws Exception {
        // regression: a check ran during the first scan and completed on the files counted so far
        Path data = data();
        java.nio.file.attribute.FileTime hourAgo = java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(Duration.ofHours(1)));
        for (int i = 0; i < 300; i++) {
            Path f = Files.writeString(data.resolve("part-" + i + ".json"), "{}");
            Files.setLastModifiedTime(f, hourAgo);
        }
        try (QuiesceProcess q = QuiesceProcess.start(tmp, "watch", data.toString(), "--json",
                "--policy", "inactivity", "--inactivity", "1s")) {
            assertThat(q.exitCode(LIMIT)).as(q.stderr()).isEqualTo(0);
            List<JsonNode> events = events(q.stdout());
            assertThat(events.get(events.size() - 1).get("objects").asLong()).isEqualTo(300);
        }
    }
}
