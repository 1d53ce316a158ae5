package dev.quiesce.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiesce.port.ObservationStore;
import dev.quiesce.port.Outbox;
import dev.quiesce.port.OutboxEntry;
import dev.quiesce.port.contract.OutboxContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SqliteOutboxTest extends OutboxContract {

    private final TemporaryDatabases databases = new TemporaryDatabases();

    @Override
    @SuppressWarnings("unchecked")
    protected <S extends ObservationStore & Outbox> S newStore() {
        return (S) databases.open().observationStore();
    }

    @AfterEach
    void closeDatabases() {
        databases.close();
    }

    @Test
    void unknownEntryKeyIsRefused() {
        var store = newStore();
        assertThatThrownBy(() -> store.delivered("nope/1@webhook"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nope/1@webhook");
    }

    @Test
    void deliveredEntryCountsItsAttempt() {
        var store = newStore();
        complete(store, "obs-1", "webhook");
        OutboxEntry e = store.claim(T0.plusSeconds(120), T0.plusSeconds(180), 10).get(0);
        store.retryLater(e.key(), 1, T0.plusSeconds(130), "HTTP 503");
        store.claim(T0.plusSeconds(130), T0.plusSeconds(190), 10);
        store.delivered(e.key());
        OutboxEntry done = store.entriesOf("obs-1").get(0);
        assertThat(done.status()).isEqualTo(OutboxEntry.Status.DELIVERED);
        assertThat(done.attempts()).isEqualTo(2);
        assertThat(done.lastError()).isEqualTo("HTTP 503");
    }
}
