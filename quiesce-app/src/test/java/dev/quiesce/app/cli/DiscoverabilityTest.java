package dev.quiesce.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiesce.sim.Scenarios;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a user finds without reading the source: scenario names, the completion script, the version. */
class DiscoverabilityTest {

    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    @Test
    void simulateListNamesEveryScenarioOnALineOfItsOwn() {
        try (QuiesceProcess q = QuiesceProcess.start(tmp, "simulate", "--list")) {
            assertThat(q.exitCode(LIMIT)).as(q.stderr()).isZero();
            List<String> lines = q.stdout().lines().toList();
            assertThat(lines).hasSize(Scenarios.NAMES.size());
            for (int i = 0; i < lines.size(); i++) {
                assertThat(lines.get(i)).startsWith(Scenarios.NAMES.get(i) + " ").hasSizeGreaterThan(40);
            }
        }
    }

    @Test
    void completionCoversEverySubcommandAndItsOptions() {
        try (QuiesceProcess q = QuiesceProcess.start(tmp, "completion")) {
            assertThat(q.exitCode(LIMIT)).as(q.stderr()).isZero();
            assertThat(q.stdout()).startsWith("#!/usr/bin/env bash").contains("complete -F _complete_quiesce")
                    .contains("watch").contains("notify").contains("simulate").contains("--notify-webhook")
                    .contains("--replay").contains("--deadline").contains("--list");
        }
    }

    @Test
    void aMistypedSubcommandIsAUsageError() {
        try (QuiesceProcess q = QuiesceProcess.start(tmp, "wacth", tmp.toString())) {
            assertThat(q.exitCode(LIMIT)).isEqualTo(ExitCodes.USAGE);
            assertThat(q.stderr()).contains("wacth").contains("quiesce --help");
        }
    }
}
