package dev.quiesce.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code quiesce watch} when the source cannot see, each run in a real child JVM: a directory that vanishes
 * or cannot be read never ends in COMPLETED; the run says BLIND, and either recovers and counts everything
 * or ends with exit code 6.
 */
class WatchBlindTest {

    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private Path data(int files) throws IOException {
        Path data = Files.createDirectories(tmp.resolve("data"));
        for (int i = 0; i < files; i++) {
            Files.writeString(data.resolve("part-" + i + ".json"), "{}");
        }
        return data;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void aDirectoryDeletedMidWatchEndsBlindNeverComplete() throws Exception {
        Path data = data(2);
        try (QuiesceProcess q = QuiesceProcess.start(tmp, "watch", data.toString(), "--json", "--settle", "0s",
                "--policy", "inactivity", "--inactivity", "4s", "--rescan", "200ms", "--blind-timeout", "2s")) {
            await().atMost(LIMIT).until(() -> q.stdout().contains("ACTIVATED"));
            deleteTree(data);

            assertThat(q.exitCode(LIMIT)).as(q.stderr()).isEqualTo(ExitCodes.BLIND);
            assertThat(q.stdout()).contains("\"type\":\"BLIND\"").contains("is gone").doesNotContain("COMPLETED");
            assertThat(q.stderr()).contains("BLIND").contains("is gone");
            // said once on stderr (the command's line), not again by the engine's log
            assertThat(q.stderr().lines().filter(l -> l.contains("is gone") && !l.startsWith("quiesce: blind |")))
                    .as(q.stderr()).hasSize(1);
        }
    }

    @Test
    void aDirectoryThatComesBackIsCountedWhole() throws Exception {
        Path data = data(2);
        try (QuiesceProcess q = QuiesceProcess.start(tmp, "watch", data.toString(), "--json", "--settle", "0s",
                "--policy", "inactivity", "--inactivity", "3s", "--rescan", "200ms", "--blind-timeout", "1m")) {
            await().atMost(LIMIT).until(() -> q.stdout().contains("ACTIVATED"));
            deleteTree(data);
            await().atMost(LIMIT).until(() -> q.stdout().contains("\"type\":\"BLIND\""));
            Files.createDirectories(data);
            for (int i = 0; i < 3; i++) {
                Files.writeString(data.resolve("part-" + i + ".json"), "{\"again\":" + i + "}");
            }

            assertThat(q.exitCode(LIMIT)).as(q.stderr()).isEqualTo(ExitCodes.COMPLETE);
            assertThat(q.stdout()).contains("\"type\":\"SEEING\"");
            String completed = q.stdout().lines().filter(l -> l.contains("\"COMPLETED\"")).findFirst().orElseThrow();
            assertThat(completed).contains("\"objects\":3");
        }
    }

    @Test
    void aSymlinkGivenAsTheDirectoryIsFollowed() throws Exception {
        Path data = data(2);
        Path link = Files.createSymbolicLink(tmp.resolve("current"), data);
        try (QuiesceProcess q = QuiesceProcess.start(tmp, "watch", link.toString(), "--json", "--settle", "0s",
                "--policy", "inactivity", "--inactivity", "1s")) {
            assertThat(q.exitCode(LIMIT)).as(q.stderr()).isEqualTo(ExitCodes.COMPLETE);
            String completed = q.stdout().lines().filter(l -> l.contains("\"COMPLETED\"")).findFirst().orElseThrow();
            assertThat(completed).contains("\"objects\":2");
        }
    }

    @Test
    void linksInsideTheTreeAreFollowedOnceWithoutLooping() throws Exception {
        Path data = data(1);
        Path other = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.writeString(other.resolve("linked.json"), "{}");
        Files.createSymbolicLink(data.resolve("more"), other);
        Files.createSymbolicLink(data.resolve("loop"), data); // a cycle back to the root
        try (QuiesceProcess q = QuiesceProcess.start(tmp, "watch", data.toString(), "--json", "--settle", "0s",
                "--policy", "inactivity", "--inactivity", "1s")) {
            assertThat(q.exitCode(LIMIT)).as(q.stderr()).isEqualTo(ExitCodes.COMPLETE);
            String completed = q.stdout().lines().filter(l -> l.contains("\"COMPLETED\"")).findFirst().orElseThrow();
            assertThat(completed).contains("\"objects\":2");
        }
    }

    @Test
    void anUnreadableSubdirectoryHoldsTheRunUntilItCanBeRead() throws Exception {
        Optional<List<String>> confined = QuiesceProcess.permissionsApplyPrefix();
        assumeThat(confined).as("needs a non-root user or setpriv to make permissions apply").isPresent();
        Path data = data(1);
        Path locked = Files.createDirectories(data.resolve("locked"));
        Files.writeString(locked.resolve("hidden.json"), "{}");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        try (QuiesceProcess q = QuiesceProcess.start(tmp, Map.of(), confined.get(), "watch", data.toString(), "--json",
                "--settle", "0s", "--policy", "inactivity", "--inactivity", "2s", "--rescan", "200ms",
                "--blind-timeout", "1m")) {
            await().atMost(LIMIT).until(() -> q.stdout().contains("\"type\":\"BLIND\""));
            assertThat(q.stdout()).contains("cannot read 1 path(s)").contains("locked");
            // well past the quiet window: still no completion while part of the tree cannot be read
            await().pollDelay(Duration.ofSeconds(4)).atMost(LIMIT).until(() -> true);
            assertThat(q.stdout()).doesNotContain("COMPLETED");

            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
            assertThat(q.exitCode(LIMIT)).as(q.stderr()).isEqualTo(ExitCodes.COMPLETE);
            String completed = q.stdout().lines().filter(l -> l.contains("\"COMPLETED\"")).findFirst().orElseThrow();
            assertThat(completed).contains("\"objects\":2");
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void aFileHeldOpenAndAppendedToIsCountedAtItsFinalSize() throws Exception {
        Path data = data(1);
        Path growing = data.resolve("growing.json");
        // default --settle (1 s): on Linux the open file itself holds the count back, whatever the pauses
        try (QuiesceProcess q = QuiesceProcess.start(tmp, "watch", data.toString(), "--json",
                "--policy", "inactivity", "--inactivity", "1s");
             OutputStream out = Files.newOutputStream(growing, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            await().atMost(LIMIT).until(() -> q.stdout().contains("ACTIVATED"));
            long total = 0;
            // appended every 700 ms for 5.6 s: each pause is most of the quiet window, the whole far longer
            for (int i = 0; i < 8; i++) {
                byte[] chunk = ("{\"n\":" + i + "}\n").getBytes(StandardCharsets.UTF_8);
                out.write(chunk);
                out.flush();
                total += chunk.length;
                long expected = total;
                await().pollDelay(Duration.ofMillis(700)).atMost(LIMIT).until(() -> Files.size(growing) == expected);
                assertThat(q.stdout()).as("no completion while the file grows").doesNotContain("COMPLETED");
            }
            out.close();
            assertThat(q.exitCode(LIMIT)).as(q.stderr()).isEqualTo(ExitCodes.COMPLETE);
            String completed = q.stdout().lines().filter(l -> l.contains("\"COMPLETED\"")).findFirst().orElseThrow();
            assertThat(completed).contains("\"objects\":2").contains("\"bytes\":" + (2 + total));
        }
    }
}
