package dev.quiesce.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code watch --certificate} then {@code verify}, end to end in child JVMs over a real directory. */
class VerifyCommandTest {

    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** A landed data set with the files watch must not count as data: in-progress, excluded, manifests. */
    private Path landed() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.createDirectories(data.resolve("2024/05"));
        Files.createDirectories(data.resolve("_manifests"));
        Files.writeString(data.resolve("a.json"), "{\"a\":1}");
        Files.writeString(data.resolve("b.json"), "{\"b\":2}");
        Files.writeString(data.resolve("2024/05/c.json"), "{\"c\":3}");
        Files.writeString(data.resolve("d.json.tmp"), "still being written");
        Files.writeString(data.resolve("run.log"), "excluded by the filter");
        Files.writeString(data.resolve("_manifests/p1.json"), "{\"producer\":\"p1\",\"objects\":3}");
        Files.writeString(data.resolve("_SUCCESS"), "");
        return data;
    }

    /** Runs watch to completion with a certificate and returns the COMPLETED event it printed. */
    private JsonNode watch(Path data, Path cert, String... more) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("watch", data.toString(), "--json",
                "--policy", "inactivity", "--inactivity", "1s", "--rescan", "200ms", "--exclude", "*.log",
                "--certificate", cert.toString(), "--quiet"));
        args.addAll(List.of(more));
        try (QuiesceProcess q = QuiesceProcess.start(tmp, args.toArray(String[]::new))) {
            assertThat(q.exitCode(LIMIT)).as(q.stderr()).isZero();
            assertThat(q.stderr()).isEmpty();
            List<JsonNode> events = q.stdout().lines().filter(l -> l.startsWith("{")).map(this::json).toList();
            JsonNode completed = events.get(events.size() - 1);
            assertThat(completed.get("type").asText()).isEqualTo("COMPLETED");
            return completed;
        }
    }

    private QuiesceProcess verify(Path cert, Path data) {
        return QuiesceProcess.start(tmp, "verify", cert.toString(), data.toString());
    }

    @Test
    void aCertifiedDirectoryVerifiesUntilAKeyIsAddedRemovedOrRewritten() throws Exception {
        Path data = landed();
        Path cert = tmp.resolve("cert.json");

        JsonNode completed = watch(data, cert, "--certificate-keys");

        JsonNode written = JSON.readTree(cert.toFile());
        assertThat(written.get("objects").asLong()).isEqualTo(3);
        assertThat(written.get("digest").asText()).isEqualTo(completed.get("digest").asText());
        assertThat(written.get("policy").asText()).isEqualTo(completed.get("policy").asText())
                .startsWith("inactivity");
        assertThat(written.get("exclude").get(0).asText()).isEqualTo("*.log");
        assertThat(written.get("keys")).extracting(k -> k.get("key").asText())
                .containsExactly("2024/05/c.json", "a.json", "b.json");
        assertThat(written.get("evidence").get("lastSeen").asText()).isEqualTo(completed.get("lastSeen").asText());
        try (QuiesceProcess v = verify(cert, data)) {
            assertThat(v.exitCode(LIMIT)).as(v.stderr()).isZero();
            assertThat(v.stdout()).startsWith("verified: 3 objects, ").contains(completed.get("digest").asText());
        }

        Files.writeString(data.resolve("e.json"), "{\"e\":5}");
        Files.delete(data.resolve("a.json"));
        Path b = data.resolve("b.json");
        FileTime before = Files.getLastModifiedTime(b);
        Files.writeString(b, "{\"b\":22}");
        Files.setLastModifiedTime(b, FileTime.from(before.toInstant().plusSeconds(10)));
        Files.writeString(data.resolve("more.log"), "still excluded");
        Files.writeString(data.resolve("_manifests/p2.json"), "{\"producer\":\"p2\"}");

        try (QuiesceProcess v = verify(cert, data)) {
            assertThat(v.exitCode(LIMIT)).as(v.stderr()).isEqualTo(ExitCodes.VERIFICATION_FAILED);
            assertThat(v.stdout().lines().toList()).satisfiesExactly(
                    l -> assertThat(l).startsWith("removed a.json"),
                    l -> assertThat(l).startsWith("changed b.json"),
                    l -> assertThat(l).startsWith("added   e.json"));
            assertThat(v.stderr().lines().toList()).singleElement().asString()
                    .startsWith("quiesce: verification failed: ").contains("3 key(s) differ");
        }
    }

    @Test
    void withoutKeysAFailedVerificationSaysTheDigestDiffersAndHowToNameTheKeys() throws Exception {
        Path data = landed();
        Path cert = tmp.resolve("cert.json");
        watch(data, cert);
        assertThat(JSON.readTree(cert.toFile()).has("keys")).isFalse();

        Path c = data.resolve("2024/05/c.json");
        Files.writeString(c, "{\"c\":33}");
        Files.setLastModifiedTime(c, FileTime.from(Instant.now().plusSeconds(30)));

        try (QuiesceProcess v = verify(cert, data)) {
            assertThat(v.exitCode(LIMIT)).as(v.stderr()).isEqualTo(ExitCodes.VERIFICATION_FAILED);
            assertThat(v.stdout()).isEmpty();
            assertThat(v.stderr().lines().toList()).singleElement().asString()
                    .contains("digest").contains("--certificate-keys");
        }
    }

    @Test
    void withoutAnyNotifierTheCertificateIsWrittenAndVerifies() throws Exception {
        Path data = landed();
        Path cert = tmp.resolve("cert.json");
        try (QuiesceProcess q = QuiesceProcess.start(tmp, "watch", data.toString(), "--policy", "inactivity",
                "--inactivity", "1s", "--rescan", "200ms", "--exclude", "*.log", "--certificate", cert.toString())) {
            assertThat(q.exitCode(LIMIT)).as(q.stderr()).isZero();
        }
        assertThat(JSON.readTree(cert.toFile()).get("objects").asLong()).isEqualTo(3);
        try (QuiesceProcess v = verify(cert, data)) {
            assertThat(v.exitCode(LIMIT)).as(v.stderr()).isZero();
        }
    }

    @Test
    void aBadCertificateIsOneLineAndExitsSixtyFour() throws Exception {
        Path data = landed();
        Path cert = Files.writeString(tmp.resolve("cert.json"), "{\"format\": \"quiesce-certificate/1\"}");
        try (QuiesceProcess v = verify(cert, data)) {
            assertThat(v.exitCode(LIMIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(v.stderr().lines().toList()).singleElement().asString()
                    .startsWith("quiesce: certificate " + cert).contains("evidence");
        }
        try (QuiesceProcess v = verify(tmp.resolve("missing.json"), data)) {
            assertThat(v.exitCode(LIMIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(v.stderr().lines().toList()).singleElement().asString().contains("does not exist");
        }
    }

    @Test
    void certificateKeysWithoutACertificateIsBadUsage() throws Exception {
        try (QuiesceProcess q = QuiesceProcess.start(tmp, "watch", landed().toString(), "--certificate-keys")) {
            assertThat(q.exitCode(LIMIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(q.stderr()).startsWith("quiesce: --certificate-keys needs --certificate");
        }
    }

    private JsonNode json(String line) {
        try {
            return JSON.readTree(line);
        } catch (java.io.IOException e) {
            throw new AssertionError(line, e);
        }
    }
}
