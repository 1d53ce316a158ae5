package dev.quiesce.files;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;
import static java.util.Objects.requireNonNull;

import dev.quiesce.Arrival;
import dev.quiesce.Blindness;
import dev.quiesce.KeyFilter;
import dev.quiesce.RecordCounter;
import java.io.InputStream;
import dev.quiesce.port.ArrivalBatch;
import dev.quiesce.port.ArrivalSink;
import dev.quiesce.port.ArrivalSource;
import dev.quiesce.source.KnownObjects;
import dev.quiesce.source.PollingLoop;
import dev.quiesce.source.RescanPacing;
import dev.quiesce.Durations;
import dev.quiesce.InvalidConfigurationException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns files landing in a directory tree into {@link Arrival}s, so {@code quiesce watch DIR} can
 * tell when files stop landing.
 *
 * <p><b>What it emits.</b> Each arrival's bucket is {@link #bucket()}, the root's real path (a symlink
 * given as the root is followed); its key is the file's path relative to the root with {@code /}
 * separators. A file seen for the first time, or whose last-modified time or size changed, gives one
 * {@link Arrival#created created} arrival once it has kept that size and time for the
 * {@link Builder#settle settle} time: size is the file size, event time its last-modified time, version
 * {@code <last-modified epoch nanos>:<size>}. A file gone at a later pass gives one
 * {@link Arrival#removed removed} arrival. Tokens and event times follow {@link KnownObjects}, the rules
 * every listing source shares. A new source (after a restart) re-emits every file with the same tokens,
 * which stores count once, but cannot report removals that happened while no source was running.
 *
 * <p><b>Sight.</b> The sink hears {@link ArrivalSink#blind blind} when a full pass cannot read the root
 * (gone, unreadable) or a subtree, and when the source is behind: watch events overflowed, a pass has been
 * walking for over 500 ms (see below for the safety-net rescan), or files are still being written; it hears {@link ArrivalSink#seeing seeing}
 * after a full pass that read everything with nothing left unsettled. Links inside the tree are followed;
 * a link back to a directory being walked is skipped, so a cycle ends.
 *
 * <p><b>Which files count.</b> Files still being written are ignored: hidden files and everything
 * in hidden directories (names starting with {@code .}), everything in {@code _temporary}
 * directories (Hadoop and Spark staging), and files named {@code *.tmp}, {@code *.part} or
 * {@code *.crdownload}; completion markers such as {@code _SUCCESS} count. When such a file is
 * renamed to its final name, the final name is a new file and counts. Of the other files, those
 * matching an {@link Builder#include include} glob (default {@code **}, everything) and no
 * {@link Builder#exclude exclude} glob (default none) count. A glob without {@code /} matches the
 * relative path or the file name, so {@code *.csv} matches at any depth; a glob with {@code /}
 * matches the whole relative path ({@code data/*.csv} only directly under {@code data}). Only
 * regular files count (a link to one counts as the file).
 *
 * <p><b>Watching.</b> {@link #scanOnce} walks the tree once. {@link #start} scans, then follows
 * the tree with a {@link WatchService} (registering new subdirectories as they appear): one thread only
 * reads its events (the JDK reports an overflow past 512 unread events of a directory), another walks the
 * paths they name, a whole burst in one pass. A full rescan every {@link Builder#rescanInterval rescan
 * interval} (default 2 s) is the safety net that picks up whatever the watch service missed: overflowed
 * events, files created before their directory was registered, platforms whose watch service polls. Its
 * interval grows with the time a rescan takes ({@link RescanPacing}: a hundred times as long, at most
 * 5 minutes), so watching a large tree costs about 1 % of a core rather than a rescan after rescan; see
 * {@link #currentRescanInterval}. A safety-net rescan that finds nothing and keeps no one waiting does
 * not say it is behind, however long it walks. Files that vanish or cannot be read during a pass are
 * skipped for that pass and looked at again on the next one; a failing pass in the background is logged
 * at WARN and retried.
 *
 * <p><b>Batches and memory.</b> A pass hands what it finds to the sink in batches of up to {@value #BATCH}
 * ({@link ArrivalSink#acceptAll} when the sink overrides it, else one by one inside an {@link ArrivalBatch},
 * which a monitor behind the sink joins), as it walks each directory, never holding the whole tree's
 * listing; what it knows per file is kept compactly by {@link KnownObjects}.
 *
 * <p><b>Thread safety.</b> Instances are thread-safe: passes (from {@link #scanOnce}, the watch
 * thread and the rescan thread) run one at a time, and the sink is only ever called by one thread
 * at a time. {@link #close()} stops the background threads; it is idempotent.
 *
 * <pre>{@code
 * try (DirectorySource source = DirectorySource.builder(Path.of("/data/landing"))
 *         .include("*.json.gz")
 *         .exclude("archive/**")
 *         .build()) {
 *     source.start(arrival -> monitor.accept(arrival));
 *     ...
 * }
 * }</pre>
 */
public final class DirectorySource implements ArrivalSource {

    /** Time between full rescans unless {@link Builder#rescanInterval} says otherwise: 2 s. */
    public static final Duration DEFAULT_RESCAN_INTERVAL = Duration.ofSeconds(2);
    /** How long a new or changed file must stay unchanged before it counts, unless {@link Builder#settle} says otherwise: 1 s. */
    public static final Duration DEFAULT_SETTLE = Duration.ofSeconds(1);
    /** The include glob used when none is given: every file. */
    public static final String DEFAULT_INCLUDE = "**";

    private static final Logger LOG = LoggerFactory.getLogger(DirectorySource.class);
    private static final long CLOSE_WAIT_MILLIS = 5_000;

    private final Path root;
    private final String bucket;
    private final KeyFilter filter;
    private final Duration rescanInterval;
    private final Clock clock;

    /** Guards {@link #known}, {@link #unsettled} and every pass; the sink is only called while holding it. */
    private final Object passLock = new Object();
    /** Per key, what was last emitted; a removed key stays as a tombstone so its event times keep growing. */
    private final KnownObjects known;

    /** Guards starting and closing. */
    private final Object lifecycleLock = new Object();
    private volatile boolean closed;
    private boolean started;
    private volatile WatchService watcher;
    private final Map<WatchKey, Path> watchedDirs = new ConcurrentHashMap<>();
    private final Set<Path> registeredDirs = ConcurrentHashMap.newKeySet();
    private Thread watchThread;
    private volatile PollingLoop rescans;

    private final boolean countRecords;
    private final Duration settle;
    private final OpenForWriting openForWriting = new OpenForWriting();
    /** New or changed files not yet counted because they were still changing; guarded by {@link #passLock}. */
    private final Map<String, Unsettled> unsettled = new TreeMap<>();
    private final java.util.concurrent.atomic.AtomicBoolean settlePassPending = new java.util.concurrent.atomic.AtomicBoolean();
    /** A pass still walking after this long tells its sink it is behind. */
    private static final long BEHIND_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /** Queued event paths beyond which a full pass replaces them. */
    private static final int MAX_QUEUED_EVENTS = 200_000;
    /** Guards {@link #queuedEvents} and {@link #queuedOverflow}, handed from the watch thread to the event thread. */
    private final Object eventsLock = new Object();
    private Map<Path, Boolean> queuedEvents = new LinkedHashMap<>();
    private boolean queuedOverflow;
    private Thread eventThread;
    /** Arrivals handed to the sink at once: one store transaction each. */
    static final int BATCH = 2000;
    /** How often the tree is rescanned in full, after how long the last full rescan took. */
    private final RescanPacing pacing;
    /** Threads waiting for the pass lock: a rescan that keeps them waiting is behind. */
    private final java.util.concurrent.atomic.AtomicInteger waitingForPass = new java.util.concurrent.atomic.AtomicInteger();
    /** Whether the last full pass read everything; with {@link #lastBlind}, what a later pass reports as sight. */
    private boolean sightClear = true;
    private String lastBlind;
    /** Whether the sink was last told files are still being written; guarded by {@link #passLock}. */
    private boolean heldForUnsettled;

    private DirectorySource(Path root, KeyFilter filter, Duration rescanInterval, Clock clock, boolean countRecords,
                            Duration settle) {
        this.countRecords = countRecords;
        this.settle = settle;
        this.root = root;
        this.bucket = root.toString();
        this.known = new KnownObjects(bucket);
        this.filter = filter;
        this.rescanInterval = rescanInterval;
        this.pacing = RescanPacing.over(rescanInterval);
        this.clock = clock;
    }

    /**
     * Starts configuring a source over the directory tree at {@code root}; the root is checked by
     * {@link Builder#build()}.
     *
     * @throws NullPointerException if {@code root} is null
     */
    public static Builder builder(Path root) {
        return new Builder(root);
    }

    /** The bucket of every arrival this source emits: the root's absolute normalized path. */
    public String bucket() {
        return bucket;
    }

    /** How long between full rescans once {@link #start started}. */
    public Duration rescanInterval() {
        return rescanInterval;
    }

    /**
     * Walks the whole tree once, emitting an arrival for every file that is new or changed since the
     * last pass and for every file that has gone; returns how many arrivals it emitted.
     *
     * <p>Runs on the calling thread, one pass at a time with the background threads. Files that
     * vanish or cannot be read during the walk are skipped and looked at again on the next pass; if
     * the root itself cannot be read the pass emits nothing (logged at WARN). An exception thrown by
     * the sink propagates; the arrival it was given and those after it are emitted again on the
     * next pass.
     *
     * @throws NullPointerException if {@code sink} is null
     * @throws IllegalStateException if the source is closed
     */
    public int scanOnce(ArrivalSink sink) {
        requireNonNull(sink, "sink");
        if (closed) {
            throw new IllegalStateException("directory source for " + bucket + " is closed");
        }
        return pass(List.of(root), sink, false, false);
    }

    /**
     * Scans the tree, then follows it in the background: a watch thread reacts to file system
     * events and a rescan thread walks the whole tree every rescan interval. Both are daemon
     * threads; {@link #close()} stops them.
     *
     * <p>The first scan runs on the calling thread and an exception from the sink during it
     * propagates (the source is then closed). Later, the sink is called from the background threads,
     * one call at a time; an exception it throws there is logged at WARN and the arrival is emitted
     * again on the next pass, so the sink should be idempotent (tally stores are).
     *
     * @throws NullPointerException if {@code sink} is null
     * @throws IllegalStateException if the source was already started or is closed
     * @throws java.io.UncheckedIOException if the file system offers no watch service
     */
    public void start(ArrivalSink sink) {
        requireNonNull(sink, "sink");
        synchronized (lifecycleLock) {
            if (closed) {
                throw new IllegalStateException("directory source for " + bucket + " is closed");
            }
            if (started) {
                throw new IllegalStateException("directory source for " + bucket + " is already started");
            }
            started = true;
            try {
                watcher = root.getFileSystem().newWatchService();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot watch " + bucket + ": " + e.getMessage(), e);
            }
        }
        int emitted;
        try {
            emitted = pass(List.of(root), sink, false, false); // registers every directory it walks
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        synchronized (lifecycleLock) {
            if (closed) {
                return;
            }
            watchThread = new Thread(this::watchLoop, "quiesce-directory-watch");
            watchThread.setDaemon(true);
            watchThread.start();
            eventThread = new Thread(() -> eventLoop(sink), "quiesce-directory-events");
            eventThread.setDaemon(true);
            eventThread.start();
            rescans = new PollingLoop("quiesce-directory-rescan", pacing::next, () -> safetyNetRescan(sink));
            rescans.start();
        }
        LOG.info("source.started root={} emitted={} watchedDirs={} rescanInterval={} {}",
                bucket, emitted, registeredDirs.size(), Durations.format(rescanInterval), filter);
    }

    /**
     * Stops the watch and rescan threads and closes the watch service, waiting a few seconds for a
     * pass in progress to end. Calling it again does nothing.
     */
    @Override
    public void close() {
        Thread watching;
        Thread handling;
        PollingLoop rescanning;
        synchronized (lifecycleLock) {
            if (closed) {
                return;
            }
            closed = true;
            watching = watchThread;
            handling = eventThread;
            rescanning = rescans;
            WatchService w = watcher;
            if (w != null) {
                try {
                    w.close();
                } catch (IOException e) {
                    LOG.warn("source.watch_close_failed root={} error={} next=ignored, the source is closed",
                            bucket, e.toString());
                }
            }
        }
        synchronized (eventsLock) {
            eventsLock.notifyAll();
        }
        boolean stopped = rescanning == null || rescanning.close(CLOSE_WAIT_MILLIS);
        try {
            for (Thread t : new Thread[] {watching, handling}) {
                if (t != null && t != Thread.currentThread()) {
                    t.join(CLOSE_WAIT_MILLIS);
                    stopped &= !t.isAlive();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = false;
        }
        LOG.info("source.closed root={} threadsStopped={}", bucket, stopped);
    }

    @Override
    public String toString() {
        return "DirectorySource[root=" + bucket + " " + filter + " rescanInterval="
                + Durations.format(rescanInterval) + "]";
    }

    // ---------------------------------------------------------------- background threads

    /**
     * The periodic full rescan, a safety net behind the file events: its interval grows with the time it
     * takes ({@link RescanPacing}), timed on the source's clock.
     */
    private void safetyNetRescan(ArrivalSink sink) {
        if (closed) {
            return;
        }
        long began = clock.millis();
        try {
            pass(List.of(root), sink, true, true);
        } catch (RuntimeException e) {
            LOG.warn("source.rescan_failed root={} next=rescan in {}", bucket, Durations.format(pacing.next()), e);
        } finally {
            Duration took = Duration.ofMillis(Math.max(0, clock.millis() - began));
            Duration before = pacing.next();
            Duration next = pacing.passed(took);
            if (!next.equals(before)) {
                LOG.debug("source.rescan_paced root={} took={} next={} known={}", bucket, Durations.format(took),
                        Durations.format(next), known.size());
            }
        }
    }

    /** How long until the next full rescan once started: the rescan interval, or more for a tree slow to walk. */
    public Duration currentRescanInterval() {
        return pacing.next();
    }

    /**
     * Reads file events and queues them for {@link #eventLoop}, nothing else: the JDK keeps at most 512
     * events per directory before it reports an overflow, so they must be read while the paths they name
     * are being walked and recorded, not after.
     */
    private void watchLoop() {
        WatchService w = watcher;
        while (!closed) {
            WatchKey key;
            try {
                key = w.take();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                break;
            }
            // Drain everything pending so a burst of events becomes one batch; true = created or deleted.
            Map<Path, Boolean> changed = new LinkedHashMap<>();
            boolean overflow = false;
            while (key != null) {
                Path dir = watchedDirs.get(key);
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.kind() == OVERFLOW) {
                        overflow = true;
                    } else if (dir != null) {
                        changed.merge(dir.resolve((Path) event.context()), event.kind() != ENTRY_MODIFY,
                                Boolean::logicalOr);
                    }
                }
                if (!key.reset()) {
                    watchedDirs.remove(key);
                    if (dir != null) {
                        registeredDirs.remove(dir);
                    }
                }
                try {
                    key = w.poll();
                } catch (ClosedWatchServiceException e) {
                    key = null;
                }
            }
            synchronized (eventsLock) {
                changed.forEach((path, structural) -> queuedEvents.merge(path, structural, Boolean::logicalOr));
                // a queue this long is a backlog a full pass clears faster than path by path
                queuedOverflow |= overflow || queuedEvents.size() > MAX_QUEUED_EVENTS;
                if (queuedOverflow) {
                    queuedEvents.clear();
                }
                eventsLock.notifyAll();
            }
        }
        synchronized (eventsLock) {
            eventsLock.notifyAll();
        }
        LOG.debug("source.watch_stopped root={}", bucket);
    }

    /** Brings the paths named by queued file events up to date, a burst at a time, in one pass each. */
    private void eventLoop(ArrivalSink sink) {
        while (!closed) {
            Map<Path, Boolean> changed;
            boolean overflow;
            synchronized (eventsLock) {
                while (!closed && queuedEvents.isEmpty() && !queuedOverflow) {
                    try {
                        eventsLock.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                changed = queuedEvents;
                overflow = queuedOverflow;
                queuedEvents = new LinkedHashMap<>();
                queuedOverflow = false;
            }
            if (closed) {
                break;
            }
            try {
                if (overflow) {
                    LOG.debug("source.watch_overflow root={} next=full rescan now", bucket);
                    // events were lost: until a full pass has looked, quiet proves nothing
                    sink.blind(Blindness.BEHIND + "file events overflowed; rescanning " + bucket);
                    pass(List.of(root), sink, true, false);
                } else {
                    List<Path> starts = new ArrayList<>(changed.size());
                    changed.forEach((path, structural) -> {
                        if (needsPass(path, structural)) {
                            starts.add(path);
                        }
                    });
                    // one pass over the whole burst: its arrivals go to the sink in batches, not one by one
                    pass(starts, sink, true, false);
                }
            } catch (RuntimeException e) {
                LOG.warn("source.watch_event_failed root={} paths={} next=rescan in {}",
                        bucket, changed.size(), Durations.format(pacing.next()), e);
            }
        }
    }

    /** Whether a path named by a watch event needs a look: a file, a new directory's tree, or something gone. */
    private boolean needsPass(Path path, boolean structural) {
        if (closed || !path.startsWith(root) || path.equals(root)) {
            return false;
        }
        Path relative = root.relativize(path);
        for (int i = 0; i < relative.getNameCount() - 1; i++) {
            if (KeyFilter.prunedDirectory(relative.getName(i).toString())) {
                return false;
            }
        }
        // a watched directory's own attributes changed; its entries report for themselves
        return structural || !registeredDirs.contains(path);
    }

    // ---------------------------------------------------------------- passes

    /**
     * Walks each of {@code starts} (the root, or paths under it) and emits what changed within them: new and
     * changed files, and known keys at or under a start that are gone. Arrivals go to the sink in batches
     * of up to {@value #BATCH} as the walk finds them. A background pass stops emitting once the source is
     * closed. {@code safetyNet}: a periodic rescan, which says it is behind only when it has found
     * something or keeps others waiting (see {@link Walk#noteProgress}).
     */
    private int pass(List<Path> starts, ArrivalSink sink, boolean background, boolean safetyNet) {
        waitingForPass.incrementAndGet();
        synchronized (passLock) {
            waitingForPass.decrementAndGet();
            if (closed && background) {
                return 0;
            }
            Emitter out = new Emitter(sink, background);
            known.startPass();
            for (Path start : starts) {
                if (closed && background) {
                    break;
                }
                if (!passOne(start, out, safetyNet)) {
                    break;
                }
            }
            out.flush();
            if (!out.walkedRoot && !(closed && background)) {
                // a pass over parts of the tree: it says what it sees itself, or no one would until the next
                // full rescan, which may be minutes away
                if (!unsettled.isEmpty()) {
                    reportUnsettled(sink);
                } else if (out.saidBehind || heldForUnsettled) {
                    heldForUnsettled = false;
                    if (sightClear) {
                        sink.seeing();
                    } else if (lastBlind != null) {
                        sink.blind(lastBlind);
                    }
                }
            }
            return out.emitted;
        }
    }

    /** One start of a {@link #pass}, with the pass lock held; {@code false}: the root is unreadable, stop. */
    private boolean passOne(Path start, Emitter out, boolean safetyNet) {
        ArrivalSink sink = out.sink;
        Walk walk = new Walk(start, out, safetyNet);
        try {
            Files.walkFileTree(start, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, walk);
        } catch (IOException e) {
            // The visitor handles every per-file failure itself, so this does not happen; be safe anyway.
            walk.unreadablePrefixes.add(keyOf(start));
        }
        boolean full = start.equals(root);
        if (walk.rootFailure != null) {
            LOG.warn("source.root_unreadable root={} error={} next=nothing emitted, retried at the next pass",
                    bucket, walk.rootFailure.toString());
            out.flush();
            if (full || !Files.isDirectory(root)) {
                sightClear = false;
                lastBlind = walk.rootFailure instanceof NoSuchFileException
                        ? "the watched directory " + bucket + " is gone"
                        : "cannot read the watched directory " + bucket + ": " + brief(walk.rootFailure);
                sink.blind(lastBlind);
                return false;
            }
            return true;
        }
        walk.flushAll();
        for (Path dir : walk.registeredNow) {
            relist(dir, walk);
        }
        String scope = full ? null : keyOf(start);
        for (String key : known.notSeen(scope, walk::unreadable)) {
            if (out.stopped()) {
                return false;
            }
            if (Files.isRegularFile(root.resolve(key))) {
                // there, though the listing did not show it (a directory changing while it is read): not gone
                LOG.debug("source.unlisted_file_kept root={} key={} next=looked at by the next pass", bucket, key);
                continue;
            }
            out.removed(key);
        }
        LOG.debug("source.pass_completed root={} start={} files={} emitted={} skipped={} unsettled={}",
                bucket, scope == null ? "." : scope, walk.files, out.emitted, walk.skipped, unsettled.size());
        // a file that went away while it was being written is no longer waited for
        unsettled.keySet().removeIf(key -> (full || key.equals(scope) || key.startsWith(scope + "/"))
                && !walk.unsettledListed.contains(key));
        out.saidBehind |= walk.behind;
        if (full) {
            out.walkedRoot = true;
            out.flush(); // seeing means everything seen was reported
            reportSight(walk, sink);
        }
        return true;
    }

    /** The arrivals of one pass on their way to the sink, in batches; records each once the sink took it. */
    private final class Emitter {
        final ArrivalSink sink;
        final boolean background;
        /** A sink that takes batches (overrides acceptAll) gets them whole; a plain one, arrival by arrival. */
        final boolean batches;
        List<Arrival> batch = new ArrayList<>();
        final Set<String> pendingKeys = new HashSet<>();
        int emitted;
        /** Whether the pass walked the whole tree (and so reported sight), and whether it said it was behind. */
        boolean walkedRoot;
        boolean saidBehind;

        Emitter(ArrivalSink sink, boolean background) {
            this.sink = sink;
            this.background = background;
            this.batches = takesBatches(sink);
        }

        boolean stopped() {
            return closed && background;
        }

        /** Before a key is looked at again in one pass: what is pending for it goes out first. */
        void before(String key) {
            if (pendingKeys.contains(key)) {
                flush();
            }
        }

        void add(Arrival a) {
            batch.add(a);
            pendingKeys.add(a.key());
            if (batch.size() >= BATCH) {
                flush();
            }
        }

        void removed(String key) {
            before(key);
            if (!known.present(key)) {
                return; // its removal was pending from another start of this pass, and is reported now
            }
            add(known.removed(key, clock.instant()));
        }

        void flush() {
            if (batch.isEmpty()) {
                return;
            }
            List<Arrival> out = batch;
            batch = new ArrayList<>();
            pendingKeys.clear();
            if (stopped()) {
                return;
            }
            if (batches) {
                sink.acceptAll(out); // all or nothing, as far as this source can tell
                out.forEach(this::taken);
                return;
            }
            // one by one to a plain sink, inside a batch that whatever records them behind it may join
            // (the monitor does): a sink that throws gets that arrival and the ones after it again
            RuntimeException[] failed = {null};
            int[] accepted = {0};
            ArrivalBatch.run(() -> {
                try {
                    for (Arrival a : out) {
                        sink.accept(a);
                        accepted[0]++;
                    }
                } catch (RuntimeException e) {
                    failed[0] = e;
                }
            });
            for (int i = 0; i < accepted[0]; i++) {
                taken(out.get(i));
            }
            if (failed[0] != null) {
                throw failed[0];
            }
        }

        private void taken(Arrival a) {
            known.reported(a);
            logEmitted(a);
            emitted++;
        }

        private void logEmitted(Arrival a) {
            if (LOG.isDebugEnabled()) {
                LOG.debug("source.{} root={} key={} size={} token={}",
                        a.kind() == Arrival.Kind.CREATED ? "file_changed" : "file_removed",
                        bucket, a.key(), a.size(), a.dedupeToken());
            }
        }
    }

    /** Whether the sink's class overrides {@link ArrivalSink#acceptAll}, so batches reach it whole. */
    private static boolean takesBatches(ArrivalSink sink) {
        try {
            return sink.getClass().getMethod("acceptAll", List.class).getDeclaringClass() != ArrivalSink.class;
        } catch (NoSuchMethodException | SecurityException e) {
            return false;
        }
    }

    /**
     * Lists a directory's files again once it is watched: a file created after the walk opened the directory
     * and before the watch began is in neither the listing nor the events (with rescans minutes apart, it
     * would wait that long). What the walk already handled is unchanged now and costs a lookup.
     */
    private void relist(Path dir, Walk walk) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path file : entries) {
                BasicFileAttributes attrs;
                try {
                    attrs = Files.readAttributes(file, BasicFileAttributes.class);
                } catch (IOException e) {
                    continue; // gone meanwhile, or unreadable: the events and the next pass tell
                }
                String key = keyOf(file);
                if (attrs.isRegularFile() && filter.accepts(key)) {
                    emitCreated(key, attrs, walk.out);
                    if (unsettled.containsKey(key)) {
                        walk.unsettledListed.add(key);
                    }
                }
            }
        } catch (IOException | java.nio.file.DirectoryIteratorException e) {
            // gone or unreadable since the walk: the walk's own result stands
        }
    }

    /** Looks at one listed file: marks it listed and emits a creation if it is new or changed and settled. */
    private void emitCreated(String key, BasicFileAttributes attrs, Emitter out) {
        out.before(key);
        known.seen(key);
        Instant modified = attrs.lastModifiedTime().toInstant();
        String fileToken = attrs.lastModifiedTime().to(TimeUnit.NANOSECONDS) + ":" + attrs.size();
        Arrival arrival = known.created(key, attrs.size(), modified, fileToken, fileToken);
        if (arrival == null) {
            if (!unsettled.isEmpty()) {
                unsettled.remove(key);
            }
            return;
        }
        if (!settled(key, fileToken, modified)) {
            return;
        }
        if (countRecords) {
            try (InputStream in = Files.newInputStream(root.resolve(key))) {
                arrival = arrival.withRecords(RecordCounter.count(key, in));
            } catch (IOException e) {
                // vanished or rewritten mid-read: the next pass sees it again (it is not marked known yet)
                LOG.warn("source.records_unreadable root={} key={} error=\"{}\" action=\"retried next pass\"",
                        bucket, key, e.toString());
                return;
            }
        }
        out.add(arrival);
    }

    /**
     * Whether a new or changed file may count now. A file a local process holds open for writing never does
     * (Linux tells; see {@link OpenForWriting}). A file seen for the first time otherwise counts at once: it
     * appeared whole, as a rename from a temporary name delivers it. A file this source saw change counts
     * once it kept its size and last-modified time for {@code settle} (or was last modified that long ago),
     * so it counts once, at its settled size, rather than at every size it had mid-write.
     */
    private boolean settled(String key, String fileToken, Instant modified) {
        if (settle.isZero()) {
            return true; // trusts names and renames alone: no look at /proc, no waiting
        }
        Instant now = clock.instant();
        if (openForWriting.isOpen(root.resolve(key))) {
            unsettled.put(key, new Unsettled(fileToken, now, true));
            return false;
        }
        Unsettled u = unsettled.get(key);
        if (u != null && u.open) {
            unsettled.remove(key); // its writer closed it: whole now
            return true;
        }
        if (u == null && !known.present(key)) {
            return true; // first sight, not being written
        }
        if (u == null || !u.fileToken.equals(fileToken)) {
            u = new Unsettled(fileToken, now, false);
            unsettled.put(key, u);
        }
        // unchanged for the settle time as this source watched it, or last modified that long ago
        if (!now.isBefore(u.firstSeen.plus(settle)) || !now.isBefore(modified.plus(settle))) {
            unsettled.remove(key);
            return true;
        }
        return false;
    }

    /** After a full pass: blind while parts could not be read or files are still being written, else seeing. */
    private void reportSight(Walk walk, ArrivalSink sink) {
        if (!walk.unreadablePrefixes.isEmpty()) {
            String first = walk.unreadablePrefixes.stream().sorted().findFirst().orElse("");
            sightClear = false;
            lastBlind = "cannot read " + walk.unreadablePrefixes.size() + " path(s) under " + bucket + ", first "
                    + first + (walk.firstUnreadable == null ? "" : ": " + brief(walk.firstUnreadable));
            sink.blind(lastBlind);
        } else if (!unsettled.isEmpty()) {
            sightClear = true;
            lastBlind = null;
            reportUnsettled(sink);
        } else {
            sightClear = true;
            lastBlind = null;
            heldForUnsettled = false;
            sink.seeing();
        }
    }

    /** Files are still being written: the run waits for them, and they are looked at again soon. */
    private void reportUnsettled(ArrivalSink sink) {
        heldForUnsettled = true;
        String first = unsettled.keySet().iterator().next();
        sink.blind(Blindness.BEHIND + unsettled.size() + (unsettled.size() == 1 ? " file" : " files")
                + " still being written, first " + first);
        scheduleSettlePass(sink);
    }

    /** Looks again once the settle time has passed, not a whole rescan interval later. */
    private void scheduleSettlePass(ArrivalSink sink) {
        PollingLoop r = rescans;
        if (r != null && !closed && settlePassPending.compareAndSet(false, true)) {
            r.soon(Duration.ofMillis(Math.max(50, settle.toMillis() / 2)), () -> {
                settlePassPending.set(false);
                settlePass(sink);
            });
        }
    }

    /** Looks again at the files still being written, and only at them: not a walk of the whole tree. */
    private void settlePass(ArrivalSink sink) {
        if (closed) {
            return;
        }
        List<Path> starts = new ArrayList<>();
        synchronized (passLock) {
            unsettled.keySet().forEach(key -> starts.add(root.resolve(key)));
        }
        try {
            pass(starts, sink, true, false);
        } catch (RuntimeException e) {
            LOG.warn("source.settle_pass_failed root={} next=rescan in {}", bucket, Durations.format(pacing.next()), e);
        }
    }

    private static String brief(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : " " + m);
    }

    private String keyOf(Path path) {
        Path relative = root.relativize(path);
        StringBuilder key = new StringBuilder();
        for (Path part : relative) {
            if (key.length() > 0) {
                key.append('/');
            }
            key.append(part);
        }
        return key.toString();
    }

    /** Watches a directory; returns whether it was not watched before. */
    private boolean register(Path dir) {
        WatchService w = watcher;
        if (w == null || closed || registeredDirs.contains(dir)) {
            return false;
        }
        try {
            WatchKey key = dir.register(w, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY);
            watchedDirs.put(key, dir);
            registeredDirs.add(dir);
            return true;
        } catch (ClosedWatchServiceException e) {
            // closing: nothing more to watch
        } catch (NoSuchFileException e) {
            // gone already: the walk reports its files as gone
        } catch (IOException e) {
            LOG.warn("source.watch_register_failed root={} dir={} error={} next=changes there are found by the rescan every {}",
                    bucket, keyOf(dir), e.toString(), Durations.format(rescanInterval));
        }
        return false;
    }

    /** A new or changed file first seen at this size and time, not yet counted; {@code open}: held open for writing. */
    private record Unsettled(String fileToken, Instant firstSeen, boolean open) {
    }

    /**
     * One walk of a subtree: hands each directory's files, in name order, to {@link #emitCreated} as soon as
     * the directory is read (never the whole tree's listing at once), and keeps what could not be read.
     */
    private final class Walk extends SimpleFileVisitor<Path> {
        /** A directory's files are handled in chunks of this many, so a huge flat directory is not held whole. */
        private static final int CHUNK = 8192;
        final Path start;
        final Emitter out;
        final boolean safetyNet;
        /** Per directory being walked (innermost last), its files not yet handled. */
        final java.util.ArrayDeque<List<Map.Entry<String, BasicFileAttributes>>> pending = new java.util.ArrayDeque<>();
        /** Directories this walk started watching while events were followed: listed again once watched. */
        final List<Path> registeredNow = new ArrayList<>();
        /** Keys still being written that this walk listed. */
        final Set<String> unsettledListed = new HashSet<>();
        final Set<String> unreadablePrefixes = new HashSet<>();
        final long startedNanos = System.nanoTime();
        IOException rootFailure;
        IOException firstUnreadable;
        int skipped;
        int files;
        boolean behind;

        Walk(Path start, Emitter out, boolean safetyNet) {
            this.start = start;
            this.out = out;
            this.safetyNet = safetyNet;
        }

        /**
         * A long walk is a backlog, and the run must not take it for quiet: after 500 ms the sink hears the
         * source is behind. A safety-net rescan that has found nothing to report and keeps no one waiting is
         * not behind: file events already brought everything it walks, and saying otherwise would stop the
         * silence clock for a whole rescan of a large tree every time.
         */
        private void noteProgress() {
            if (!behind && (files & 0xFF) == 0 && System.nanoTime() - startedNanos > BEHIND_AFTER_NANOS
                    && (!safetyNet || out.emitted > 0 || !out.batch.isEmpty() || waitingForPass.get() > 0)) {
                behind = true;
                out.sink.blind(Blindness.BEHIND + "scanning " + bucket + ", " + files + " files so far");
            }
        }

        private void handle(List<Map.Entry<String, BasicFileAttributes>> listed) {
            listed.sort(Map.Entry.comparingByKey());
            for (Map.Entry<String, BasicFileAttributes> f : listed) {
                if (out.stopped()) {
                    return;
                }
                emitCreated(f.getKey(), f.getValue(), out);
                if (unsettled.containsKey(f.getKey())) {
                    unsettledListed.add(f.getKey());
                }
            }
            listed.clear();
        }

        /** Handles what is left of every directory (a walk cut short ends with directories still open). */
        void flushAll() {
            while (!pending.isEmpty()) {
                handle(pending.removeLast());
            }
        }

        boolean unreadable(String key) {
            for (String prefix : unreadablePrefixes) {
                if (prefix.isEmpty() || key.equals(prefix) || key.startsWith(prefix + "/")) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            if (!dir.equals(root) && KeyFilter.prunedDirectory(dir.getFileName().toString())) {
                return FileVisitResult.SKIP_SUBTREE;
            }
            if (register(dir) && eventThread != null) {
                registeredNow.add(dir);
            }
            pending.addLast(new ArrayList<>());
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (!attrs.isRegularFile() || file.equals(root)) {
                return FileVisitResult.CONTINUE;
            }
            String key = keyOf(file);
            if (!filter.accepts(key)) {
                return FileVisitResult.CONTINUE;
            }
            files++;
            noteProgress();
            if (pending.isEmpty()) {
                handle(new ArrayList<>(List.of(Map.entry(key, attrs)))); // a start that is a file
            } else {
                List<Map.Entry<String, BasicFileAttributes>> here = pending.peekLast();
                here.add(Map.entry(key, attrs));
                if (here.size() >= CHUNK) {
                    handle(here);
                }
            }
            return out.stopped() ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
            if (file.equals(root)) {
                rootFailure = e;
                return FileVisitResult.TERMINATE;
            }
            if (e instanceof FileSystemLoopException) {
                // a link back to a directory already being walked: its files are counted once, under their first path
                LOG.debug("source.link_cycle root={} key={} next=skipped", bucket, keyOf(file));
                return FileVisitResult.CONTINUE;
            }
            if (!(e instanceof NoSuchFileException)) {
                // Not gone, just not readable now: keep what we know about it until a pass can read it.
                unreadablePrefixes.add(keyOf(file));
                if (firstUnreadable == null) {
                    firstUnreadable = e;
                }
                skipped++;
                LOG.debug("source.file_skipped root={} key={} error={} next=retried at the next pass",
                        bucket, keyOf(file), e.toString());
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) {
            if (!pending.isEmpty()) {
                handle(pending.removeLast());
            }
            if (e != null) {
                if (dir.equals(root)) {
                    rootFailure = e;
                    return FileVisitResult.TERMINATE;
                }
                unreadablePrefixes.add(keyOf(dir));
                if (firstUnreadable == null) {
                    firstUnreadable = e;
                }
                skipped++;
                LOG.debug("source.directory_skipped root={} dir={} error={} next=retried at the next pass",
                        bucket, keyOf(dir), e.toString());
            }
            return FileVisitResult.CONTINUE;
        }
    }

    /**
     * Configures a {@link DirectorySource}. Not thread-safe; {@link #build()} copies what it needs,
     * so reusing a builder never changes a source it already built.
     */
    public static final class Builder {
        private final Path root;
        private final List<String> includes = new ArrayList<>();
        private final List<String> excludes = new ArrayList<>();
        private Duration rescanInterval = DEFAULT_RESCAN_INTERVAL;
        private Clock clock = Clock.systemUTC();
        private boolean countRecords;
        private Duration settle = DEFAULT_SETTLE;

        /**
         * Sets how long a file seen changing must keep its size and last-modified time before it counts;
         * default 1 s. Zero counts files as soon as they are seen, open for writing or not: for producers
         * that write under a temporary name and rename (the name patterns still hold back {@code *.tmp},
         * {@code *.part} and hidden files).
         *
         * @throws InvalidConfigurationException if negative
         */
        public Builder settle(Duration d) {
            requireNonNull(d, "settle");
            if (d.isNegative()) {
                throw new InvalidConfigurationException("settle must be >= 0, was " + d);
            }
            this.settle = d;
            return this;
        }

        /**
         * Counts each new or changed file's newline-delimited records (gzip by name or content) and
         * reports them with its arrival; off by default, since it reads every file once.
         */
        public Builder countRecords(boolean on) {
            this.countRecords = on;
            return this;
        }

        private Builder(Path root) {
            this.root = requireNonNull(root, "root");
        }

        /**
         * Adds globs a file's relative path must match (any one of them) to count; by default every
         * file ({@value DirectorySource#DEFAULT_INCLUDE}) counts. A glob without {@code /} also
         * matches the file name alone, so {@code *.csv} matches at any depth.
         *
         * @throws NullPointerException if {@code globs} or one of them is null
         * @throws InvalidConfigurationException if a glob is blank or not valid glob syntax
         */
        public Builder include(String... globs) {
            requireNonNull(globs, "globs");
            for (String g : globs) {
                KeyFilter.check("include", g);
                includes.add(g);
            }
            return this;
        }

        /**
         * Adds globs whose matching files do not count, on top of the files ignored while being
         * written; by default nothing else is excluded. Same matching rule as {@link #include}.
         *
         * @throws NullPointerException if {@code globs} or one of them is null
         * @throws InvalidConfigurationException if a glob is blank or not valid glob syntax
         */
        public Builder exclude(String... globs) {
            requireNonNull(globs, "globs");
            for (String g : globs) {
                KeyFilter.check("exclude", g);
                excludes.add(g);
            }
            return this;
        }

        /**
         * Sets the time between full rescans once started; default 2 s.
         *
         * @throws NullPointerException if {@code interval} is null
         * @throws InvalidConfigurationException if {@code interval} is shorter than 1 ms
         */
        public Builder rescanInterval(Duration interval) {
            requireNonNull(interval, "interval");
            if (interval.toMillis() < 1) {
                throw new InvalidConfigurationException("rescan interval must be >= 1ms, was " + interval);
            }
            this.rescanInterval = interval;
            return this;
        }

        /**
         * Sets the clock that stamps removals; default {@link Clock#systemUTC()}. Creations are stamped
         * with the file's last-modified time.
         *
         * @throws NullPointerException if {@code clock} is null
         */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Checks the root and builds the source. Nothing is read or watched until {@link #scanOnce}
         * or {@link #start}.
         *
         * @throws InvalidConfigurationException if the root does not exist, is not a directory, or
         *     cannot be listed; the message says which and how to fix it
         */
        public DirectorySource build() {
            Path dir = root.toAbsolutePath().normalize();
            if (!Files.exists(dir)) {
                throw new InvalidConfigurationException("directory to watch does not exist: " + dir
                        + "; create it (mkdir -p) or pass the directory that files land in");
            }
            if (!Files.isDirectory(dir)) {
                throw new InvalidConfigurationException("path to watch is not a directory: " + dir
                        + "; pass the directory that files land in, not a file inside it");
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                entries.iterator().hasNext();
            } catch (AccessDeniedException e) {
                throw new InvalidConfigurationException("directory to watch is not readable: " + dir
                        + "; grant this user read and execute permission on it (e.g. chmod u+rx)", e);
            } catch (IOException | RuntimeException e) {
                throw new InvalidConfigurationException("directory to watch cannot be listed: " + dir
                        + " (" + e + "); check that it is a readable local directory", e);
            }
            Path real;
            try {
                // a symlink given as the directory is followed: the files are where it points
                real = dir.toRealPath();
            } catch (IOException e) {
                throw new InvalidConfigurationException("directory to watch cannot be resolved: " + dir + " (" + e + ")", e);
            }
            return new DirectorySource(real, KeyFilter.of(includes, excludes), rescanInterval, clock, countRecords, settle);
        }
    }
}
