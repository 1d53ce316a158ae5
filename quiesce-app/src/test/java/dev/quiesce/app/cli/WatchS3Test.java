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

/** {@code quiesce watch s3://bucket/prefix} in a child JVM against an S3-compatible server (S3Proxy). */
class WatchS3Test {

    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final Map<String, String> CREDENTIALS = S3Server.CLIENT_ENVIRONMENT;
    private static S3Server s3;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        s3 = S3Server.start(event -> { });
        s3.client().createBucket(b -> b.bucket("landing"));
        for (String key : List.of("events/2024/05/01/a.json", "events/2024/05/01/b.json",
                "events/2024/05/01/13/c.json", "events/2024/05/02/other-day.json", "events/2024/05/01/.hidden")) {
            s3.client().putObject(p -> p.bucket("landing").key(key), RequestBody.fromString(key));
        }
    }

    @AfterAll
    static void stop() {
        s3.close();
    }

    @Test
    void watchesAnS3PrefixUntilItSettles() throws Exception {
        try (QuiesceProcess q = QuiesceProcess.start(tmp, CREDENTIALS, "watch", "s3://landing/events/2024/05/01/",
                "--endpoint-url", s3.endpoint().toString(), "--json",
                "--policy", "inactivity", "--inactivity", "1s", "--rescan", "200ms")) {
            assertThat(q.exitCode(LIMIT)).as(q.stderr()).isZero();
            List<JsonNode> events = q.stdout().lines().filter(l -> l.startsWith("{")).map(WatchS3Test::json).toList();
            JsonNode completed = events.get(events.size() - 1);
            assertThat(completed.get("type").asText()).isEqualTo("COMPLETED");
            assertThat(completed.get("objects").asLong()).isEqualTo(3);
            assertThat(completed.get("dataset").asText()).isEqualTo("s3://landing/events/2024/05/01/");
        }
    }

    @Test
    void aMissingBucketIsBadUsage() {
        try (QuiesceProcess q = QuiesceProcess.start(tmp, CREDENTIALS, "watch", "s3://no-such-bucket/x/",
                "--endpoint-url", s3.endpoint().toString())) {
            assertThat(q.exitCode(LIMIT)).as(q.stderr()).isEqualTo(ExitCodes.USAGE);
            assertThat(q.stderr()).startsWith("quiesce: ").contains("no-such-bucket");
            assertThat(q.stderr().lines().toList()).as("one line, once").hasSize(1);
        }
    }

    @Test
    void noCredentialsIsOneLineOfBadUsage() {
        Map<String, String> none = Map.of("AWS_ACCESS_KEY_ID", "", "AWS_SECRET_ACCESS_KEY", "", "AWS_REGION", "us-east-1",
                "AWS_SHARED_CREDENTIALS_FILE", tmp.resolve("none").toString(), "AWS_CONFIG_FILE",
                tmp.resolve("none").toString(), "AWS_EC2_METADATA_DISABLED", "true", "AWS_PROFILE", "none");
        try (QuiesceProcess q = QuiesceProcess.start(tmp, none, "watch", "s3://landing/events/",
                "--endpoint-url", s3.endpoint().toString())) {
            assertThat(q.exitCode(LIMIT)).as(q.stderr()).isEqualTo(ExitCodes.USAGE);
            assertThat(q.stderr().lines().toList()).as(q.stderr()).hasSize(1)
                    .allSatisfy(l -> assertThat(l).startsWith("quiesce: no AWS credentials found")
                            .doesNotContain("Exception").doesNotContain("software.amazon"));
        }
    }

    @Test
    void anEndpointThatCannotBeReachedIsOneLineAndExit75() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        try (QuiesceProcess q = QuiesceProcess.start(tmp, CREDENTIALS, "watch", "s3://landing/events/",
                "--endpoint-url", "http://127.0.0.1:" + closed)) {
            assertThat(q.exitCode(LIMIT)).as(q.stderr()).isEqualTo(ExitCodes.DOWNSTREAM_UNREACHABLE);
            assertThat(q.stderr().lines().toList()).as(q.stderr()).hasSize(1)
                    .allSatisfy(l -> assertThat(l).startsWith("quiesce: cannot reach the S3 endpoint")
                            .doesNotContain("software.amazon"));
        }
    }

    @Test
    void endpointOptionsOnADirectoryAreBadUsage() {
        try (QuiesceProcess q = QuiesceProcess.start(tmp, "watch", tmp.toString(), "--region", "eu-west-1")) {
            assertThat(q.exitCode(LIMIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(q.stderr()).contains("apply to s3:// locations only");
        }
    }

    @Test
    void anOutageOfTheStoreHoldsTheRunAndWhatLandedMeanwhileIsCounted() throws Exception {
        S3Server own = S3Server.start(event -> { });
        try {
            own.client().createBucket(b -> b.bucket("outage"));
            own.client().putObject(p -> p.bucket("outage").key("in/a.json"), RequestBody.fromString("a"));
            try (QuiesceProcess q = QuiesceProcess.start(tmp, CREDENTIALS, "watch", "s3://outage/in/",
                    "--endpoint-url", own.endpoint().toString(), "--json", "--blind-timeout", "1m",
                    "--policy", "inactivity", "--inactivity", "2s", "--rescan", "200ms")) {
                org.awaitility.Awaitility.await().atMost(LIMIT).until(() -> q.stdout().contains("ACTIVATED"));
                own.stop();
                org.awaitility.Awaitility.await().atMost(LIMIT).until(() -> q.stdout().contains("\"type\":\"BLIND\""));
                own.putDirectly("outage", "in/b.json", "bb");
                // well past the quiet window while the store is down: no completion on what was seen before
                org.awaitility.Awaitility.await().pollDelay(Duration.ofSeconds(3)).atMost(LIMIT).until(() -> true);
                assertThat(q.stdout()).doesNotContain("COMPLETED");
                own.restart();

                assertThat(q.exitCode(LIMIT)).as(q.stderr()).isZero();
                assertThat(q.stdout()).contains("\"type\":\"SEEING\"").contains("listing s3://outage/in/ failed");
                JsonNode completed = q.stdout().lines().filter(l -> l.contains("\"COMPLETED\"")).map(WatchS3Test::json)
                        .findFirst().orElseThrow();
                assertThat(completed.get("objects").asLong()).isEqualTo(2);
            }
        } finally {
            own.close();
        }
    }

    @Test
    void aStoreThatStaysDownEndsTheRunBlind() throws Exception {
        S3Server own = S3Server.start(event -> { });
        try {
            own.client().createBucket(b -> b.bucket("gone"));
            own.client().putObject(p -> p.bucket("gone").key("in/a.json"), RequestBody.fromString("a"));
            try (QuiesceProcess q = QuiesceProcess.start(tmp, CREDENTIALS, "watch", "s3://gone/in/",
                    "--endpoint-url", own.endpoint().toString(), "--json", "--blind-timeout", "2s",
                    "--policy", "inactivity", "--inactivity", "3s", "--rescan", "200ms")) {
                org.awaitility.Awaitility.await().atMost(LIMIT).until(() -> q.stdout().contains("ACTIVATED"));
                own.stop();
                assertThat(q.exitCode(LIMIT)).as(q.stderr()).isEqualTo(ExitCodes.BLIND);
                assertThat(q.stdout()).doesNotContain("COMPLETED");
            }
        } finally {
            own.close();
        }
    }

    private static JsonNode json(String line) {
        try {
            return new ObjectMapper().readTree(line);
        } catch (java.io.IOException e) {
            throw new AssertionError(line, e);
        }
    }
}
