package dev.quiesce.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code watch} as a recurring job and as a well-behaved Unix tool, each run in a child JVM: one state file
 * over many runs, exit codes that tell the truth, Ctrl-C, the summary line for schedulers, and an
 * already-complete directory.
 */
class WatchRunsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private Path data() throws IOException {
        Path d = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(d.resolve("part-0.json"), "{}");
        return d;
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

    private static String[] fastStable(Path data, String... more) {
        return Stream.concat(Stream.of("watch", data.toString(), "--delay", "200ms", "--window", "2", "--rescan",
                "200ms"), Stream.of(more)).toArray(String[]::new);
    }

    @Test
    void aReusedStateFileStartsTheNextRunAndNotifiesForIt() throws Exception {
        Path data = data();
        String state = tmp.resolve("state.db").toString();
        try (QuiesceProcess first = QuiesceProcess.start(tmp, fastStable(data, "--state", state, "--json"))) {
            assertThat(first.exitCode(LIMIT)).as(first.stderr()).isZero();
            assertThat(events(first.stdout())).extracting(e -> e.get("observation").asText())
                    .containsOnly("watch:" + data.toRealPath());
        }
        Files.writeString(data.resolve("part-1.json"), "{\"next\":\"day\"}");
        try (QuiesceProcess second = QuiesceProcess.start(tmp, fastStable(data, "--state", state, "--json"))) {
            assertThat(second.exitCode(LIMIT)).as(second.stderr()).isZero();
            List<JsonNode> events = events(second.stdout());
            assertThat(events).extracting(e -> e.get("type").asText()).containsExactly("ACTIVATED", "COMPLETED");
            assertThat(events.get(1).get("observation").asText()).isEqualTo("watch:" + data.toRealPath() + "#2");
            // the new run counts what the location holds, not what is left over from the first one
            assertThat(events.get(1).get("objects").asLong()).isEqualTo(2);
            assertThat(second.stderr()).contains("ended complete; this is run 2: watch:" + data.toRealPath() + "#2");
        }
        try (QuiesceProcess resumeOnly = QuiesceProcess.start(tmp, fastStable(data, "--state", state, "--json",
                "--resume-only"))) {
            assertThat(resumeOnly.exitCode(LIMIT)).as(resumeOnly.stderr()).isZero();
            assertThat(events(resumeOnly.stdout())).as("a finished run is reported, not redone").isEmpty();
        }
    }

    @Test
    void aPendingDeliveryWithoutItsNotifierExits64NamingTheOptionThenDeliversWithIt() throws Exception {
        Path data = data();
        String state = tmp.resolve("state.db").toString();
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        try (QuiesceProcess crashing = QuiesceProcess.start(tmp, fastStable(data, "--state", state, "--json",
                "--notify-webhook", "http://127.0.0.1:" + deadPort + "/hook", "--notify-attempts", "50",
                "--notify-backoff", "30s"))) {
            await().atMost(LIMIT).until(() -> crashing.stdout().contains("COMPLETED"));
            crashing.kill();
        }
        try (QuiesceProcess without = QuiesceProcess.start(tmp, fastStable(data, "--state", state))) {
            assertThat(without.exitCode(LIMIT)).isEqualTo(64);
            assertThat(without.stderr()).contains("add --notify-webhook URL").doesNotContain("Exception");
            assertThat(without.stderr().lines().count()).as(without.stderr()).isEqualTo(1);
        }
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", ex -> {
            received.add(new String(ex.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        receiver.start();
        try (QuiesceProcess with = QuiesceProcess.start(tmp, fastStable(data, "--state", state,
                "--notify-webhook", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook"))) {
            assertThat(with.exitCode(LIMIT)).as(with.stderr()).isZero();
            assertThat(with.stderr()).contains("resuming watch:" + data.toRealPath());
            assertThat(received).hasSize(1);
            assertThat(received.get(0)).contains("dev.quiesce.observation.completed");
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void ctrlCExits130WithTheHintAndLeavesNoTemporaryState() throws Exception {
        Path data = data();
        Path temp = Files.createDirectories(tmp.resolve("tmpdir"));
        Map<String, String> env = Map.of("JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + temp);
        try (QuiesceProcess q = QuiesceProcess.start(tmp, env, "watch", data.toString(), "--inactivity", "1h")) {
            await().atMost(LIMIT).until(() -> stateFiles(temp) > 0);
            q.interrupt();
            assertThat(q.exitCode(LIMIT)).isEqualTo(130);
            assertThat(q.stderr()).contains("quiesce: interrupted; the run's temporary state was removed");
        }
        assertThat(stateFiles(temp)).isZero();
        Path state = tmp.resolve("kept.db");
        try (QuiesceProcess q = QuiesceProcess.start(tmp, "watch", data.toString(), "--inactivity", "1h",
                "--state", state.toString())) {
            await().atMost(LIMIT).until(() -> Files.exists(state));
            q.interrupt();
            assertThat(q.exitCode(LIMIT)).isEqualTo(130);
            assertThat(q.stderr()).contains("quiesce: interrupted; resume with --state " + state);
        }
    }

    private static long stateFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("quiesce-")).count();
        }
    }

    @Test
    void offATerminalStderrCarriesExactlyOneSummaryLineAndQuietSilencesIt() throws Exception {
        Path data = data();
        try (QuiesceProcess q = QuiesceProcess.start(tmp, fastStable(data))) {
            assertThat(q.exitCode(LIMIT)).as(q.stderr()).isZero();
            List<String> lines = q.stderr().lines().toList();
            assertThat(lines).as(q.stderr()).hasSize(1);
            assertThat(lines.get(0)).startsWith("quiesce: complete").contains("1 object").contains("after the last");
        }
        try (QuiesceProcess q = QuiesceProcess.start(tmp, fastStable(data, "--deadline", "1ms"))) {
            assertThat(q.exitCode(LIMIT)).isEqualTo(3);
            assertThat(q.stderr().lines().toList()).as(q.stderr()).hasSize(1)
                    .allSatisfy(l -> assertThat(l).startsWith("quiesce: timed out").contains("deadline"));
        }
        try (QuiesceProcess q = QuiesceProcess.start(tmp, fastStable(data, "--quiet"))) {
            assertThat(q.exitCode(LIMIT)).isZero();
            assertThat(q.stderr()).isEmpty();
        }
        try (QuiesceProcess q = QuiesceProcess.start(tmp, fastStable(data, "--verbose"))) {
            assertThat(q.exitCode(LIMIT)).isZero();
            assertThat(q.stderr().lines().filter(l -> l.matches("\\d\\d:\\d\\d:\\d\\dZ check \\d+ .*")))
                    .as(q.stderr()).isNotEmpty();
            assertThat(q.stderr().lines().filter(l -> l.startsWith("quiesce: COMPLETED"))).as(q.stderr()).hasSize(1);
        }
    }

    @Test
    void onA32ColumnPseudoTerminalNoLineWraps() throws Exception {
        assumeThat(Files.isExecutable(Path.of("/usr/bin/script"))).as("util-linux script makes the pty").isTrue();
        Path data = data();
        for (int i = 1; i < 12; i++) {
            Files.writeString(data.resolve("a-rather-long-file-name-" + i + ".json"), "{}");
        }
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String inner = "stty cols 32 rows 20; exec " + sh(javaBin) + " -XX:TieredStopAtLevel=1 -cp "
                + sh(System.getProperty("java.class.path")) + " " + Main.class.getName() + " watch " + sh(data.toString())
                + " --delay 700ms --window 3 --rescan 200ms --min-objects 13 --deadline 4s";
        Path out = tmp.resolve("pty.txt");
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/script", "-qfec", inner, "/dev/null")
                .redirectOutput(out.toFile()).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.environment().remove("COLUMNS");
        Process p = pb.start();
        // files keep landing while the line is drawn, then the deadline ends the run with its long reason
        for (int i = 12; i < 16; i++) {
            Files.writeString(data.resolve("a-rather-long-file-name-" + i + ".json"), "{}");
        }
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        String screen = Files.readString(out);
        assertThat(p.exitValue()).as(screen).isIn(0, 3);
        String plain = screen.replaceAll("\u001b\\[[0-9;?]*[A-Za-z]", "");
        List<String> drawn = java.util.Arrays.stream(plain.split("[\r\n]+")).filter(l -> !l.isBlank()).toList();
        assertThat(drawn).as(screen).isNotEmpty();
        assertThat(drawn).as("every drawn line fits 32 columns").allSatisfy(l -> assertThat(l.length()).isLessThan(32));
        assertThat(drawn).anySatisfy(l -> assertThat(l).contains("object"));
    }

    private static String sh(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    @Test
    void anAlreadyCompleteDirectoryCompletesAfterWindowTimesDelay() throws Exception {
        Path data = data();
        for (int i = 1; i < 20; i++) {
            Files.writeString(data.resolve("part-" + i + ".json"), "{\"i\":" + i + "}");
        }
        try (QuiesceProcess q = QuiesceProcess.start(tmp, "watch", data.toString(), "--json", "--delay", "1s",
                "--window", "3")) {
            assertThat(q.exitCode(LIMIT)).as(q.stderr()).isZero();
            List<JsonNode> events = events(q.stdout());
            assertThat(events).extracting(e -> e.get("type").asText()).containsExactly("ACTIVATED", "COMPLETED");
            Duration took = Duration.between(Instant.parse(events.get(0).get("time").asText()),
                    Instant.parse(events.get(1).get("time").asText()));
            assertThat(took).isBetween(Duration.ofMillis(2500), Duration.ofMillis(3500));
            assertThat(events.get(1).get("objects").asLong()).isEqualTo(20);
        }
    }

    @Test
    void aBadStateFileIsOneLineAndExit64() throws Exception {
        Path data = data();
        Path dir = Files.createDirectories(tmp.resolve("a-directory"));
        try (QuiesceProcess q = QuiesceProcess.start(tmp, "watch", data.toString(), "--state", dir.toString())) {
            assertThat(q.exitCode(LIMIT)).isEqualTo(64);
            assertThat(q.stderr().lines().toList()).hasSize(1)
                    .allSatisfy(l -> assertThat(l).contains("is a directory"));
        }
        Path text = Files.writeString(tmp.resolve("notes.txt"), "these are my notes, not a database\n".repeat(200));
        try (QuiesceProcess q = QuiesceProcess.start(tmp, "watch", data.toString(), "--state", text.toString())) {
            assertThat(q.exitCode(LIMIT)).isEqualTo(64);
            assertThat(q.stderr().lines().toList()).as(q.stderr()).hasSize(1)
                    .allSatisfy(l -> assertThat(l).contains("is not a quiesce state file").doesNotContain("SQLITE_"));
        }
        assertThat(Files.readString(text)).startsWith("these are my notes");
    }
}
