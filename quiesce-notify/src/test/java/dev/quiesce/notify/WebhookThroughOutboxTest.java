package dev.quiesce.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quiesce.engine.Backoff;
import dev.quiesce.engine.OutboxRelay;
import dev.quiesce.memory.InMemoryObservationStore;
import dev.quiesce.port.Notifier;
import dev.quiesce.port.OutboxEntry;
import dev.quiesce.port.contract.MutableClock;
import dev.quiesce.port.contract.OutboxContract;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook driven by the core's {@link OutboxRelay}, as the engine runs it: a real HTTP receiver,
 * the in-memory store and outbox, virtual time moved past each backoff.
 */
class WebhookThroughOutboxTest {

    private static final String SECRET = "relay-secret";
    /** Waits 1 s, then 2 s; the third attempt is the last. */
    private static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(1), 3);

    @TempDir
    Path dir;

    private final HttpReceiver receiver = HttpReceiver.start();
    private final MutableClock clock = MutableClock.at(Events.COMPLETED_AT);
    private final InMemoryObservationStore store = new InMemoryObservationStore();

    @AfterEach
    void stopReceiver() {
        receiver.close();
    }

    @Test
    void receiverFailingTwiceGetsThreeRequestsWithOneIdAndTheEntryIsDelivered() {
        receiver.failFirst(2, 500);
        Path deadFile = dir.resolve("dead.jsonl");
        OutboxRelay relay = relay(webhook(receiver.url()), deadFile);
        OutboxContract.complete(store, "obs-1", "webhook");

        assertThat(relay.deliverDue()).isZero();
        assertThat(receiver.requests()).hasSize(1);
        assertThat(entry().status()).isEqualTo(OutboxEntry.Status.PENDING);
        assertThat(entry().lastError()).contains("HTTP 500");

        clock.advance(Duration.ofMillis(999));
        assertThat(relay.deliverDue()).isZero();
        assertThat(receiver.requests()).as("not due before the 1 s backoff").hasSize(1);

        clock.advance(Duration.ofMillis(1));
        assertThat(relay.deliverDue()).isZero();
        assertThat(receiver.requests()).hasSize(2);

        clock.advance(Duration.ofSeconds(2));
        assertThat(relay.deliverDue()).isOne();

        List<HttpReceiver.Request> requests = receiver.requests();
        assertThat(requests).hasSize(3);
        assertThat(requests).extracting(r -> StructuredCloudEvent.format().deserialize(r.body()).getId())
                .containsOnly("obs-1/2");
        assertThat(requests).allSatisfy(r -> assertThat(
                WebhookNotifier.verify(r.body(), r.header(WebhookNotifier.SIGNATURE_HEADER), SECRET)).isTrue());
        assertThat(entry().status()).isEqualTo(OutboxEntry.Status.DELIVERED);
        assertThat(store.nextAttemptAt()).isEmpty();
        assertThat(deadFile).doesNotExist();

        clock.advance(Duration.ofHours(1));
        assertThat(relay.deliverDue()).isZero();
        assertThat(receiver.requests()).as("delivered means never again").hasSize(3);
    }

    @Test
    void receiverThatNeverSucceedsEndsDeadWithOneDeadLetter() throws IOException {
        receiver.failAlways(500);
        Path deadFile = dir.resolve("state/dead.jsonl");
        OutboxRelay relay = relay(webhook(receiver.url()), deadFile);
        OutboxContract.complete(store, "obs-1", "webhook");

        runUntilNothingIsPending(relay);

        assertThat(receiver.requests()).hasSize(BACKOFF.maxAttempts());
        OutboxEntry dead = entry();
        assertThat(dead.status()).isEqualTo(OutboxEntry.Status.DEAD);
        assertThat(dead.attempts()).isEqualTo(BACKOFF.maxAttempts());
        assertThat(dead.lastError()).contains("HTTP 500");

        List<String> raw = Files.readAllLines(deadFile);
        assertThat(raw).hasSize(1);
        JsonNode line = FileDeadLettersTest.lines(deadFile).get(0);
        assertThat(line.get("id").asText()).isEqualTo("obs-1/2");
        assertThat(line.get("notifier").asText()).isEqualTo("webhook");
        assertThat(line.get("error").asText()).contains("HTTP 500").contains(HttpReceiver.FAILURE_BODY);
        assertThat(line.get("event").get("dataset").asText()).isEqualTo("events");
    }

    @Test
    void closedPortEndsDeadWithTheConnectionErrorInTheDeadLetter() throws IOException {
        Path deadFile = dir.resolve("dead.jsonl");
        OutboxRelay relay = relay(webhook(HttpReceiver.closedPort()), deadFile);
        OutboxContract.complete(store, "obs-1", "webhook");

        runUntilNothingIsPending(relay);

        OutboxEntry dead = entry();
        assertThat(dead.status()).isEqualTo(OutboxEntry.Status.DEAD);
        assertThat(dead.attempts()).isEqualTo(BACKOFF.maxAttempts());
        List<JsonNode> lines = FileDeadLettersTest.lines(deadFile);
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0).get("id").asText()).isEqualTo("obs-1/2");
        assertThat(lines.get(0).get("error").asText()).contains("could not be reached");
    }

    @Test
    void deadLetterRecordsTheFinalAttemptCount() throws IOException {
        receiver.failAlways(500);
        Path deadFile = dir.resolve("dead.jsonl");
        OutboxRelay relay = relay(webhook(receiver.url()), deadFile);
        OutboxContract.complete(store, "obs-1", "webhook");

        runUntilNothingIsPending(relay);

        assertThat(FileDeadLettersTest.lines(deadFile).get(0).get("attempts").asInt())
                .isEqualTo(BACKOFF.maxAttempts());
    }

    private Notifier webhook(URI url) {
        return WebhookNotifier.builder(url).secret(SECRET).timeout(Duration.ofSeconds(5)).build();
    }

    private OutboxRelay relay(Notifier notifier, Path deadFile) {
        return new OutboxRelay(store, List.of(notifier), BACKOFF, new FileDeadLetters(deadFile, clock), clock,
                Duration.ofSeconds(30));
    }

    /** Delivers what is due, then jumps the clock to the next retry, until nothing is pending. */
    private void runUntilNothingIsPending(OutboxRelay relay) {
        for (int round = 0; round <= BACKOFF.maxAttempts(); round++) {
            relay.deliverDue();
            var next = store.nextAttemptAt();
            if (next.isEmpty()) {
                return;
            }
            clock.set(next.get());
        }
        throw new AssertionError("still pending after " + BACKOFF.maxAttempts() + " rounds: " + entry());
    }

    private OutboxEntry entry() {
        List<OutboxEntry> entries = store.entriesOf("obs-1");
        assertThat(entries).hasSize(1);
        return entries.get(0);
    }
}
