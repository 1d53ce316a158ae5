package dev.quiesce.aws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiesce.port.ObservationStore;
import dev.quiesce.port.Outbox;
import dev.quiesce.port.OutboxEntry;
import dev.quiesce.port.contract.OutboxContract;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class DynamoDbOutboxTest extends OutboxContract {

    private static final SharedDynalite DYNALITE = new SharedDynalite();

    @AfterAll
    static void stopDynalite() {
        DYNALITE.close();
    }

    @Override
    @SuppressWarnings("unchecked")
    protected <S extends ObservationStore & Outbox> S newStore() {
        return (S) new DynamoDbObservationStore(DYNALITE.client(), newTable());
    }

    private static String newTable() {
        String table = SharedDynalite.newTableName("outbox");
        DynamoDbObservationStore.createTable(DYNALITE.client(), table);
        return table;
    }

    @Test
    void concurrentClaimsFromSeparateClientsNeverShareAnEntry() throws Exception {
        String table = newTable();
        List<DynamoDbObservationStore> stores = List.of(
                new DynamoDbObservationStore(DYNALITE.dynalite().client(), table),
                new DynamoDbObservationStore(DYNALITE.dynalite().client(), table));
        int observations = 30;
        for (int i = 0; i < observations; i++) {
            complete(stores.get(i % 2), "obs-" + i, "stdout", "webhook");
        }
        int threads = 4;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<List<String>>> claims = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                DynamoDbObservationStore store = stores.get(t % 2);
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
            assertThat(all).hasSize(observations * 2);
            assertThat(new HashSet<>(all)).hasSize(observations * 2);
        } finally {
            pool.shutdownNow();
        }
        assertThat(stores.get(0).claim(T0.plusSeconds(120), T0.plusSeconds(180), 100)).isEmpty();
        assertThat(stores.get(0).nextAttemptAt()).contains(T0.plusSeconds(180));
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
