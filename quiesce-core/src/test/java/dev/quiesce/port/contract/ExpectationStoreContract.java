package dev.quiesce.port.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiesce.Expectation;
import dev.quiesce.Expectations;
import dev.quiesce.Sent;
import dev.quiesce.port.ExpectationStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** What every {@link ExpectationStore} must do. Subclass once per implementation; {@link #newStore()} is fresh and empty. */
public abstract class ExpectationStoreContract {

    protected static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");
    protected static final String DS = "events";

    protected abstract ExpectationStore newStore();

    @Test
    void nothingDeclaredIsNone() {
        assertThat(newStore().of(DS)).isEqualTo(Expectations.NONE);
    }

    @Test
    void openingIsIdempotent() {
        ExpectationStore store = newStore();
        assertThat(store.open(DS, "p1", T0)).isTrue();
        assertThat(store.open(DS, "p1", T0.plusSeconds(5))).isFalse();
        assertThat(store.of(DS).producers()).containsExactly(
                new Expectation(DS, "p1", T0, null, Sent.NOTHING_DECLARED));
        assertThat(store.of(DS).stillOpen()).containsExactly("p1");
    }

    @Test
    void aCloseKeepsWhichObjectsAreTheProducers() {
        ExpectationStore store = newStore();
        dev.quiesce.Attribution listed = new dev.quiesce.Attribution(java.util.List.of("in/C/c1", "in/C/c 2"), "in/C/");
        assertThat(store.close(DS, "loader-C", new Sent(Sent.UNKNOWN, Sent.UNKNOWN, 2), listed, T0)).isTrue();
        assertThat(store.close(DS, "loader-P", new Sent(Sent.UNKNOWN, Sent.UNKNOWN, 5),
                new dev.quiesce.Attribution(java.util.List.of(), "in/P/"), T0)).isTrue();
        store.close(DS, "plain", new Sent(Sent.UNKNOWN, Sent.UNKNOWN, 1), T0);
        assertThat(store.of(DS).producers()).extracting(Expectation::attribution).containsExactly(
                listed, new dev.quiesce.Attribution(java.util.List.of(), "in/P/"), dev.quiesce.Attribution.NONE);
    }

    @Test
    void theFirstCloseWins() {
        ExpectationStore store = newStore();
        store.open(DS, "p1", T0);
        assertThat(store.close(DS, "p1", new Sent(100, 2048, 3), T0.plusSeconds(10))).isTrue();
        assertThat(store.close(DS, "p1", new Sent(999, 9, 9), T0.plusSeconds(20))).isFalse();
        assertThat(store.of(DS).producers()).containsExactly(
                new Expectation(DS, "p1", T0, T0.plusSeconds(10), new Sent(100, 2048, 3)));
    }

    @Test
    void aCloseBeforeItsOpenCountsAndTheLateOpenChangesNothing() {
        ExpectationStore store = newStore();
        assertThat(store.close(DS, "p1", new Sent(Sent.UNKNOWN, Sent.UNKNOWN, 2), T0)).isTrue();
        assertThat(store.open(DS, "p1", T0.plusSeconds(1))).isFalse();
        Expectations e = store.of(DS);
        assertThat(e.closedCount()).isEqualTo(1);
        assertThat(e.stillOpen()).isEmpty();
        assertThat(e.declared(Sent.Unit.OBJECTS)).isEqualTo(2);
        assertThat(e.declared(Sent.Unit.BYTES)).isEqualTo(Sent.UNKNOWN);
    }

    @Test
    void producersKeepTheOrderTheyAppearedInAndDatasetsAreSeparate() {
        ExpectationStore store = newStore();
        store.open(DS, "b", T0);
        store.close(DS, "a", new Sent(1, 1, 1), T0.plusSeconds(1));
        store.open(DS, "c", T0.plusSeconds(2));
        store.open("other", "z", T0);
        assertThat(store.of(DS).producers()).extracting(Expectation::producerId).containsExactly("b", "a", "c");
        assertThat(store.of("other").producers()).extracting(Expectation::producerId).containsExactly("z");
    }

    @Test
    void racingClosesOfOneProducerHaveOneWinner() throws Exception {
        ExpectationStore store = newStore();
        int threads = 6;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long n = t;
                Callable<Boolean> close = () -> {
                    start.await();
                    return store.close(DS, "p1", new Sent(n, n, n), T0.plusSeconds(n));
                };
                results.add(pool.submit(close));
            }
            int winners = 0;
            for (Future<Boolean> f : results) {
                winners += f.get() ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.of(DS).producers()).hasSize(1);
    }
}
