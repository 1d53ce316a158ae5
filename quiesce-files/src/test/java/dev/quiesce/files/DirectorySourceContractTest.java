package dev.quiesce.files;

import dev.quiesce.port.ArrivalSource;
import dev.quiesce.port.contract.ArrivalSourceContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.io.TempDir;

/** The source contract over a real temporary directory. */
class DirectorySourceContractTest extends ArrivalSourceContract {

    @TempDir
    Path tmp;

    /** Each write gets a later mtime than the last, so a listing sees it even within one clock tick. */
    private Instant lastWrite = Instant.now().minusSeconds(3600);

    private Path root() {
        return tmp.resolve("landing");
    }

    @Override
    protected ArrivalSource newSource() {
        try {
            Files.createDirectories(root());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return DirectorySource.builder(root()).settle(Duration.ZERO).rescanInterval(Duration.ofMillis(100)).build();
    }

    @Override
    protected void put(String key, String content) {
        try {
            Path file = root().resolve(key);
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
            lastWrite = lastWrite.plusSeconds(1);
            Files.setLastModifiedTime(file, FileTime.from(lastWrite));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected void delete(String key) {
        try {
            Files.delete(root().resolve(key));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected void hide() {
        move(root(), tmp.resolve("moved-away"));
    }

    @Override
    protected void reveal() {
        move(tmp.resolve("moved-away"), root());
    }

    private static void move(Path from, Path to) {
        try {
            Files.move(from, to);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
