package dev.quiesce.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The packaged {@code quiesce} command run in a child process, its output captured in files. */
final class QuiesceCommand implements AutoCloseable {

    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private QuiesceCommand(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** The jar {@code ./quiesce} runs: {@code quiesce-app/target/quiesce.jar} under the project root. */
    static Path jar() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            Path jar = p.resolve("quiesce-app/target/quiesce.jar");
            if (Files.isRegularFile(jar)) {
                return jar;
            }
        }
        throw new IllegalStateException("quiesce-app/target/quiesce.jar not found above " + here
                + "; build it first: ./mvnw -q -B -ntp -DskipTests package");
    }

    static QuiesceCommand start(Path workDir, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        // -Dquiesce.jvm="-XX:... -Xmx..." passes JVM options to the command (a profiler, a heap size)
        String jvm = System.getProperty("quiesce.jvm", "").trim();
        if (!jvm.isEmpty()) {
            cmd.addAll(List.of(jvm.split("\\s+")));
        }
        cmd.addAll(List.of("-jar", jar().toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(workDir, "stdout-", ".txt");
        Path err = Files.createTempFile(workDir, "stderr-", ".txt");
        Process p = new ProcessBuilder(cmd).directory(workDir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new QuiesceCommand(p, out, err);
    }

    String stdout() throws IOException {
        return Files.readString(stdout);
    }

    String stderr() throws IOException {
        return Files.readString(stderr);
    }

    /** Polls until {@code text} appears on stderr (the command's own log with {@code --verbose}). */
    void awaitStderr(String text, long timeoutMillis) throws IOException, InterruptedException {
        long end = System.currentTimeMillis() + timeoutMillis;
        while (!stderr().contains(text)) {
            if (System.currentTimeMillis() > end || !process.isAlive()) {
                throw new IllegalStateException("no '" + text + "' on stderr; stderr: " + stderr());
            }
            Thread.sleep(5);
        }
    }

    int waitFor(long timeoutMillis) throws InterruptedException {
        if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("quiesce did not exit within " + timeoutMillis + " ms");
        }
        return process.exitValue();
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The process's peak resident memory so far (VmHWM), in KB; 0 where /proc cannot tell. */
    long residentHighWaterKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // exited meanwhile, or not Linux
        }
        return 0;
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
