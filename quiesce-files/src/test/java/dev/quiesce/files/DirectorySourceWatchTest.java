package dev.quiesce.files;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.quiesce.Arrival;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** {@link DirectorySource#start}: the watch service and the periodic rescan, observed with Awaitility. */
class DirectorySourceWatchTest {

    private static final Duration WITHIN = ofSeconds(10);

    @TempDir
    Path dir;

    private final List<Arrival> arrivals = new CopyOnWriteArrayList<>();
    private DirectorySource source;

    @AfterEach
    void closeSource() {
        if (source != null) {
            source.close();
        }
    }

    @Test
    void startEmitsExistingFilesBeforeReturning() throws IOException {
        Files.writeString(dir.resolve("a.csv"), "abc");

        source = DirectorySource.builder(dir).settle(Duration.ZERO).build();
        source.start(arrivals::add);

        assertThat(arrivals).extracting(Arrival::key).containsExactly("a.csv");
    }

    @Test
    void fileWrittenAfterStartIsSeen() throws IOException {
        source = DirectorySource.builder(dir).settle(Duration.ZERO).rescanInterval(Duration.ofMillis(200)).build();
        source.start(arrivals::add);

        Files.writeString(dir.resolve("late.csv"), "hello");

        await().atMost(WITHIN).untilAsserted(() -> assertThat(arrivals)
                .extracting(Arrival::kind, Arrival::key, Arrival::size)
                .contains(tuple(Arrival.Kind.CREATED, "late.csv", 5L)));
    }

    @Test
    void fileInNewNestedSubdirectoriesIsSeen() throws IOException {
        source = DirectorySource.builder(dir).settle(Duration.ZERO).rescanInterval(Duration.ofMillis(200)).build();
        source.start(arrivals::add);

        Path deep = Files.createDirectories(dir.resolve("2024/05/01"));
        Files.writeString(deep.resolve("part-0.json"), "{}");

        await().atMost(WITHIN).untilAsserted(() -> assertThat(arrivals)
                .extracting(Arrival::key).contains("2024/05/01/part-0.json"));
    }

    @Test
    @EnabledOnOs(OS.LINUX) // the Linux watch service is event-driven; others may poll every 10 s
    void watchServiceAloneSeesNewFilesNewDirectoriesAndDeletions() throws IOException {
        source = DirectorySource.builder(dir).settle(Duration.ZERO).rescanInterval(Duration.ofHours(1)).build();
        source.start(arrivals::add);

        Path sub = Files.createDirectories(dir.resolve("sub/deeper"));
        Files.writeString(sub.resolve("a.csv"), "abc");
        await().atMost(WITHIN).untilAsserted(() -> assertThat(arrivals)
                .extracting(Arrival::key).contains("sub/deeper/a.csv"));
        Files.writeString(sub.resolve("b.csv"), "b");
        await().atMost(WITHIN).untilAsserted(() -> assertThat(arrivals)
                .extracting(Arrival::key).contains("sub/deeper/b.csv"));

        Files.delete(sub.resolve("a.csv"));

        await().atMost(WITHIN).untilAsserted(() -> assertThat(arrivals)
                .extracting(Arrival::kind, Arrival::key)
                .contains(tuple(Arrival.Kind.REMOVED, "sub/deeper/a.csv")));
        assertThat(arrivals).filteredOn(a -> a.kind() == Arrival.Kind.REMOVED).hasSize(1);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void watchServiceAloneReportsEveryFileOfADeletedDirectoryAndNothingBeside() throws IOException {
        Path sub = Files.createDirectories(dir.resolve("sub/deeper"));
        Files.writeString(sub.resolve("a.csv"), "a");
        Files.writeString(dir.resolve("sub/b.csv"), "b");
        Files.writeString(dir.resolve("sub.csv"), "c");
        Files.createDirectories(dir.resolve("sub2"));
        Files.writeString(dir.resolve("sub2/d.csv"), "d");
        source = DirectorySource.builder(dir).settle(Duration.ZERO).rescanInterval(Duration.ofHours(1)).build();
        source.start(arrivals::add);
        arrivals.clear();

        Files.delete(sub.resolve("a.csv"));
        Files.delete(sub);
        Files.delete(dir.resolve("sub/b.csv"));
        Files.delete(dir.resolve("sub"));

        await().atMost(WITHIN).untilAsserted(() -> assertThat(arrivals)
                .extracting(Arrival::kind, Arrival::key)
                .containsExactlyInAnyOrder(
                        tuple(Arrival.Kind.REMOVED, "sub/deeper/a.csv"), tuple(Arrival.Kind.REMOVED, "sub/b.csv")));
        assertThat(source.scanOnce(arrivals::add)).isZero();
    }

    @Test
    void deletionAfterStartEmitsOneRemoval() throws IOException {
        Files.writeString(dir.resolve("a.csv"), "abc");
        source = DirectorySource.builder(dir).settle(Duration.ZERO).rescanInterval(Duration.ofMillis(200)).build();
        source.start(arrivals::add);

        Files.delete(dir.resolve("a.csv"));

        await().atMost(WITHIN).untilAsserted(() -> assertThat(arrivals)
                .extracting(Arrival::kind, Arrival::key)
                .contains(tuple(Arrival.Kind.REMOVED, "a.csv")));
        assertThat(source.scanOnce(arrivals::add)).isZero();
        assertThat(arrivals).filteredOn(a -> a.kind() == Arrival.Kind.REMOVED).hasSize(1);
    }

    @Test
    void tmpFileRenamedAfterStartIsSeenUnderItsFinalNameOnly() throws IOException {
        source = DirectorySource.builder(dir).settle(Duration.ZERO).rescanInterval(Duration.ofMillis(200)).build();
        source.start(arrivals::add);

        Path tmp = Files.writeString(dir.resolve("x.tmp"), "abc");
        Files.move(tmp, dir.resolve("x"));

        await().atMost(WITHIN).untilAsserted(() -> assertThat(arrivals).extracting(Arrival::key).contains("x"));
        assertThat(arrivals).extracting(Arrival::key).doesNotContain("x.tmp");
    }

    @Test
    void sinkFailureInTheBackgroundIsRetried() throws IOException {
        AtomicInteger failuresLeft = new AtomicInteger(2);
        source = DirectorySource.builder(dir).settle(Duration.ZERO).rescanInterval(Duration.ofMillis(100)).build();
        source.start(a -> {
            if (failuresLeft.getAndDecrement() > 0) {
                throw new IllegalStateException("store briefly down");
            }
            arrivals.add(a);
        });

        Files.writeString(dir.resolve("a.csv"), "abc");

        await().atMost(WITHIN).untilAsserted(() -> assertThat(arrivals).extracting(Arrival::key).contains("a.csv"));
        assertThat(failuresLeft.get()).isNegative();
    }

    @Test
    void startingTwiceIsRejected() {
        source = DirectorySource.builder(dir).settle(Duration.ZERO).build();
        source.start(arrivals::add);

        assertThatThrownBy(() -> source.start(arrivals::add)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void sinkFailureDuringTheFirstScanPropagatesAndClosesTheSource() throws IOException {
        Files.writeString(dir.resolve("a.csv"), "abc");
        source = DirectorySource.builder(dir).settle(Duration.ZERO).build();
        RuntimeException boom = new IllegalStateException("store down");

        assertThatThrownBy(() -> source.start(a -> {
            throw boom;
        })).isSameAs(boom);
        assertThatThrownBy(() -> source.scanOnce(arrivals::add)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closeStopsTheBackgroundThreads() {
        source = DirectorySource.builder(dir).settle(Duration.ZERO).rescanInterval(Duration.ofMillis(50)).build();
        source.start(arrivals::add);
        assertThat(sourceThreads()).isNotEmpty();

        source.close();
        source.close();

        await().atMost(WITHIN).untilAsserted(() -> assertThat(sourceThreads()).isEmpty());
    }

    private static List<String> sourceThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith("quiesce-directory-"))
                .toList();
    }
}
