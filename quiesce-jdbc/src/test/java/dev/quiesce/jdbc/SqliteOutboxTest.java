package dev.quiesce.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiesce.port.ObservationStore;
import dev.quiesce.port.Outbox;
import dev.quiesce.port.OutboxEntry;
import dev.quiesce.port.contract.OutboxContract;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
    void concurrentClaimsFromSeparateConnectionsNeverShareAnEntry() throws Exception {
        Path file = databases.newFile();
        List<JdbcObservationStore> stores = List.of(databases.open(file).observationStore(),
                databases.open(file).observationStore());
        int observations = 60;
        for (int i = 0; i < observations; i++) {
            complete(stores.get(i % 2), "obs-" + i, "stdout", "webhook");
        }
        int threads = 4;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<List<String>>> claims = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                JdbcObservationStore store = stores.get(t % 2);
                claims.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    List<String> mine = new ArrayList<>();
                    List<OutboxEntry> batch;
                    do {
                        batch = store.claim(T0.plusSeconds(120), T0.plusSeconds(180), 7);
                        batch.forEach(e -> mine.add(e.key()));
                    } while (!batch.isEmpty());
                    return mine;
                }));
            }
            List<String> all = new ArrayList<>();
            for (Future<List<String>> f : claims) {
                all.addAll(f.get(60, TimeUnit.SECONDS));
            }
            Set<String> distinct = new HashSet<>(all);
            assertThat(all).hasSize(observations * 2);
            assertThat(distinct).hasSize(observations * 2);
        } finally {
            pool.shutdownNow();
        }
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
