package dev.quiesce.app.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code quiesce} in a real child JVM with this test's classpath, capturing stdout and stderr to
 * files (so a chatty child never blocks on a full pipe).
 */
final class QuiesceProcess implements AutoCloseable {

    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private QuiesceProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    static QuiesceProcess start(Path workDir, Map<String, String> env, String... args) {
        return start(workDir, env, List.of(), args);
    }

    /**
     * Starts the command so that file permissions apply to it even when the tests run as root: under
     * {@code setpriv} without the capabilities that let root read any file. Empty when that cannot be had.
     */
    static java.util.Optional<List<String>> permissionsApplyPrefix() {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root) {
            return java.util.Optional.of(List.of());
        }
        return Files.isExecutable(Path.of("/usr/bin/setpriv"))
                ? java.util.Optional.of(List.of("/usr/bin/setpriv", "--bounding-set=-dac_override,-dac_read_search"))
                : java.util.Optional.empty();
    }

    /** As {@link #start(Path, Map, String...)}, the java command run behind {@code prefix}. */
    static QuiesceProcess start(Path workDir, Map<String, String> env, List<String> prefix, String... args) {
        try {
            Files.createDirectories(workDir);
            Path out = Files.createTempFile(workDir, "stdout-", ".txt");
            Path err = Files.createTempFile(workDir, "stderr-", ".txt");
            List<String> cmd = new ArrayList<>(prefix);
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.add("-Xshare:auto");
            cmd.add("-XX:TieredStopAtLevel=1");
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(Main.class.getName());
            cmd.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().putAll(env);
            return new QuiesceProcess(pb.start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static QuiesceProcess start(Path workDir, String... args) {
        return start(workDir, Map.of(), args);
    }

    /** Waits for the exit and returns the code; fails the test if it takes longer than {@code limit}. */
    int exitCode(Duration limit) {
        try {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("quiesce did not exit within " + limit + "\nstdout:\n" + stdout() + "\nstderr:\n" + stderr());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Sends SIGINT, as Ctrl-C on a terminal does. */
    void interrupt() {
        try {
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new AssertionError("kill -INT " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Kills the JVM the hard way, as a crash or {@code kill -9} would. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    String stdout() {
        return read(stdout);
    }

    String stderr() {
        return read(stderr);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
