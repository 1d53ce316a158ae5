package dev.quiesce.files;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Which files local processes hold open for writing, read from Linux's {@code /proc/<pid>/fd} and
 * {@code fdinfo}: a file still being written is not counted yet, whatever its name. Elsewhere, and for
 * processes this user may not inspect or writers on other hosts (NFS), it cannot tell and says no.
 * A scan is reused for a short while, so a burst of new files costs one walk of {@code /proc}: at least
 * 100 ms, and 20 times as long as the last scan took (at most 1 s), so on a machine with many processes (a slow
 * scan) a long pass over new files spends about 5 % of its time here rather than most of it. Thread-safe.
 */
final class OpenForWriting {

    private static final Path PROC = Path.of("/proc");
    private static final long REUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** A scan is reused for this many times its own duration, when that is longer than {@link #REUSE_NANOS}. */
    private static final long REUSE_FACTOR = 20;
    /** However slow a scan, one is not trusted for longer than this: a writer that closed must be noticed soon. */
    private static final long REUSE_MAX_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** {@code O_ACCMODE} and {@code O_RDONLY} from Linux's fcntl.h: the access mode of an open file. */
    private static final int ACCESS_MODE = 03;
    private static final int READ_ONLY = 0;

    private final boolean available = Files.isDirectory(PROC.resolve("self/fdinfo"));
    private Set<Path> open = Set.of();
    private long scannedAt;
    private long reuseNanos = REUSE_NANOS;
    private boolean scanned;

    /** Whether this platform can tell at all. */
    boolean available() {
        return available;
    }

    /** Whether a local process has {@code file} (an absolute, real path) open for writing. */
    synchronized boolean isOpen(Path file) {
        if (!available) {
            return false;
        }
        long now = System.nanoTime();
        if (!scanned || now - scannedAt > reuseNanos) {
            open = scan();
            scannedAt = System.nanoTime();
            reuseNanos = Math.min(REUSE_MAX_NANOS, Math.max(REUSE_NANOS, (scannedAt - now) * REUSE_FACTOR));
            scanned = true;
        }
        return open.contains(file);
    }

    private static Set<Path> scan() {
        Set<Path> found = new HashSet<>();
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC, p -> isNumber(p.getFileName().toString()))) {
            for (Path process : processes) {
                scanProcess(process, found);
            }
        } catch (IOException | RuntimeException e) {
            // /proc changes under us all the time; what could not be read is simply not known to be open
        }
        return found;
    }

    private static void scanProcess(Path process, Set<Path> found) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
            for (Path fd : fds) {
                Path target;
                try {
                    target = Files.readSymbolicLink(fd);
                } catch (IOException | UnsupportedOperationException e) {
                    continue;
                }
                if (!target.isAbsolute() || !writable(process.resolve("fdinfo").resolve(fd.getFileName()))) {
                    continue; // sockets, pipes and anonymous inodes read as "socket:[...]"; read-only opens
                }
                found.add(target);
            }
        } catch (IOException | RuntimeException e) {
            // the process ended, or belongs to a user we may not inspect
        }
    }

    private static boolean writable(Path fdinfo) {
        try {
            List<String> lines = Files.readAllLines(fdinfo);
            for (String line : lines) {
                if (line.startsWith("flags:")) {
                    int flags = Integer.parseInt(line.substring("flags:".length()).trim(), 8);
                    return (flags & ACCESS_MODE) != READ_ONLY;
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone meanwhile
        }
        return false;
    }

    private static boolean isNumber(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
