package dev.quiesce.jdbc;

import dev.quiesce.Stores;
import java.nio.file.Path;

/** Lets {@link Stores#sqlite(Path)} open a {@link SqliteDatabase} without the core depending on this module. */
public final class SqliteStoresProvider implements Stores.Provider {

    @Override
    public String kind() {
        return "sqlite";
    }

    @Override
    public Stores open(Path file) {
        return SqliteDatabase.open(file);
    }
}
