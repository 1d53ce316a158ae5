package dev.quiesce.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiesce.DeliveryFailedException;
import io.cloudevents.CloudEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandNotifierTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void passesEventFieldsAsQuiesceEnvironmentVariables() throws IOException {
        Path out = dir.resolve("env.txt");
        var notifier = quiet("env > " + quoted(out));

        notifier.deliver(Events.completed());

        Map<String, String> env = quiesceVariables(out);
        assertThat(env).containsEntry("QUIESCE_ID", "obs-1/2")
                .containsEntry("QUIESCE_TYPE", "COMPLETED")
                .containsEntry("QUIESCE_OBSERVATION", "obs-1")
                .containsEntry("QUIESCE_DATASET", "events")
                .containsEntry("QUIESCE_TRANSITION", "2")
                .containsEntry("QUIESCE_OBJECTS", "3")
                .containsEntry("QUIESCE_BYTES", "30")
                .containsEntry("QUIESCE_CHANGE_SEQ", "3")
                .containsEntry("QUIESCE_LAST_ARRIVAL", "2024-05-01T00:00:20Z")
                .containsEntry("QUIESCE_STARTED_AT", "2024-05-01T00:00:00Z")
                .containsEntry("QUIESCE_REASON", "stable")
                .containsKey("QUIESCE_EVENT_JSON");
    }

    @Test
    void passesTheStructuredCloudEventAsJson() throws IOException {
        Path out = dir.resolve("event.json");
        var notifier = quiet("printf '%s' \"$QUIESCE_EVENT_JSON\" > " + quoted(out));

        notifier.deliver(Events.completed());

        CloudEvent ce = StructuredCloudEvent.format().deserialize(Files.readAllBytes(out));
        assertThat(ce.getId()).isEqualTo("obs-1/2");
        assertThat(ce.getType()).isEqualTo("dev.quiesce.observation.completed");
        assertThat(ce.getSubject()).isEqualTo("events");
        assertThat(ce.getSource()).hasToString("urn:quiesce");
    }

    @Test
    void nonZeroExitFailsWithTheStatusAndTheOutputTail() {
        var notifier = quiet("echo 'table locked' >&2; exit 3");

        assertThatThrownBy(() -> notifier.deliver(Events.completed()))
                .isInstanceOf(DeliveryFailedException.class)
                .hasMessageContaining("exited with status 3")
                .hasMessageContaining("table locked");
    }

    @Test
    void commandRunningPastTheTimeoutIsKilledAndFails() {
        var notifier = new CommandNotifier("sleep 60", Duration.ofMillis(300), OutputStream.nullOutputStream());

        assertThatThrownBy(() -> notifier.deliver(Events.completed()))
                .isInstanceOf(DeliveryFailedException.class)
                .hasMessageContaining("timed out after PT0.3S");
    }

    @Test
    void largeOutputNeitherBlocksTheCommandNorBloatsTheMessage() {
        // 1 MB on each stream: far more than a pipe buffer holds
        var notifier = quiet("head -c 1000000 /dev/zero | tr '\\0' o; head -c 1000000 /dev/zero | tr '\\0' e >&2; exit 1");

        assertThatThrownBy(() -> notifier.deliver(Events.completed()))
                .isInstanceOf(DeliveryFailedException.class)
                .hasMessageContaining("exited with status 1")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(CommandNotifier.TAIL_BYTES + 200));
    }

    @Test
    void copiesTheCommandOutputToTheConsole() {
        var console = new ByteArrayOutputStream();
        var notifier = new CommandNotifier("echo to-out; echo to-err >&2", TIMEOUT, console);

        notifier.deliver(Events.completed());

        assertThat(console.toString(StandardCharsets.UTF_8)).contains("to-out", "to-err");
    }

    @Test
    void actsOnTerminalEventsOnly() {
        var notifier = quiet("true");
        assertThat(notifier.name()).isEqualTo("command");
        assertThat(notifier.accepts(Events.completed())).isTrue();
        assertThat(notifier.accepts(Events.activated())).isFalse();
    }

    @Test
    void namesVariablesInUpperSnakeCase() {
        assertThat(CommandNotifier.envName("id")).isEqualTo("QUIESCE_ID");
        assertThat(CommandNotifier.envName("lastArrival")).isEqualTo("QUIESCE_LAST_ARRIVAL");
        assertThat(CommandNotifier.envName("changeSeq")).isEqualTo("QUIESCE_CHANGE_SEQ");
    }

    @Test
    void rejectsBadConfiguration() {
        assertThatThrownBy(() -> new CommandNotifier(null, TIMEOUT)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new CommandNotifier("  ", TIMEOUT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CommandNotifier("true", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeout");
    }

    private static CommandNotifier quiet(String command) {
        return new CommandNotifier(command, TIMEOUT, OutputStream.nullOutputStream());
    }

    private static String quoted(Path p) {
        return "'" + p.toString().replace("'", "'\\''") + "'";
    }

    private static Map<String, String> quiesceVariables(Path envDump) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(envDump)) {
            int eq = line.indexOf('=');
            if (line.startsWith("QUIESCE_") && eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return env;
    }
}
