package dev.quiesce.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiesce.Arrival;
import dev.quiesce.Tally;
import dev.quiesce.port.TallyStore;
import dev.quiesce.port.TallyStore.Effect;
import dev.quiesce.port.contract.TallyStoreContract;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.lifecycle.AfterTry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SqliteTallyStoreTest extends TallyStoreContract {

    private final TemporaryDatabases databases = new TemporaryDatabases();

    @Override
    protected TallyStore newStore() {
        return databases.open().tallyStore();
    }

    @AfterEach
    @AfterTry
    void closeDatabases() {
        databases.close();
    }

    @Test
    void storesOnSeparateConnectionsToOneFileCountEachArrivalOnce() throws Exception {
        Path file = databases.newFile();
        List<TallyStore> stores = List.of(databases.open(file).tallyStore(), databases.open(file).tallyStore(),
                databases.open(file).tallyStore());
        int threads = 6;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                TallyStore store = stores.get(t % stores.size());
                int offset = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    // every thread sends every arrival, each in its own order
                    for (int i = 0; i < 60; i++) {
                        int k = (i * 7 + offset * 11) % 60;
                        store.record(DS, put("key-" + k, k, k, "tok-" + k), SEEN);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        for (TallyStore store : stores) {
            Tally t = store.tally(DS);
            assertThat(t.objects()).isEqualTo(60);
            assertThat(t.changeSeq()).isEqualTo(60);
            assertThat(t.bytes()).isEqualTo(59 * 60 / 2);
        }
    }

    @Test
    void arrivalsFromAnotherProcessCountOnce() throws Exception {
        Path file = databases.newFile();
        TallyStore here = databases.open(file).tallyStore();
        Process other = RecordArrivals.launch(file, DS, 0, 40);
        for (int k = 20; k < 60; k++) {
            here.record(DS, put("key-" + k, k, k, "tok-" + k), SEEN);
        }
        assertThat(other.waitFor(60, TimeUnit.SECONDS)).as("child process finished").isTrue();
        assertThat(other.exitValue()).as("child exit code; its output: %s", RecordArrivals.output(file)).isZero();
        Tally t = here.tally(DS);
        assertThat(t.objects()).isEqualTo(60);
        assertThat(t.changeSeq()).isEqualTo(60);
        assertThat(t.bytes()).isEqualTo(59 * 60 / 2);
    }

    @Test
    void versionOrderHoldsBelowTheMillisecond() {
        TallyStore store = newStore();
        Arrival newer = Arrival.created("bucket", "a", 20, T0.plusNanos(1_500), "z");
        Arrival older = Arrival.created("bucket", "a", 10, T0.plusNanos(1_400), "zz");
        store.record(DS, newer, SEEN);
        assertThat(store.record(DS, older, SEEN)).isEqualTo(Effect.SUPERSEDED);
        assertCounts(store.tally(DS), 1, 20, 0, 2, T0.plusNanos(1_400), T0.plusNanos(1_500));
    }

    @Test
    void presentKeysAreTheKeysTheDigestCoversAtTheirLatestVersions() {
        JdbcTallyStore store = databases.open().tallyStore();
        store.record(DS, put("b", 5, 1, "b1").withVersion("e1:5"), SEEN);
        store.record(DS, put("a", 10, 2, "a1").withVersion("e2:10"), SEEN);
        store.record(DS, put("a", 12, 3, "a2").withVersion("e3:12"), SEEN);
        store.record(DS, put("gone", 1, 4, "g1").withVersion("e4:1"), SEEN);
        store.record(DS, delete("gone", 5, "removed:g1"), SEEN);
        store.record("other", put("c", 1, 1, "c1"), SEEN);

        List<JdbcTallyStore.PresentKey> keys = store.presentKeys(DS);

        assertThat(keys).containsExactly(new JdbcTallyStore.PresentKey("a", "e3:12", 12),
                new JdbcTallyStore.PresentKey("b", "e1:5", 5));
        assertThat(keys.stream().mapToLong(JdbcTallyStore.PresentKey::digest).sum())
                .isEqualTo(store.tally(DS).digest());
    }
}
