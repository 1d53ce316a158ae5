package dev.quiesce.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code quiesce simulate} and {@code quiesce tune} end to end, in a child JVM. */
class SimulateCommandTest {

    private static final Duration LIMIT = Duration.ofSeconds(120);

    @TempDir
    Path tmp;

    @Test
    void simulatePrintsAndWritesTheComparison() throws Exception {
        Path out = tmp.resolve("report");
        try (QuiesceProcess q = QuiesceProcess.start(tmp, "simulate", "--scenario", "fast", "--runs", "3",
                "--policy", "stable window=3 delay=constant:30s", "--policy", "inactivity period=90s",
                "--out", out.toString())) {
            assertThat(q.exitCode(LIMIT)).as(q.stderr()).isZero();
            assertThat(q.stdout()).containsPattern("\\| fast \\| [0-9.]+ / [0-9.]+ \\| `stable window=3 delay=constant:30s` \\|")
                    .containsPattern("\\| fast \\| [0-9.]+ / [0-9.]+ \\| `inactivity period=90s` \\|");
            String command = "quiesce simulate --scenario fast --policy 'stable window=3 delay=constant:30s' "
                    + "--policy 'inactivity period=90s' --runs 3 --seed 1 --out " + out;
            assertThat(Files.readString(out.resolve("report.md"))).contains("| `inactivity period=90s` |")
                    .contains("```\n" + command + "\n```")
                    .contains("(plots/false-completions.png)").contains("(plots/latency-fast.png)");
            for (String png : List.of("plots/false-completions.png", "plots/latency-fast.png")) {
                BufferedImage image = ImageIO.read(out.resolve(png).toFile());
                assertThat(image).as(png).isNotNull();
                assertThat(image.getWidth()).isEqualTo(900);
                assertThat(q.stdout()).contains("wrote " + out.resolve(png));
            }
            assertThat(q.stdout()).contains("wrote " + out.resolve("report.md"));
        }
    }

    @Test
    void theReportShowsACanonicalCommandThatRegeneratesIt() {
        SimulateCommand simulate = new SimulateCommand();
        new CommandLine(simulate).parseArgs("--threads", "2", "--policy", "inactivity period=90s", "--scenario", "fast",
                "--out", "r", "--runs", "5");
        assertThat(simulate.command())
                .isEqualTo("quiesce simulate --scenario fast --policy 'inactivity period=90s' --runs 5 --seed 1 --out r");
        assertThat(SimulateCommand.shellQuoted("it's")).isEqualTo("'it'\\''s'");
        assertThat(SimulateCommand.shellQuoted("")).isEqualTo("''");
    }

    @Test
    void tuneRecommendsASettingPerPolicy() {
        try (QuiesceProcess q = QuiesceProcess.start(tmp, "tune", "--scenario", "slow-trickle-regular", "--runs", "3")) {
            assertThat(q.exitCode(LIMIT)).as(q.stderr()).isZero();
            assertThat(q.stdout()).contains("Recommended settings for slow-trickle-regular")
                    .contains("| stable count, constant delay | `stable window=")
                    .contains("| inactivity period | `inactivity period=");
        }
    }

    @Test
    void unknownScenariosAndBadPoliciesAreUsageErrors() {
        try (QuiesceProcess q = QuiesceProcess.start(tmp, "simulate", "--scenario", "nope")) {
            assertThat(q.exitCode(LIMIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(q.stderr()).contains("unknown scenario 'nope'");
        }
        try (QuiesceProcess q = QuiesceProcess.start(tmp, "simulate", "--scenario", "fast", "--policy", "sometimes")) {
            assertThat(q.exitCode(LIMIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(q.stderr()).contains("unknown policy 'sometimes'");
        }
        try (QuiesceProcess q = QuiesceProcess.start(tmp, "tune", "--scenario", "all")) {
            assertThat(q.exitCode(LIMIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(q.stderr()).contains("tune recommends settings for one workload");
        }
    }
}
