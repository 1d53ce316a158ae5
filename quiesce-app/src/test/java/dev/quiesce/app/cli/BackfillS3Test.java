package dev.quiesce.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quiesce.Tally;
import dev.quiesce.jdbc.SqliteDatabase;
import dev.quiesce.s3.testing.S3Server;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/** {@code quiesce backfill s3://bucket/prefix} in a child JVM against the S3 stand-in. */
class BackfillS3Test {

    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final Map<String, String> CREDENTIALS = S3Server.CLIENT_ENVIRONMENT;
    private static final String PREFIX = "s3://landing/batch/";
    private static final List<String> DATA = List.of("batch/a.json", "batch/b.json", "batch/c.json",
            "batch/2024/d.json", "batch/2024/e.json");
    private static S3Server s3;
    private static long bytes;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        s3 = S3Server.start(event -> { });
        s3.client().createBucket(b -> b.bucket("landing"));
        for (String key : DATA) {
            put(key, "content of " + key);
            bytes += ("content of " + key).length();
        }
        // not data: a file still being written, the success marker, and a key outside the prefix
        for (String key : List.of("batch/.hidden", "batch/_SUCCESS", "other/f.json")) {
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

    private QuiesceProcess backfill(String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("backfill"));
        args.addAll(List.of(more));
        return QuiesceProcess.start(tmp, CREDENTIALS, args.toArray(String[]::new));
    }

    private static Tally tally(Path state) {
        try (SqliteDatabase db = SqliteDatabase.open(state)) {
            return db.tallyStore().tally(PREFIX);
        }
    }

    @Test
    void everyObjectIsRecordedOnceAndASecondRunChangesNothing() {
        Path state = tmp.resolve("s.db");
        String endpoint = s3.endpoint().toString();
        try (QuiesceProcess q = backfill(PREFIX, "--state", state.toString(), "--endpoint-url", endpoint,
                "--page-size", "2")) {
            assertThat(q.exitCode(LIMIT)).as(q.stderr()).isZero();
            assertThat(q.stdout().strip()).isEqualTo("backfilled " + PREFIX + " into " + PREFIX
                    + ": 5 listed, 5 recorded, 0 already counted, 2 skipped (not data)");
            // progress per page on stderr: 7 keys under the prefix, 2 a page
            assertThat(q.stderr().lines().filter(l -> l.startsWith("quiesce: backfill page "))).hasSize(4);
        }
        Tally first = tally(state);
        assertThat(first.objects()).isEqualTo(5);
        assertThat(first.bytes()).isEqualTo(bytes);

        try (QuiesceProcess q = backfill(PREFIX, "--state", state.toString(), "--endpoint-url", endpoint, "--quiet")) {
            assertThat(q.exitCode(LIMIT)).as(q.stderr()).isZero();
            assertThat(q.stdout()).contains("5 listed, 0 recorded, 5 already counted");
            assertThat(q.stderr()).isEmpty();
        }
        // not even the change sequence moved: a backfill over counted data leaves a run's quiet time alone
        assertThat(tally(state)).isEqualTo(first);
    }

    @Test
    void aWatchOnTheBackfilledStateCountsEachObjectOnce() throws Exception {
        Path state = tmp.resolve("w.db");
        String endpoint = s3.endpoint().toString();
        try (QuiesceProcess q = backfill(PREFIX, "--state", state.toString(), "--endpoint-url", endpoint)) {
            assertThat(q.exitCode(LIMIT)).as(q.stderr()).isZero();
        }
        long seqAfterBackfill = tally(state).changeSeq();
        try (QuiesceProcess q = QuiesceProcess.start(tmp, CREDENTIALS, "watch", PREFIX, "--state", state.toString(),
                "--endpoint-url", endpoint, "--json", "--policy", "inactivity", "--inactivity", "1s", "--rescan", "200ms")) {
            assertThat(q.exitCode(LIMIT)).as(q.stderr()).isZero();
            List<String> lines = q.stdout().lines().filter(l -> l.startsWith("{")).toList();
            JsonNode completed = new ObjectMapper().readTree(lines.get(lines.size() - 1));
            assertThat(completed.get("type").asText()).isEqualTo("COMPLETED");
            assertThat(completed.get("objects").asLong()).isEqualTo(5);
            assertThat(completed.get("bytes").asLong()).isEqualTo(bytes);
        }
        // the watch's listing gives the backfill's tokens: its first pass was all redeliveries
        assertThat(tally(state).changeSeq()).isEqualTo(seqAfterBackfill);
    }

    @Test
    void aLocationThatIsNotAnS3PrefixIsBadUsage() {
        try (QuiesceProcess q = backfill("/data/landing", "--state", tmp.resolve("x.db").toString())) {
            assertThat(q.exitCode(LIMIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(q.stderr()).contains("backfill lists S3 prefixes: give s3://BUCKET/PREFIX");
        }
        try (QuiesceProcess q = backfill("s3://bad_bucket!/x/", "--state", tmp.resolve("x.db").toString())) {
            assertThat(q.exitCode(LIMIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(q.stderr()).contains("has the character '!'");
        }
    }

    @Test
    void aMissingBucketIsBadUsageAndAnUnreachableEndpointIsWorthARetry() throws Exception {
        try (QuiesceProcess q = backfill("s3://no-such-bucket/x/", "--state", tmp.resolve("m.db").toString(),
                "--endpoint-url", s3.endpoint().toString())) {
            assertThat(q.exitCode(LIMIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(q.stderr()).contains("bucket 'no-such-bucket' does not exist");
        }
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (QuiesceProcess q = backfill(PREFIX, "--state", tmp.resolve("u.db").toString(),
                "--endpoint-url", "http://127.0.0.1:" + closedPort)) {
            assertThat(q.exitCode(LIMIT)).isEqualTo(ExitCodes.DOWNSTREAM_UNREACHABLE);
            assertThat(q.stderr()).contains("cannot reach the S3 endpoint");
        }
    }
}
