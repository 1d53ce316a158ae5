package dev.quiesce.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quiesce.s3.testing.S3Server;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The certificate over an S3 prefix: a listing's recomputed digest equals the digest of the tally watch
 * completed on, until an object changes.
 */
class VerifyS3Test {

    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final Map<String, String> CREDENTIALS = S3Server.CLIENT_ENVIRONMENT;
    private static final String PREFIX = "s3://landing/batch/2024/";
    private static S3Server s3;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        s3 = S3Server.start(event -> { });
        s3.client().createBucket(b -> b.bucket("landing"));
        for (String key : List.of("batch/2024/a.json", "batch/2024/05/b.json", "batch/2024/_SUCCESS",
                "batch/2024/.hidden", "batch/2025/other-year.json")) {
            put(key, key);
        }
    }

    @AfterAll
    static void stop() {
        s3.close();
    }

    private static void put(String key, String content) {
        s3.client().putObject(p -> p.bucket("landing").key(key), RequestBody.fromString(content));
    }

    @Test
    void aListingRecomputesTheCompletedDigestUntilAnObjectIsRewritten() throws Exception {
        Path cert = tmp.resolve("cert.json");
        String endpoint = s3.endpoint().toString();
        JsonNode completed;
        try (QuiesceProcess q = QuiesceProcess.start(tmp, CREDENTIALS, "watch", PREFIX, "--endpoint-url", endpoint,
                "--json", "--policy", "inactivity", "--inactivity", "1s", "--rescan", "200ms",
                "--certificate", cert.toString(), "--certificate-keys")) {
            assertThat(q.exitCode(LIMIT)).as(q.stderr()).isZero();
            List<String> lines = q.stdout().lines().filter(l -> l.startsWith("{")).toList();
            completed = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        }
        JsonNode written = new ObjectMapper().readTree(cert.toFile());
        assertThat(written.get("digest").asText()).isEqualTo(completed.get("digest").asText());
        assertThat(written.get("location").asText()).isEqualTo(PREFIX);
        assertThat(written.get("keys")).extracting(k -> k.get("key").asText())
                .containsExactly("batch/2024/05/b.json", "batch/2024/a.json");

        try (QuiesceProcess v = QuiesceProcess.start(tmp, CREDENTIALS, "verify", cert.toString(), PREFIX,
                "--endpoint-url", endpoint)) {
            assertThat(v.exitCode(LIMIT)).as(v.stderr()).isZero();
            assertThat(v.stdout()).startsWith("verified: 2 objects, ").contains(completed.get("digest").asText());
        }

        put("batch/2024/a.json", "rewritten");
        try (QuiesceProcess v = QuiesceProcess.start(tmp, CREDENTIALS, "verify", cert.toString(), PREFIX,
                "--endpoint-url", endpoint)) {
            assertThat(v.exitCode(LIMIT)).as(v.stderr()).isEqualTo(ExitCodes.VERIFICATION_FAILED);
            assertThat(v.stdout().lines().toList()).singleElement().asString().startsWith("changed batch/2024/a.json");
        }
    }
}
