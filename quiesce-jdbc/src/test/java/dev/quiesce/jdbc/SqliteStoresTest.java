package dev.quiesce.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiesce.Arrival;
import dev.quiesce.StoreException;
import dev.quiesce.Stores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Stores#sqlite(Path)} finds this module through the service loader, and what it opens persists. */
class SqliteStoresTest {

    @TempDir
    Path tmp;

    @Test
    void storesSqliteOpensTheFileAndItKeepsWhatWasCounted() {
        Path file = tmp.resolve("q.db");
        try (Stores stores = Stores.sqlite(file)) {
            assertThat(stores).isInstanceOf(SqliteDatabase.class);
            assertThat(stores.outbox()).isSameAs(stores.observations());
            stores.tallies().record("ds", Arrival.created("b", "k", 5, Instant.now(), "t"), Instant.now());
        }
        try (Stores again = Stores.sqlite(file)) {
            assertThat(again.tallies().tally("ds").objects()).isEqualTo(1);
        }
    }

    @Test
    void aFileThatIsNotADatabaseIsAStoreError() throws Exception {
        Path text = Files.writeString(tmp.resolve("notes.txt"), "not a database\n".repeat(100));
        assertThatThrownBy(() -> Stores.sqlite(text)).isInstanceOf(StoreException.class);
    }
}
