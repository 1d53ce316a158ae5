package dev.quiesce.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;
import org.sqlite.util.LibraryLoaderUtil;

/**
 * Lets the SQLite driver load its native library from a per-user cache instead of extracting it anew.
 *
 * <p>Left alone, sqlite-jdbc copies its 1 MB native library out of the jar into {@code java.io.tmpdir}
 * under a fresh name on every start, compares the copy with the original byte for byte and scans the
 * directory for stale copies: about 140 ms of a command that otherwise starts in half a second, and a
 * file left in {@code /tmp} per run. {@link #useCache()} extracts it once into
 * {@code $XDG_CACHE_HOME/quiesce} (else {@code ~/.cache/quiesce}), under a name that holds the driver's
 * version and the JVM's {@code os.name} and {@code os.arch}, and points the driver at it with
 * {@code org.sqlite.lib.path} and {@code org.sqlite.lib.name}. The copy is written under a temporary name
 * and renamed into place, so a file under the final name is always whole. (One home directory shared by
 * a glibc and a musl host of the same architecture would need {@code XDG_CACHE_HOME} set apart.)
 *
 * <p>{@link SqliteDatabase} calls it before its first connection, so commands that never open a
 * database (help, version) never pay for it.
 *
 * <p>Anything unusual (the properties already set, no home directory, a read-only cache, the library not
 * in the jar) leaves the driver's own loading in charge, as without this class.
 */
public final class SqliteNativeLibrary {

    private static final String PATH_PROPERTY = "org.sqlite.lib.path";
    private static final String NAME_PROPERTY = "org.sqlite.lib.name";

    private SqliteNativeLibrary() {
    }

    /**
     * Points the driver at the cached copy, extracting it first when missing. Call before the first
     * connection; later calls do nothing. Never throws: failing, the driver extracts as usual.
     */
    public static synchronized void useCache() {
        if (System.getProperty(PATH_PROPERTY) != null || System.getProperty(NAME_PROPERTY) != null) {
            return;
        }
        try {
            Path dir = cacheRoot();
            String version = driverVersion();
            if (dir == null || version == null) {
                return;
            }
            // keyed by what the JVM says without asking the driver: its platform probe runs a process
            // (uname), which is worth paying once per extraction, not once per start
            String platform = (System.getProperty("os.name") + "-" + System.getProperty("os.arch"))
                    .replaceAll("[^A-Za-z0-9._-]", "_");
            Path target = dir.resolve("sqlite-jdbc-" + version + "-" + platform);
            String name = System.mapLibraryName("sqlitejdbc").replace(".jnilib", ".dylib");
            Path library = target.resolve(name);
            if (!Files.isRegularFile(library)) {
                String folder = LibraryLoaderUtil.getNativeLibResourcePath(); // e.g. /org/sqlite/native/Linux/x86_64
                name = LibraryLoaderUtil.getNativeLibName();
                library = target.resolve(name);
                URL resource = SqliteNativeLibrary.class.getResource(folder + "/" + name);
                if (resource == null) {
                    return;
                }
                URLConnection connection = resource.openConnection();
                connection.setUseCaches(false);
                extract(connection, target, library);
            }
            System.setProperty(PATH_PROPERTY, target.toString());
            System.setProperty(NAME_PROPERTY, name);
        } catch (IOException | RuntimeException | LinkageError e) {
            // the driver's own extraction still works; only its start-up cost comes back
        }
    }

    private static void extract(URLConnection connection, Path target, Path library) throws IOException {
        Files.createDirectories(target);
        Path temp = Files.createTempFile(target, "." + library.getFileName(), ".tmp");
        try {
            try (InputStream in = connection.getInputStream()) {
                Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
            }
            try {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the default permissions of the user's own cache apply
            }
            // concurrent first runs each write their own temporary file; whichever rename lands last wins, whole
            Files.move(temp, library, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The driver's version, read where the driver reads it, or {@code null}. */
    private static String driverVersion() throws IOException {
        try (InputStream in = SqliteNativeLibrary.class.getResourceAsStream(
                "/META-INF/maven/org.xerial/sqlite-jdbc/pom.properties")) {
            if (in == null) {
                return null;
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version");
            return v == null || v.isBlank() ? null : v.replaceAll("[^0-9.]", "");
        }
    }

    /** The user's cache directory for quiesce, or {@code null} when there is none to use. */
    private static Path cacheRoot() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "quiesce");
        }
        String home = System.getProperty("user.home");
        if (home == null || home.isBlank() || home.equals("?")) {
            return null;
        }
        return Path.of(home, ".cache", "quiesce");
    }
}
