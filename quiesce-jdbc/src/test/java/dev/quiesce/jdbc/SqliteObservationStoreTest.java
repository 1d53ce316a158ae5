package dev.quiesce.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiesce.InvalidConfigurationException;
import dev.quiesce.Observation;
import dev.quiesce.StoreException;
import dev.quiesce.port.ObservationStore;
import dev.quiesce.port.Outbox;
import dev.quiesce.port.contract.ObservationStoreContract;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SqliteObservationStoreTest extends ObservationStoreContract {

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
    void racingCompareAndSetsFromSeparateConnectionsHaveOneWinnerPerVersion() throws Exception {
        Path file = databases.newFile();
        List<ObservationStore> stores = List.of(databases.open(file).observationStore(),
                databases.open(file).observationStore());
        stores.get(0).create(Observation.start("obs-1", "events", SPEC, T0));
        int threads = 4;
        int rounds = 25;
        CyclicBarrier step = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Integer>> wins = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                ObservationStore store = stores.get(t % stores.size());
                wins.add(pool.submit(() -> {
                    int won = 0;
                    for (int r = 0; r < rounds; r++) {
                        step.await(30, TimeUnit.SECONDS);
                        // all threads read the same version between two barriers, then race to write
                        Observation current = store.find("obs-1").orElseThrow();
                        step.await(30, TimeUnit.SECONDS);
                        if (store.compareAndSet(current.activate(Instant.EPOCH.plusSeconds(r), T0, r))) {
                            won++;
                        }
                    }
                    return won;
                }));
            }
            int total = 0;
            for (Future<Integer> f : wins) {
                total += f.get(60, TimeUnit.SECONDS);
            }
            assertThat(total).isEqualTo(rounds);
        } finally {
            pool.shutdownNow();
        }
        assertThat(stores.get(1).find("obs-1").orElseThrow().version()).isEqualTo(1 + rounds);
    }

    @Test
    void unreadableRowIsAStoreFaultNamingTheObservation() throws Exception {
        Path file = databases.newFile();
        ObservationStore store = databases.open(file).observationStore();
        store.create(Observation.start("obs-1", "events", SPEC, T0));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("UPDATE observation SET spec = 'wobbly window=3' WHERE id = 'obs-1'");
        }
        assertThatThrownBy(() -> store.find("obs-1"))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("obs-1")
                .hasMessageContaining("wobbly")
                .hasCauseInstanceOf(InvalidConfigurationException.class);
    }
}
