package dev.quiesce.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keeps the README's first command true: {@code quiesce demo} runs the note's scenario to completion. */
class DemoCommandTest {

    @TempDir
    Path tmp;

    @Test
    void demoRunsTheScenarioToCompletion() {
        try (QuiesceProcess q = QuiesceProcess.start(tmp, "demo", "--producers", "4", "--records", "40")) {
            assertThat(q.exitCode(Duration.ofSeconds(90))).as(q.stderr()).isEqualTo(0);
            assertThat(q.stdout())
                    .contains("all 4 producers returned")
                    .contains("quiesce: COMPLETED")
                    .contains("true last arrival")
                    .contains("landed                160 of 160 records");
        }
    }
}
