package dev.quiesce;

import dev.quiesce.memory.InMemoryExpectationStore;
import dev.quiesce.memory.InMemoryObservationStore;
import dev.quiesce.memory.InMemoryTallyStore;
import dev.quiesce.port.ExpectationStore;
import dev.quiesce.port.ObservationStore;
import dev.quiesce.port.Outbox;
import dev.quiesce.port.TallyStore;
import java.nio.file.Path;
import java.util.Objects;
import java.util.ServiceLoader;

/**
 * The stores one engine works on, as a bundle: tallies, observations with their outbox, and producers'
 * declarations. {@link #inMemory()} for tests and short-lived watches, {@link #sqlite(Path)} for the
 * embedded default that survives a crash (needs {@code quiesce-jdbc} on the class path).
 *
 * <p>Closing the bundle closes what it opened; the in-memory one has nothing to close.
 */
public interface Stores extends AutoCloseable {

    TallyStore tallies();

    ObservationStore observations();

    /** The outbox {@link ObservationStore#compareAndSet} fills; usually the same object as {@link #observations()}. */
    Outbox outbox();

    ExpectationStore expectations();

    @Override
    default void close() {
    }

    /** Fresh stores in this process's memory: nothing survives it. */
    static Stores inMemory() {
        return of(new InMemoryTallyStore(), new InMemoryObservationStore(), new InMemoryExpectationStore());
    }

    /**
     * The SQLite stores in {@code file}, created and migrated as needed.
     *
     * @throws InvalidConfigurationException if {@code quiesce-jdbc} is not on the class path
     * @throws StoreException if the file cannot be opened or is not a quiesce database
     */
    static Stores sqlite(Path file) {
        Objects.requireNonNull(file, "file");
        for (Provider p : ServiceLoader.load(Provider.class, Stores.class.getClassLoader())) {
            if (p.kind().equals("sqlite")) {
                return p.open(file);
            }
        }
        throw new InvalidConfigurationException("no SQLite store on the class path: add the dev.quiesce:quiesce-jdbc"
                + " dependency");
    }

    /** A bundle of stores made elsewhere; closing it closes none of them. */
    static <S extends ObservationStore & Outbox> Stores of(TallyStore tallies, S observations,
                                                            ExpectationStore expectations) {
        Objects.requireNonNull(tallies, "tallies");
        Objects.requireNonNull(observations, "observations");
        Objects.requireNonNull(expectations, "expectations");
        return new Stores() {
            @Override
            public TallyStore tallies() {
                return tallies;
            }

            @Override
            public ObservationStore observations() {
                return observations;
            }

            @Override
            public Outbox outbox() {
                return observations;
            }

            @Override
            public ExpectationStore expectations() {
                return expectations;
            }
        };
    }

    /**
     * Opens stores of one kind from a file; an adapter module registers one with {@link ServiceLoader}
     * ({@code META-INF/services/dev.quiesce.Stores$Provider}) so the core can name it without depending on it.
     */
    interface Provider {

        /** The kind {@link Stores} asks for, e.g. {@code sqlite}. */
        String kind();

        Stores open(Path file);
    }
}
