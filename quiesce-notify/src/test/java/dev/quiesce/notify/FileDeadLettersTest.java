package dev.quiesce.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quiesce.StoreException;
import dev.quiesce.port.OutboxEntry;
import dev.quiesce.port.contract.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileDeadLettersTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final MutableClock clock = MutableClock.at("2024-05-01T00:05:00Z");

    @Test
    void writesOneJsonLineWithTheEntryTheErrorAndTheEventFields() throws IOException {
        Path file = dir.resolve("state/dead/letters.jsonl");
        var dead = new FileDeadLetters(file, clock);
        OutboxEntry entry = new OutboxEntry(Events.completed(), "webhook", OutboxEntry.Status.DEAD, 6,
                Events.COMPLETED_AT, "HTTP 500");

        dead.bury(entry, "webhook answered HTTP 500: boom");

        List<JsonNode> lines = lines(file);
        assertThat(lines).hasSize(1);
        JsonNode line = lines.get(0);
        assertThat(line.get("time").asText()).isEqualTo("2024-05-01T00:05:00Z");
        assertThat(line.get("id").asText()).isEqualTo("obs-1/2");
        assertThat(line.get("notifier").asText()).isEqualTo("webhook");
        assertThat(line.get("attempts").asInt()).isEqualTo(6);
        assertThat(line.get("error").asText()).isEqualTo("webhook answered HTTP 500: boom");
        JsonNode event = line.get("event");
        assertThat(event.get("id").asText()).isEqualTo("obs-1/2");
        assertThat(event.get("type").asText()).isEqualTo("COMPLETED");
        assertThat(event.get("objects").asLong()).isEqualTo(3);
        List<String> names = new ArrayList<>();
        event.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactlyElementsOf(Events.completed().fields().keySet());
    }

    @Test
    void appendsToWhatIsAlreadyThere() throws IOException {
        Path file = dir.resolve("dead.jsonl");
        OutboxEntry entry = OutboxEntry.pending(Events.completed(), "command");
        new FileDeadLetters(file, clock).bury(entry, "first");
        clock.advance(Duration.ofMinutes(1));
        new FileDeadLetters(file, clock).bury(entry, "second");

        assertThat(lines(file)).extracting(l -> l.get("error").asText()).containsExactly("first", "second");
        assertThat(lines(file)).extracting(l -> l.get("time").asText())
                .containsExactly("2024-05-01T00:05:00Z", "2024-05-01T00:06:00Z");
    }

    @Test
    void concurrentBurialsNeverInterleave() throws Exception {
        Path file = dir.resolve("dead.jsonl");
        var dead = new FileDeadLetters(file, clock);
        OutboxEntry entry = OutboxEntry.pending(Events.completed(), "webhook");
        String longError = "x".repeat(5000); // larger than a pipe or page buffer
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String error = i + ":" + longError;
            tasks.add(() -> {
                dead.bury(entry, error);
                return null;
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (Future<Void> f : pool.invokeAll(tasks)) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }

        List<JsonNode> lines = lines(file);
        assertThat(lines).hasSize(200);
        assertThat(lines).allSatisfy(l -> assertThat(l.get("error").asText()).endsWith(longError));
    }

    @Test
    void failureToWriteIsAStoreExceptionWithTheCause() throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
        var dead = new FileDeadLetters(notADirectory.resolve("dead.jsonl"), clock);

        assertThatThrownBy(() -> dead.bury(OutboxEntry.pending(Events.completed(), "webhook"), "boom"))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("obs-1/2@webhook")
                .hasCauseInstanceOf(IOException.class);
    }

    static List<JsonNode> lines(Path file) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }
}
