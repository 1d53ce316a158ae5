package dev.quiesce.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Use it from Java" example, taken from the README itself, compiled against the modules a user
 * would depend on and run in a child JVM over a directory whose files have landed.
 */
class FrontDoorExampleTest {

    @TempDir
    Path tmp;

    static String readmeExample() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int section = readme.indexOf("### Use it from Java");
        assertThat(section).as("the README's Java section").isPositive();
        int start = readme.indexOf("```java\n", section) + "```java\n".length();
        return readme.substring(start, readme.indexOf("```", start));
    }

    @Test
    void theReadmesJavaExampleCompilesAndWatchesADirectory() throws Exception {
        String source = readmeExample();
        assertThat(source.lines().filter(l -> !l.isBlank()).count()).as("short enough to read").isLessThanOrEqualTo(22);
        // the one change: a quiet period a test can wait out
        source = source.replace("inactivity period=2m", "inactivity period=1s");
        Path src = Files.createDirectories(tmp.resolve("src"));
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        Files.writeString(src.resolve("WaitForLanding.java"), source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int compiled = javac.run(null, null, null, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
                src.resolve("WaitForLanding.java").toString());
        assertThat(compiled).as("the README example compiles").isZero();

        Path data = Files.createDirectories(tmp.resolve("landing"));
        Files.writeString(data.resolve("part-0.json"), "{\"a\":1}\n");
        Files.writeString(data.resolve("part-1.json"), "{\"b\":2}\n");
        Path out = tmp.resolve("out.txt");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classes + File.pathSeparator + System.getProperty("java.class.path"), "WaitForLanding",
                data.toString())
                .directory(tmp.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the example exits").isTrue();
        String printed = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(printed).isZero();
        assertThat(printed).contains("COMPLETED: no arrival for");
        assertThat(Files.exists(tmp.resolve("quiesce.db"))).isTrue();
        assertThat(List.of(printed.split("\n"))).noneMatch(l -> l.contains("Exception"));
    }
}
