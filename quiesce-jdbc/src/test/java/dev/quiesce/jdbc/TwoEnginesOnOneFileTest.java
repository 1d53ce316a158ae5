package dev.quiesce.jdbc;

import dev.quiesce.port.contract.SharedStoresContract;
import java.nio.file.Path;
import java.util.List;

/** Two engines, each with its own {@link SqliteDatabase} on one file. */
class TwoEnginesOnOneFileTest extends SharedStoresContract {

    private final TemporaryDatabases databases = new TemporaryDatabases();

    @Override
    protected List<Side<?>> twoSidesOfOneStore() {
        Path file = databases.newFile();
        SqliteDatabase db1 = databases.open(file);
        SqliteDatabase db2 = databases.open(file);
        return List.of(new Side<>(db1.tallyStore(), db1.observationStore()),
                new Side<>(db2.tallyStore(), db2.observationStore()));
    }

    @Override
    protected void closeSides() {
        databases.close();
    }

    @Override
    protected int observations() {
        return 16;
    }

    @Override
    protected int arrivalsPerDataset() {
        return 5;
    }
}
