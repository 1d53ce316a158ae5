package dev.quiesce.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tarball {@code ./mvnw package} leaves in {@code quiesce-app/target}, unpacked and run as a user
 * would: {@code bin/quiesce} on the Java of {@code JAVA_HOME}, nothing else from the build.
 */
class DistributionIT {

    private static final String VERSION = System.getProperty("quiesce.version", "0.1.0-SNAPSHOT");

    @TempDir
    Path tmp;

    private Path home;
    private Path cache;

    @BeforeEach
    void unpack() throws Exception {
        Path tarball = Path.of("target", "quiesce-" + VERSION + ".tar.gz").toAbsolutePath();
        assertThat(tarball).isRegularFile();
        cache = tmp.resolve("cache");
        Path into = Files.createDirectories(tmp.resolve("opt"));
        assertThat(run(List.of("tar", "xzf", tarball.toString(), "-C", into.toString()), Map.of()).exit).isZero();
        home = into.resolve("quiesce-" + VERSION);
    }

    private record Result(int exit, String stdout, String stderr) {
    }

    private Result run(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
        Path out = Files.createTempFile(tmp, "out-", ".txt");
        Path err = Files.createTempFile(tmp, "err-", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("XDG_CACHE_HOME", cache.toString());
        // off unless a test turns it on: a training run left in the background would race the temp dir's removal
        pb.environment().put("QUIESCE_CDS", "0");
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(cmd + " did not exit within 60 s");
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private Result quiesce(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of(home.resolve("bin/quiesce").toString()));
        cmd.addAll(List.of(args));
        return run(cmd, env);
    }

    @Test
    void holdsTheLauncherTheJarTheReadmeAndTheCompletionScript() throws Exception {
        assertThat(home.resolve("bin/quiesce")).isExecutable();
        assertThat(home.resolve("lib/quiesce.jar")).isRegularFile();
        assertThat(home.resolve("README.md")).isRegularFile();
        Result completion = quiesce(Map.of(), "completion");
        assertThat(completion.exit).as(completion.stderr).isZero();
        assertThat(home.resolve("quiesce_completion")).hasContent(completion.stdout);
    }

    @Test
    void printsTheVersionFromTheJarsManifest() throws Exception {
        Result r = quiesce(Map.of(), "--version");
        assertThat(r.exit).as(r.stderr).isZero();
        assertThat(r.stdout.strip()).isEqualTo("quiesce " + VERSION);
        assertThat(r.stderr).isEmpty();
    }

    @Test
    void aWatchOfAnEmptyDirectoryTimesOutAtOnceWithAndWithoutTheSharedArchive() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Result first = quiesce(Map.of("QUIESCE_CDS", "1"), "watch", empty.toString(), "--deadline", "1ms");
        assertThat(first.exit).as(first.stderr).isEqualTo(ExitCodes.TIMED_OUT);
        // the scheduler's summary line and nothing else: no JVM warning about the archive
        assertThat(first.stderr.lines().toList()).singleElement().satisfies(l -> assertThat(l).startsWith("quiesce: timed out"));

        // the first run trains the class-data archive in the background; later runs start from it
        await().atMost(60, TimeUnit.SECONDS).until(() -> archives().size() == 1
                && archives().get(0).getFileName().toString().endsWith(".jsa"));
        Result second = quiesce(Map.of("QUIESCE_CDS", "1"), "watch", empty.toString(), "--deadline", "1ms");
        assertThat(second.exit).as(second.stderr).isEqualTo(ExitCodes.TIMED_OUT);
        assertThat(second.stderr.lines().toList()).singleElement().satisfies(l -> assertThat(l).startsWith("quiesce: timed out"));
    }

    @Test
    void passesQuiesceJavaOptsToTheJvm() throws Exception {
        Result r = quiesce(Map.of("QUIESCE_JAVA_OPTS", "-XshowSettings:vm", "QUIESCE_CDS", "0"), "--version");
        assertThat(r.exit).as(r.stderr).isZero();
        assertThat(r.stderr).contains("VM settings");
        assertThat(archives()).isEmpty();
    }

    @Test
    void saysSoWhenThereIsNoJava() throws Exception {
        Result r = quiesce(Map.of("JAVA_HOME", "", "PATH", "/nonexistent"), "--version");
        assertThat(r.exit).isEqualTo(ExitCodes.INTERNAL);
        assertThat(r.stderr).contains("no java found");
    }

    private List<Path> archives() throws IOException {
        Path dir = cache.resolve("quiesce");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("cds-")).toList();
        }
    }
}
