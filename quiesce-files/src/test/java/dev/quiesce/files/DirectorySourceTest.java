package dev.quiesce.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.quiesce.Arrival;
import dev.quiesce.InvalidConfigurationException;
import dev.quiesce.Tally;
import dev.quiesce.memory.InMemoryTallyStore;
import dev.quiesce.port.contract.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deterministic behaviour of {@link DirectorySource}, driven by {@link DirectorySource#scanOnce}. */
class DirectorySourceTest {

    private static final Instant T1 = Instant.parse("2024-05-01T00:00:00Z");
    private static final Instant T2 = Instant.parse("2024-05-01T00:01:00Z");
    private static final Instant NOW = Instant.parse("2024-05-01T01:00:00Z");

    @TempDir
    Path dir;

    private final MutableClock clock = MutableClock.at(NOW);
    private final List<Arrival> arrivals = new ArrayList<>();

    @Test
    void initialScanEmitsEveryFileWithRelativeKeySizeAndModifiedTime() throws IOException {
        write("a.csv", "abc", T1);
        write("sub/b.csv", "hello", T1);
        write("sub/deeper/c.json", "{}", T2);
        DirectorySource source = source().build();

        int emitted = source.scanOnce(arrivals::add);

        assertThat(emitted).isEqualTo(3);
        assertThat(source.bucket()).isEqualTo(dir.toAbsolutePath().normalize().toString());
        assertThat(arrivals)
                .extracting(Arrival::kind, Arrival::bucket, Arrival::key, Arrival::size, Arrival::eventTime,
                        Arrival::dedupeToken)
                .containsExactlyInAnyOrder(
                        tuple(Arrival.Kind.CREATED, source.bucket(), "a.csv", 3L, T1, nanos(T1) + ":3"),
                        tuple(Arrival.Kind.CREATED, source.bucket(), "sub/b.csv", 5L, T1, nanos(T1) + ":5"),
                        tuple(Arrival.Kind.CREATED, source.bucket(), "sub/deeper/c.json", 2L, T2, nanos(T2) + ":2"));
    }

    @Test
    void emptyDirectoryEmitsNothing() {
        assertThat(source().build().scanOnce(arrivals::add)).isZero();
        assertThat(arrivals).isEmpty();
    }

    @Test
    void rescanOfUnchangedFilesEmitsNothing() throws IOException {
        write("a.csv", "abc", T1);
        write("sub/b.csv", "hello", T1);
        DirectorySource source = source().build();
        source.scanOnce(arrivals::add);
        arrivals.clear();

        assertThat(source.scanOnce(arrivals::add)).isZero();
        assertThat(source.scanOnce(arrivals::add)).isZero();
        assertThat(arrivals).isEmpty();
    }

    @Test
    void anotherSourceOverTheSameFilesEmitsTheSameTokens() throws IOException {
        write("a.csv", "abc", T1);
        List<Arrival> first = new ArrayList<>();
        source().build().scanOnce(first::add);

        source().build().scanOnce(arrivals::add);

        assertThat(arrivals).isEqualTo(first);
    }

    @Test
    void overwrittenFileEmitsNewArrivalForSameKeyWithNewToken() throws IOException {
        write("a.csv", "abc", T1);
        DirectorySource source = source().build();
        source.scanOnce(arrivals::add);
        write("a.csv", "abcdef", T2);

        assertThat(source.scanOnce(arrivals::add)).isEqualTo(1);

        assertThat(arrivals).hasSize(2);
        Arrival overwrite = arrivals.get(1);
        assertThat(overwrite.kind()).isEqualTo(Arrival.Kind.CREATED);
        assertThat(overwrite.key()).isEqualTo("a.csv");
        assertThat(overwrite.size()).isEqualTo(6);
        assertThat(overwrite.eventTime()).isEqualTo(T2);
        assertThat(overwrite.dedupeToken()).isEqualTo(nanos(T2) + ":6").isNotEqualTo(arrivals.get(0).dedupeToken());
    }

    @Test
    void sameSizeRewriteWithNewModifiedTimeIsAChange() throws IOException {
        write("a.csv", "abc", T1);
        DirectorySource source = source().build();
        source.scanOnce(arrivals::add);
        write("a.csv", "xyz", T2);

        assertThat(source.scanOnce(arrivals::add)).isEqualTo(1);
        assertThat(arrivals.get(1).dedupeToken()).isNotEqualTo(arrivals.get(0).dedupeToken());
    }

    @Test
    void rewriteWithOlderModifiedTimeIsOrderedAfterThePreviousVersion() throws IOException {
        write("a.csv", "abcdef", T2);
        DirectorySource source = source().build();
        source.scanOnce(arrivals::add);
        write("a.csv", "abc", T1); // e.g. restored with cp -p

        source.scanOnce(arrivals::add);

        Arrival restored = arrivals.get(1);
        assertThat(restored.eventTime()).isEqualTo(T2.plusNanos(1));
        assertThat(Arrival.VERSION_ORDER.compare(restored, arrivals.get(0))).isPositive();
        assertThat(restored.dedupeToken()).startsWith(nanos(T1) + ":3").isNotEqualTo(arrivals.get(0).dedupeToken());
        assertThat(source.scanOnce(arrivals::add)).isZero();
    }

    @Test
    void deletedFileEmitsOneRemovalStampedWithTheClock() throws IOException {
        write("keep.csv", "k", T1);
        write("sub/a.csv", "abc", T1);
        DirectorySource source = source().build();
        source.scanOnce(arrivals::add);
        arrivals.clear();
        Files.delete(dir.resolve("sub/a.csv"));

        assertThat(source.scanOnce(arrivals::add)).isEqualTo(1);
        assertThat(source.scanOnce(arrivals::add)).isZero();

        assertThat(arrivals).containsExactly(
                Arrival.removed(source.bucket(), "sub/a.csv", NOW, "removed:" + nanos(T1) + ":3"));
    }

    @Test
    void deletedDirectoryEmitsARemovalForEachFileInIt() throws IOException {
        write("sub/a.csv", "a", T1);
        write("sub/deeper/b.csv", "b", T1);
        write("other.csv", "o", T1);
        DirectorySource source = source().build();
        source.scanOnce(arrivals::add);
        arrivals.clear();
        deleteTree(dir.resolve("sub"));

        assertThat(source.scanOnce(arrivals::add)).isEqualTo(2);

        assertThat(arrivals).extracting(Arrival::kind, Arrival::key).containsExactly(
                tuple(Arrival.Kind.REMOVED, "sub/a.csv"), tuple(Arrival.Kind.REMOVED, "sub/deeper/b.csv"));
    }

    @Test
    void removalIsOrderedAfterACreationStampedInTheFuture() throws IOException {
        Instant future = NOW.plus(Duration.ofDays(1));
        write("a.csv", "abc", future);
        DirectorySource source = source().build();
        source.scanOnce(arrivals::add);
        Files.delete(dir.resolve("a.csv"));

        source.scanOnce(arrivals::add);

        assertThat(arrivals.get(1).eventTime()).isEqualTo(future.plusNanos(1));
    }

    @Test
    void fileMovedAwayAndBackCountsAgainInTheStore() throws IOException {
        write("a.csv", "abc", T1);
        DirectorySource source = source().build();
        InMemoryTallyStore store = new InMemoryTallyStore();
        dev.quiesce.port.ArrivalSink sink = a -> store.record("ds", a, a.eventTime());
        source.scanOnce(sink);
        Files.move(dir.resolve("a.csv"), dir.resolve("a.csv.bak.tmp"));
        source.scanOnce(sink);
        assertThat(store.tally("ds").objects()).isZero();
        Files.move(dir.resolve("a.csv.bak.tmp"), dir.resolve("a.csv")); // same mtime, same size

        assertThat(source.scanOnce(sink)).isEqualTo(1);

        Tally tally = store.tally("ds");
        assertThat(tally.objects()).isEqualTo(1);
        assertThat(tally.bytes()).isEqualTo(3);
        assertThat(tally.removals()).isEqualTo(1);
    }

    @Test
    void storeFedBySourceAgreesWithTheDirectoryAfterChurn() throws IOException {
        DirectorySource source = source().build();
        InMemoryTallyStore store = new InMemoryTallyStore();
        dev.quiesce.port.ArrivalSink sink = a -> store.record("ds", a, a.eventTime());
        write("a.csv", "aaaa", T1);
        write("b/b.csv", "bb", T1);
        source.scanOnce(sink);
        write("a.csv", "a", T2);
        Files.delete(dir.resolve("b/b.csv"));
        write("c.csv", "ccccc", T2);
        source.scanOnce(sink);
        write("b/b.csv", "bbb", T1);
        source.scanOnce(sink);
        source.scanOnce(sink);

        Tally tally = store.tally("ds");
        assertThat(tally.objects()).isEqualTo(3);
        assertThat(tally.bytes()).isEqualTo(1 + 5 + 3);
        assertThat(tally.removals()).isEqualTo(1);
    }

    @Test
    void hiddenAndInProgressFilesAreIgnoredAtAnyDepth() throws IOException {
        write(".hidden", "x", T1);
        write("x.tmp", "x", T1);
        write("sub/y.TMP", "x", T1);
        write("sub/y.part", "x", T1);
        write("sub/deeper/z.crdownload", "x", T1);
        write(".git/config", "x", T1);
        write("sub/.cache/f.csv", "x", T1);
        write("_temporary/0/part-00000", "x", T1);
        write("out/_temporary/0/part-00000", "x", T1);
        write("out/part-00000.csv", "x", T1);
        write("out/_SUCCESS", "", T1);
        write("_SUCCESS", "", T1);
        write("notes.tmp.csv", "x", T1);

        source().build().scanOnce(arrivals::add);

        assertThat(arrivals).extracting(Arrival::key)
                .containsExactlyInAnyOrder("out/part-00000.csv", "out/_SUCCESS", "_SUCCESS", "notes.tmp.csv");
    }

    @Test
    void rootInsideAHiddenDirectoryIsStillWatched() throws IOException {
        Path root = Files.createDirectories(dir.resolve(".staging/landing"));
        Files.writeString(root.resolve("a.csv"), "abc");

        DirectorySource.builder(root).settle(Duration.ZERO).build().scanOnce(arrivals::add);

        assertThat(arrivals).extracting(Arrival::key).containsExactly("a.csv");
    }

    @Test
    void fileRenamedFromTmpToFinalNameIsPickedUp() throws IOException {
        write("sub/x.tmp", "abc", T1);
        DirectorySource source = source().build();
        assertThat(source.scanOnce(arrivals::add)).isZero();

        Files.move(dir.resolve("sub/x.tmp"), dir.resolve("sub/x"));

        assertThat(source.scanOnce(arrivals::add)).isEqualTo(1);
        assertThat(arrivals).extracting(Arrival::kind, Arrival::key, Arrival::size)
                .containsExactly(tuple(Arrival.Kind.CREATED, "sub/x", 3L));
    }

    @Test
    void includeGlobWithoutSlashMatchesFileNamesAtAnyDepth() throws IOException {
        write("a.csv", "x", T1);
        write("sub/deeper/b.csv", "x", T1);
        write("sub/c.json", "x", T1);

        source().include("*.csv").build().scanOnce(arrivals::add);

        assertThat(arrivals).extracting(Arrival::key).containsExactlyInAnyOrder("a.csv", "sub/deeper/b.csv");
    }

    @Test
    void includeGlobWithSlashMatchesTheWholeRelativePath() throws IOException {
        write("data/a.csv", "x", T1);
        write("data/deeper/b.csv", "x", T1);
        write("other/c.csv", "x", T1);

        source().include("data/*.csv").build().scanOnce(arrivals::add);

        assertThat(arrivals).extracting(Arrival::key).containsExactly("data/a.csv");
    }

    @Test
    void severalIncludeGlobsCountAFileMatchingAnyOfThem() throws IOException {
        write("a.csv", "x", T1);
        write("b.json", "x", T1);
        write("c.txt", "x", T1);

        source().include("*.csv").include("*.json").build().scanOnce(arrivals::add);

        assertThat(arrivals).extracting(Arrival::key).containsExactlyInAnyOrder("a.csv", "b.json");
    }

    @Test
    void excludeGlobsDropMatchingFiles() throws IOException {
        write("a.csv", "x", T1);
        write("sub/a.log", "x", T1);
        write("archive/old.csv", "x", T1);
        write("archive/deeper/older.csv", "x", T1);
        write("keep/archive.csv", "x", T1);

        source().exclude("*.log", "archive/**").build().scanOnce(arrivals::add);

        assertThat(arrivals).extracting(Arrival::key).containsExactlyInAnyOrder("a.csv", "keep/archive.csv");
    }

    @Test
    void fileThatStartsMatchingAnExcludeIsReportedRemovedWhenItGoes() throws IOException {
        write("a.csv", "x", T1);
        DirectorySource source = source().build();
        source.scanOnce(arrivals::add);
        Files.move(dir.resolve("a.csv"), dir.resolve(".a.csv"));

        source.scanOnce(arrivals::add);

        assertThat(arrivals).extracting(Arrival::kind, Arrival::key)
                .containsExactly(tuple(Arrival.Kind.CREATED, "a.csv"), tuple(Arrival.Kind.REMOVED, "a.csv"));
    }

    @Test
    void missingRootIsRejectedWithHowToFix() {
        Path missing = dir.resolve("nope");

        assertThatThrownBy(() -> DirectorySource.builder(missing).build())
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("does not exist")
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("create it");
    }

    @Test
    void fileAsRootIsRejected() throws IOException {
        Path file = Files.writeString(dir.resolve("a.csv"), "x");

        assertThatThrownBy(() -> DirectorySource.builder(file).build())
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("not a directory")
                .hasMessageContaining(file.toString());
    }

    @Test
    void unreadableRootIsRejected() throws IOException {
        Path locked = Files.createDirectory(dir.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        try {
            assumeTrue(!Files.isReadable(locked), "running as a user who can read anything (root)");

            assertThatThrownBy(() -> DirectorySource.builder(locked).build())
                    .isInstanceOf(InvalidConfigurationException.class)
                    .hasMessageContaining("not readable")
                    .hasMessageContaining("chmod");
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void invalidGlobIsRejectedNamingIt() {
        assertThatThrownBy(() -> source().include("{a,b"))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("include glob '{a,b'");
        assertThatThrownBy(() -> source().exclude("[a-"))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("exclude glob '[a-'");
        assertThatThrownBy(() -> source().exclude(" "))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("blank");
    }

    @Test
    void nonPositiveRescanIntervalIsRejected() {
        assertThatThrownBy(() -> source().rescanInterval(Duration.ZERO))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("rescan interval");
        assertThatThrownBy(() -> source().rescanInterval(Duration.ofSeconds(-1)))
                .isInstanceOf(InvalidConfigurationException.class);
        assertThat(source().build().rescanInterval()).isEqualTo(DirectorySource.DEFAULT_RESCAN_INTERVAL);
    }

    @Test
    void sinkFailurePropagatesAndTheArrivalIsEmittedAgainOnTheNextPass() throws IOException {
        write("a.csv", "a", T1);
        write("b.csv", "b", T1);
        DirectorySource source = source().build();
        RuntimeException boom = new IllegalStateException("store down");

        assertThatThrownBy(() -> source.scanOnce(a -> {
            if (a.key().equals("b.csv")) {
                throw boom;
            }
            arrivals.add(a);
        })).isSameAs(boom);
        assertThat(source.scanOnce(arrivals::add)).isEqualTo(1);

        assertThat(arrivals).extracting(Arrival::key).containsExactly("a.csv", "b.csv");
    }

    @Test
    void closeIsIdempotentAndScanningAfterItIsRejected() {
        DirectorySource source = source().build();
        source.close();
        source.close();

        assertThatThrownBy(() -> source.scanOnce(arrivals::add)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> source.start(arrivals::add)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void reusingABuilderDoesNotChangeASourceItBuilt() throws IOException {
        write("a.csv", "x", T1);
        write("b.json", "x", T1);
        DirectorySource.Builder builder = source().include("*.csv");
        DirectorySource csvOnly = builder.build();
        builder.include("*.json");

        csvOnly.scanOnce(arrivals::add);

        assertThat(arrivals).extracting(Arrival::key).containsExactly("a.csv");
    }

    private DirectorySource.Builder source() {
        return DirectorySource.builder(dir).settle(Duration.ZERO).clock(clock);
    }

    private void write(String key, String content, Instant modified) throws IOException {
        Path file = dir.resolve(key);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        Files.setLastModifiedTime(file, FileTime.from(modified));
    }

    private static String nanos(Instant t) {
        return Long.toString(t.getEpochSecond() * 1_000_000_000L + t.getNano());
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
