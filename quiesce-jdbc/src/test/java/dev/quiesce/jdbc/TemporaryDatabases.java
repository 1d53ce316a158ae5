package dev.quiesce.jdbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Fresh database files in a temporary directory, all closed and deleted by {@link #close()}.
 *
 * <p>The contract tests' jqwik property asks for several stores per try, where JUnit's {@code @TempDir}
 * does not reach, so the tests call {@code close()} after each test and each try. Reusable after close.
 * Thread-safe.
 */
final class TemporaryDatabases implements AutoCloseable {

    private final List<SqliteDatabase> opened = new ArrayList<>();
    private Path directory;
    private int files;

    /** A database in a new file. */
    synchronized SqliteDatabase open() {
        return open(newFile());
    }

    /** Another database (own connections) on a file, e.g. one from {@link #newFile()}. */
    synchronized SqliteDatabase open(Path file) {
        SqliteDatabase db = SqliteDatabase.open(file);
        opened.add(db);
        return db;
    }

    /** A path for a database file that does not exist yet. */
    synchronized Path newFile() {
        return directory().resolve("quiesce-" + (++files) + ".db");
    }

    synchronized Path directory() {
        if (directory == null) {
            try {
                directory = Files.createTempDirectory("quiesce-jdbc-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return directory;
    }

    @Override
    public synchronized void close() {
        for (SqliteDatabase db : opened) {
            db.close();
        }
        opened.clear();
        if (directory != null) {
            try (Stream<Path> paths = Files.walk(directory)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            directory = null;
        }
    }
}
