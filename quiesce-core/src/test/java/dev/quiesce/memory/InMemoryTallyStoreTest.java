package dev.quiesce.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiesce.Arrival;
import dev.quiesce.Tally;
import dev.quiesce.port.TallyStore;
import dev.quiesce.port.contract.TallyStoreContract;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InMemoryTallyStoreTest extends TallyStoreContract {
    @Override
    protected TallyStore newStore() {
        return new InMemoryTallyStore();
    }

    /** Past its first table size and past the short per-dataset key arrays, nothing is lost or mixed up. */
    @Test
    void manyDatasetsAndKeysKeepTheirOwnTallies() {
        InMemoryTallyStore store = new InMemoryTallyStore();
        Instant t = Instant.parse("2024-05-01T00:00:00Z");
        for (int d = 0; d < 2000; d++) {
            for (int k = 0; k <= d % 12; k++) {
                // a fresh string each time, so lookups cannot rely on identity
                store.record(new String("ds" + d), Arrival.created("b", "key-" + k, 10, t, "tok-" + k), SEEN);
                store.record("ds" + d, Arrival.created("b", "key-" + k, 10, t, "tok-" + k), SEEN);
            }
        }
        for (int d = 0; d < 2000; d++) {
            Tally tally = store.tally("ds" + d);
            assertThat(tally.objects()).as("objects of ds%d", d).isEqualTo(d % 12 + 1);
            assertThat(tally.changeSeq()).isEqualTo(d % 12 + 1);
        }
        assertThat(store.tally("missing")).isEqualTo(Tally.EMPTY);
    }
}
