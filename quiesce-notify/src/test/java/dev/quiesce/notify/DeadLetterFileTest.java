package dev.quiesce.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiesce.LifecycleEvent;
import dev.quiesce.port.OutboxEntry;
import dev.quiesce.port.contract.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadLetterFileTest {

    @TempDir
    Path dir;

    private final MutableClock clock = MutableClock.at("2024-05-01T00:05:00Z");

    private Path buried(LifecycleEvent... events) {
        Path file = dir.resolve("dead.jsonl");
        FileDeadLetters dead = new FileDeadLetters(file, clock);
        for (LifecycleEvent e : events) {
            dead.bury(new OutboxEntry(e, "webhook", OutboxEntry.Status.DEAD, 6, e.time(), "HTTP 500"), "HTTP 500");
        }
        return file;
    }

    @Test
    void readsBackTheEventsFileDeadLettersWrote() {
        Path file = buried(Events.completed(), Events.activated());

        DeadLetterFile read = DeadLetterFile.read(file);

        assertThat(read.letters()).extracting(DeadLetterFile.Letter::event)
                .containsExactly(Events.completed(), Events.activated());
        assertThat(read.letters()).extracting(DeadLetterFile.Letter::line).containsExactly(1, 2);
        assertThat(read.letters().get(0).notifier()).isEqualTo("webhook");
        assertThat(read.letters().get(0).attempts()).isEqualTo(6);
        assertThat(read.letters().get(0).error()).isEqualTo("HTTP 500");
    }

    @Test
    void rewriteKeepsWhatIsGivenAndWhatWasAppendedSinceTheRead() throws IOException {
        Path file = buried(Events.completed(), Events.activated());
        DeadLetterFile read = DeadLetterFile.read(file);
        buried(Events.completed()); // a watch burying one more while the replay ran

        read.rewrite(List.of(read.letters().get(1).failedAgain(2, "connection refused")));

        DeadLetterFile again = DeadLetterFile.read(file);
        assertThat(again.letters()).extracting(DeadLetterFile.Letter::event)
                .containsExactly(Events.activated(), Events.completed());
        assertThat(again.letters().get(0).attempts()).isEqualTo(8);
        assertThat(again.letters().get(0).error()).isEqualTo("connection refused");
        assertThat(again.letters().get(0).json().get("time").asText()).isEqualTo("2024-05-01T00:05:00Z");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(file); // no temporary file left behind
        }
    }

    @Test
    void rewritingWithNothingKeptLeavesAnEmptyFile() throws IOException {
        Path file = buried(Events.completed());
        DeadLetterFile.read(file).rewrite(List.of());
        assertThat(file).isEmptyFile();
        assertThat(DeadLetterFile.read(file).letters()).isEmpty();
    }

    @Test
    void blankLinesAreSkippedAndABadLineIsNamedByNumber() throws IOException {
        Path file = buried(Events.completed());
        Files.writeString(file, "\n" + Files.readString(file) + "{\"notifier\":\"webhook\",\"event\":{\"id\":\"x\"}}\n");

        assertThatThrownBy(() -> DeadLetterFile.read(file))
                .isInstanceOf(DeadLetterFile.MalformedDeadLetterException.class)
                .hasMessageStartingWith(file + ":3: not a dead letter: its event is not a lifecycle event")
                .satisfies(e -> assertThat(((DeadLetterFile.MalformedDeadLetterException) e).line()).isEqualTo(3));
    }

    @Test
    void aLineThatIsNotJsonSaysSoWithoutTheParsersInternals() throws IOException {
        Path file = dir.resolve("dead.jsonl");
        Files.writeString(file, "{\"notifier\":\"webhook\",\n");

        assertThatThrownBy(() -> DeadLetterFile.read(file))
                .hasMessage(file + ":1: not a dead letter: not JSON (at column 23)");
    }
}
