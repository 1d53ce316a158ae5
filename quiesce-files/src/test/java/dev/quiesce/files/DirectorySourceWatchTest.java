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

    @Test
    void aRescanThatTakesLongIsPacedOutWhileEventsStillBringNewFiles() throws IOException {
        // a virtual clock the sink moves on by 1 s whenever a pass ends: every full pass "takes" 1 s
        dev.quiesce.port.contract.MutableClock clock = dev.quiesce.port.contract.MutableClock.at("2024-05-01T00:00:00Z");
        List<String> sight = new CopyOnWriteArrayList<>();
        dev.quiesce.port.ArrivalSink sink = new dev.quiesce.port.ArrivalSink() {
            @Override
            public void accept(Arrival a) {
                arrivals.add(a);
            }

            @Override
            public void blind(String reason) {
                sight.add("blind: " + reason);
            }

            @Override
            public void seeing() {
                sight.add("seeing");
                clock.advance(Duration.ofSeconds(1));
            }
        };
        source = DirectorySource.builder(dir).settle(Duration.ZERO).rescanInterval(Duration.ofMillis(50))
                .clock(clock).build();
        assertThat(source.currentRescanInterval()).isEqualTo(Duration.ofMillis(50));
        source.start(sink);

        // 1 s a pass, 1 % of the time: the next rescan is 100 s away (5 min at most), not 50 ms
        await().atMost(WITHIN).until(() -> source.currentRescanInterval().equals(Duration.ofSeconds(100)));
        int passes = (int) sight.stream().filter("seeing"::equals).count();
        Files.writeString(dir.resolve("new.csv"), "n");
        await().atMost(WITHIN).untilAsserted(() -> assertThat(arrivals).extracting(Arrival::key).contains("new.csv"));
        assertThat(sight.stream().filter("seeing"::equals).count()).as("no further full rescan").isEqualTo(passes);
        assertThat(sight).noneMatch(s -> s.startsWith("blind: "));
    }

    @Test
    void aBatchingSinkGetsTheFilesOfAPassInBatches() throws IOException {
        for (int i = 0; i < DirectorySource.BATCH + 10; i++) {
            Files.writeString(dir.resolve("f-" + i + ".csv"), "x");
        }
        List<Integer> batches = new CopyOnWriteArrayList<>();
        dev.quiesce.port.ArrivalSink sink = new dev.quiesce.port.ArrivalSink() {
            @Override
            public void accept(Arrival a) {
                arrivals.add(a);
                batches.add(1);
            }

            @Override
            public void acceptAll(List<Arrival> batch) {
                arrivals.addAll(batch);
                batches.add(batch.size());
            }
        };
        source = DirectorySource.builder(dir).settle(Duration.ZERO).build();
        assertThat(source.scanOnce(sink)).isEqualTo(DirectorySource.BATCH + 10);
        assertThat(batches).containsExactly(DirectorySource.BATCH, 10);
        assertThat(arrivals).extracting(Arrival::key).doesNotHaveDuplicates().hasSize(DirectorySource.BATCH + 10);
        assertThat(source.scanOnce(sink)).as("all recorded as reported").isZero();
    }
}
