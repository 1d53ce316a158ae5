package dev.quiesce.app.cli;

import dev.quiesce.InvalidConfigurationException;
import dev.quiesce.StoreException;
import dev.quiesce.jdbc.SqliteDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where {@code watch} keeps its state: the {@code --state} file the user named, or a temporary one that is
 * removed at every exit (normal, error or Ctrl-C) unless {@code --keep-state}.
 */
final class StateFile {

    private final Path file;
    private final boolean temporary;
    private final boolean keep;
    private volatile boolean removed;

    private StateFile(Path file, boolean temporary, boolean keep) {
        this.file = file;
        this.temporary = temporary;
        this.keep = keep;
    }

    static StateFile of(Path state, boolean keepTemporary) throws IOException {
        if (state != null) {
            return new StateFile(state, false, true);
        }
        return new StateFile(Files.createTempDirectory("quiesce-").resolve("state.db"), true, keepTemporary);
    }

    Path path() {
        return file;
    }

    /** Whether the user named the file (and so can resume from it). */
    boolean named() {
        return !temporary;
    }

    /** Whether the file outlives this process. */
    boolean kept() {
        return keep;
    }

    /**
     * Opens the database, saying in one line what is wrong with a file that cannot be one.
     *
     * @throws InvalidConfigurationException if the path is a directory or not a quiesce SQLite file
     */
    SqliteDatabase open() {
        if (Files.isDirectory(file)) {
            throw new InvalidConfigurationException("--state " + file + " is a directory; give a file path (it is"
                    + " created if missing)");
        }
        try {
            return SqliteDatabase.open(file);
        } catch (StoreException e) {
            String why = firstLine(e);
            if (why.contains("SQLITE_NOTADB") || why.contains("not a database")) {
                throw new InvalidConfigurationException("--state " + file + " is not a quiesce state file (not an"
                        + " SQLite database); give a new path or the file an earlier watch wrote", e);
            }
            // SQLite's own codes ("[SQLITE_CANTOPEN] ...") mean nothing to the reader
            throw new InvalidConfigurationException("--state " + file + " cannot be used: "
                    + why.replaceAll("\\[SQLITE_[A-Z_]+\\]\\s*", ""), e);
        }
    }

    /** Removes a temporary state (and its directory) unless it is to be kept; harmless to call twice. */
    void removeIfTemporary() {
        if (!temporary || keep || removed) {
            return;
        }
        removed = true;
        try {
            for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) {
                Files.deleteIfExists(Path.of(file + suffix));
            }
            Files.deleteIfExists(file.getParent());
        } catch (IOException e) {
            // a leftover temporary file is harmless; the exit code must not change because of it
        }
    }

    private static String firstLine(StoreException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
