package dev.quiesce.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exact completion end to end: real producers (child processes) write data and manifests; watch decides. */
class WatchExpectedTest {

    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final String PRODUCER = String.join("\n",
            "set -e; d=\"$1\"; p=\"$2\"; n=\"$3\"",
            "for i in $(seq 1 \"$n\"); do",
            "  printf '{\"p\":\"%s\",\"i\":%d}\\n' \"$p\" \"$i\" > \"$d/$p-$i.json.tmp\"",
            "  mv \"$d/$p-$i.json.tmp\" \"$d/$p-$i.json\"",
            "  sleep 0.2",
            "done",
            "mkdir -p \"$d/_manifests\"",
            "printf '{\"producer\":\"%s\",\"objects\":%d}' \"$p\" \"$n\" > \"$d/_manifests/$p.json.tmp\"",
            "mv \"$d/_manifests/$p.json.tmp\" \"$d/_manifests/$p.json\"");

    @TempDir
    Path tmp;

    private static List<JsonNode> events(String stdout) {
        ObjectMapper json = new ObjectMapper();
        return stdout.lines().filter(l -> l.startsWith("{")).map(l -> {
            try {
                return json.readTree(l);
            } catch (IOException e) {
                throw new AssertionError(l, e);
            }
        }).toList();
    }

    @Test
    void threeProducersWithManifestsCompleteWithinOneSecondOfTheLastFile() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Path script = Files.writeString(tmp.resolve("producer.sh"), PRODUCER);
        try (QuiesceProcess watch = QuiesceProcess.start(tmp, "watch", data.toString(), "--expect-producers", "3",
                "--json", "--state", tmp.resolve("s.db").toString())) {
            await().atMost(LIMIT).until(() -> Files.exists(tmp.resolve("s.db")));
            List<Process> producers = new ArrayList<>();
            for (int p = 1; p <= 3; p++) {
                producers.add(new ProcessBuilder("sh", script.toString(), data.toString(), "p" + p, String.valueOf(2 + p))
                        .redirectErrorStream(true).start());
            }
            for (Process p : producers) {
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).isZero();
            }
            assertThat(watch.exitCode(LIMIT)).as(watch.stderr()).isZero();
            JsonNode completed = events(watch.stdout()).stream()
                    .filter(e -> e.get("type").asText().equals("COMPLETED")).findFirst().orElseThrow();
            assertThat(completed.get("objects").asLong()).isEqualTo(3 + 4 + 5);
            Instant lastFile;
            try (Stream<Path> files = Files.walk(data)) {
                lastFile = files.filter(Files::isRegularFile).map(WatchExpectedTest::modified)
                        .max(Instant::compareTo).orElseThrow();
            }
            Duration latency = Duration.between(lastFile, Instant.parse(completed.get("time").asText()));
            System.out.printf("exact completion: %d ms after the last file%n", latency.toMillis());
            assertThat(latency).as("completion after the last file").isLessThan(Duration.ofSeconds(1));
        }
    }

    @Test
    void producersDeclareFromTheCommandLine() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Path state = tmp.resolve("s.db");
        try (QuiesceProcess watch = QuiesceProcess.start(tmp, "watch", data.toString(), "--policy", "expected",
                "--json", "--state", state.toString())) {
            await().atMost(LIMIT).until(() -> Files.exists(state));
            expect("open", data, state, "--producer", "loader");
            Files.writeString(data.resolve("a.csv"), "1\n");
            Files.writeString(data.resolve("b.csv"), "2\n");
            expect("close", data, state, "--producer", "loader", "--objects", "2", "--bytes", "4");
            expect("close", data, state, "--producer", "loader", "--objects", "2", "--bytes", "4");
            assertThat(watch.exitCode(LIMIT)).as(watch.stderr()).isZero();
            assertThat(events(watch.stdout())).filteredOn(e -> e.get("type").asText().equals("COMPLETED"))
                    .singleElement().satisfies(e -> assertThat(e.get("reason").asText())
                            .isEqualTo("landed 2 objects as 1 producer declared"));
        }
    }

    @Test
    void recordsAreCountedInPlainAndGzipFiles() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Path state = tmp.resolve("s.db");
        Files.writeString(data.resolve("a.jsonl"), "{}\n{}\n{}\n");
        try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(
                Files.newOutputStream(data.resolve("b.jsonl.gz")))) {
            z.write("{}\n".repeat(40).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        Files.createDirectories(data.resolve("_manifests"));
        Files.writeString(data.resolve("_manifests/loader.json"), "{\"records\": 43}");
        try (QuiesceProcess watch = QuiesceProcess.start(tmp, "watch", data.toString(), "--policy", "expected",
                "--expect-unit", "records", "--json", "--state", state.toString())) {
            assertThat(watch.exitCode(LIMIT)).as(watch.stderr()).isZero();
            JsonNode completed = events(watch.stdout()).stream()
                    .filter(e -> e.get("type").asText().equals("COMPLETED")).findFirst().orElseThrow();
            assertThat(completed.get("records").asLong()).isEqualTo(43);
            assertThat(completed.get("reason").asText()).isEqualTo("landed 43 records as 1 producer declared");
        }
    }

    /** Three producers' data by prefix, loader-C one object short, and their manifests (C lists its keys). */
    private Path rollCallData() throws IOException {
        Path data = Files.createDirectories(tmp.resolve("data"));
        for (String p : List.of("A", "B", "C")) {
            Files.createDirectories(data.resolve("in/" + p));
            for (int i = 1; i <= (p.equals("C") ? 2 : 3); i++) {
                Files.writeString(data.resolve("in/" + p + "/" + p.toLowerCase() + i), "{}\n");
            }
        }
        Files.createDirectories(data.resolve("_manifests"));
        Files.writeString(data.resolve("_manifests/loader-A.json"), "{\"objects\": 3, \"prefix\": \"in/A/\"}");
        Files.writeString(data.resolve("_manifests/loader-B.json"), "{\"objects\": 3, \"prefix\": \"in/B/\"}");
        Files.writeString(data.resolve("_manifests/loader-C.json"), "{\"producer\": \"loader-C\", \"objects\": 3,"
                + " \"prefix\": \"in/C/\", \"keys\": [\"in/C/c1\", \"in/C/c2\", \"in/C/c3\"]}");
        return data;
    }

    @Test
    void incompleteNamesTheShortProducerAndItsMissingKey() throws Exception {
        Path data = rollCallData();
        try (QuiesceProcess watch = QuiesceProcess.start(tmp, "watch", data.toString(), "--expect-producers", "3",
                "--deadline", "2s", "--json")) {
            assertThat(watch.exitCode(LIMIT)).as(watch.stderr()).isEqualTo(ExitCodes.INCOMPLETE);
            JsonNode incomplete = events(watch.stdout()).stream()
                    .filter(e -> e.get("type").asText().equals("INCOMPLETE")).findFirst().orElseThrow();
            assertThat(incomplete.get("reason").asText())
                    .contains("1 of 9 declared objects missing")
                    .endsWith("roll call: loader-C declared 3 objects, 2 landed (missing: in/C/c3)");
        }
    }

    @Test
    void overdueReportsTheShortProducerThenTheLastObjectCompletesOnce() throws Exception {
        Path data = rollCallData();
        try (QuiesceProcess watch = QuiesceProcess.start(tmp, "watch", data.toString(), "--expect-producers", "3",
                "--overdue", "1s", "--json")) {
            await().atMost(LIMIT).until(() -> watch.stdout().contains("\"OVERDUE\""));
            Files.writeString(data.resolve("in/C/c3.tmp"), "{}\n");
            Files.move(data.resolve("in/C/c3.tmp"), data.resolve("in/C/c3"));
            assertThat(watch.exitCode(LIMIT)).as(watch.stderr()).isZero();
            List<JsonNode> events = events(watch.stdout());
            assertThat(events).extracting(e -> e.get("type").asText())
                    .containsExactly("ACTIVATED", "OVERDUE", "COMPLETED");
            assertThat(events.get(1).get("reason").asText())
                    .contains("loader-C declared 3 objects, 2 landed (missing: in/C/c3)");
            assertThat(events.get(2).get("objects").asLong()).isEqualTo(9);
            assertThat(events).extracting(e -> e.get("id").asText()).doesNotHaveDuplicates();
        }
    }

    @Test
    void badExpectOptionsAreUsageErrors() {
        try (QuiesceProcess q = QuiesceProcess.start(tmp, "watch", tmp.toString(), "--expect-producers", "0")) {
            assertThat(q.exitCode(LIMIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(q.stderr()).contains("--expect-producers must be >= 1");
        }
        try (QuiesceProcess q = QuiesceProcess.start(tmp, "watch", "s3://bucket/prefix/", "--policy", "expected",
                "--expect-unit", "records")) {
            assertThat(q.exitCode(LIMIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(q.stderr()).contains("records are counted in directories only");
        }
        try (QuiesceProcess q = QuiesceProcess.start(tmp, "expect", "close", tmp.toString(), "--state",
                tmp.resolve("missing.db").toString(), "--producer", "p")) {
            assertThat(q.exitCode(LIMIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(q.stderr()).contains("does not exist");
        }
    }

    private void expect(String action, Path data, Path state, String... options) {
        List<String> args = new ArrayList<>(List.of("expect", action, data.toString(), "--state", state.toString()));
        args.addAll(List.of(options));
        try (QuiesceProcess q = QuiesceProcess.start(tmp, args.toArray(String[]::new))) {
            assertThat(q.exitCode(LIMIT)).as(q.stderr()).isZero();
        }
    }

    private static Instant modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toInstant();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aMalformedManifestIsOneLineOnceAndDeclaresNothing() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("part-0.json"), "{}");
        Path manifests = Files.createDirectories(data.resolve("_manifests"));
        Files.writeString(manifests.resolve("p1.json"), "{\"producer\": \"p1\",\n  \"status\": closed}\n");
        try (QuiesceProcess q = QuiesceProcess.start(tmp, "watch", data.toString(), "--expect-producers", "1",
                "--deadline", "2s")) {
            assertThat(q.exitCode(LIMIT)).as(q.stderr()).isIn(ExitCodes.TIMED_OUT, ExitCodes.INCOMPLETE);
            List<String> about = q.stderr().lines().filter(l -> l.contains("p1.json")).toList();
            assertThat(about).as(q.stderr()).singleElement().satisfies(l -> assertThat(l)
                    .startsWith("quiesce: ignoring manifest _manifests/p1.json is not JSON (line 2, column")
                    .doesNotContain("jackson").doesNotContain("Exception").doesNotContain("Unrecognized"));
        }
    }

    @Test
    void aDeclarationIntoARunThatEndedExitsOneSayingSo() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("a.csv"), "1\n");
        Path state = tmp.resolve("s.db");
        try (QuiesceProcess watch = QuiesceProcess.start(tmp, "watch", data.toString(), "--inactivity", "300ms",
                "--state", state.toString(), "--quiet")) {
            assertThat(watch.exitCode(LIMIT)).as(watch.stderr()).isZero();
        }
        try (QuiesceProcess late = QuiesceProcess.start(tmp, "expect", "close", data.toString(), "--state",
                state.toString(), "--producer", "slow", "--objects", "1")) {
            assertThat(late.exitCode(LIMIT)).isEqualTo(1);
            assertThat(late.stderr().lines().toList()).singleElement()
                    .satisfies(l -> assertThat(l).contains("has already ended (complete)"));
        }
    }
}
