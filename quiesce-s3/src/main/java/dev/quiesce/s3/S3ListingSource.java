package dev.quiesce.s3;

import static java.util.Objects.requireNonNull;

import dev.quiesce.Arrival;
import dev.quiesce.KeyFilter;
import dev.quiesce.port.ArrivalSink;
import dev.quiesce.port.ArrivalSource;
import dev.quiesce.source.KnownObjects;
import dev.quiesce.source.PollingLoop;
import dev.quiesce.Durations;
import dev.quiesce.InvalidConfigurationException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Turns the objects under an S3 prefix into {@link Arrival}s by listing them, for
 * {@code quiesce watch s3://bucket/prefix} where no events are configured, and to catch up when
 * events were lost.
 *
 * <p><b>What it emits.</b> {@link #scanOnce} walks the prefix with {@code ListObjectsV2}, page by page
 * with continuation tokens, and compares what it finds with what it emitted before. An object seen
 * for the first time, or whose eTag or size changed, gives one {@link Arrival#created created} arrival
 * with its size, its last-modified time as event time and version {@code <eTag>:<size>} (the eTag without
 * quotes); one missing from a complete walk gives one {@link Arrival#removed removed} arrival. Tokens and
 * event times follow {@link KnownObjects}, the rules every listing source shares. Rewriting an object with
 * identical content (same eTag and size) is not seen. Known keys live in memory: a new source (after a
 * restart) re-emits every object with the same first tokens, which tally stores count once, but cannot
 * report removals that happened while no source ran.
 *
 * <p><b>Sight.</b> A poll whose listing fails (endpoint down, credentials expired) tells the sink
 * {@link ArrivalSink#blind blind}, and so does a listing still paging after 500 ms (nothing is recorded
 * before its last page); a complete pass tells it {@link ArrivalSink#seeing seeing}.
 *
 * <p><b>Which keys count.</b> The rules of the directory source, applied to the key relative to the
 * prefix's directory (the prefix up to and including its last {@code /}): keys still being written
 * are ignored (a segment starting with {@code .}, anything under {@code _temporary/}, names ending in
 * {@code .tmp}, {@code .part} or {@code .crdownload}), and so are directory markers (keys ending in
 * {@code /}); of the rest, keys matching an {@link Builder#include include} glob (default: all) and no
 * {@link Builder#exclude exclude} glob count. A glob without {@code /} also matches the last segment,
 * so {@code *.csv} matches at any depth.
 *
 * <p><b>Clients.</b> The caller builds the {@link S3Client} and closes it after this source. For
 * MinIO, Ceph RGW and other S3-compatible stores the client needs
 * {@code endpointOverride(URI.create("http://host:9000"))} and {@code forcePathStyle(true)}.
 *
 * <p><b>Failures.</b> A missing bucket or a denied listing throws {@link InvalidConfigurationException}
 * from {@link #scanOnce}; other SDK failures propagate as the SDK's exceptions. A failed walk emits no
 * removals (nothing is concluded from a partial listing). In the background ({@link #start}) a failed
 * poll is logged at WARN and retried at the next poll.
 *
 * <p><b>Thread safety.</b> Instances are thread-safe: passes run one at a time, and the sink is called
 * by one thread at a time. {@link #close()} stops polling; it is idempotent.
 *
 * <pre>{@code
 * S3Client s3 = S3Client.builder().region(Region.EU_WEST_1).build();
 * S3Location where = S3Location.parse("s3://landing/firehose/2024/");
 * try (S3ListingSource source = S3ListingSource.builder(s3, where.bucket(), where.prefix())
 *         .include("*.gz")
 *         .pollInterval(Duration.ofSeconds(30))
 *         .build()) {
 *     source.start(monitor::accept);
 *     ...
 * }
 * }</pre>
 */
public final class S3ListingSource implements ArrivalSource {

    /** Time between listings once {@link #start started}, unless {@link Builder#pollInterval} says otherwise: 30 s. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(30);
    /** Keys per {@code ListObjectsV2} page unless {@link Builder#pageSize} says otherwise: 1000, S3's maximum. */
    public static final int DEFAULT_PAGE_SIZE = 1000;

    /** A pass still listing after this long tells its sink it is behind. */
    private static final long BEHIND_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final Logger LOG = LoggerFactory.getLogger(S3ListingSource.class);
    private static final long CLOSE_WAIT_MILLIS = 5_000;

    private final S3Client client;
    private final String bucket;
    private final String prefix;
    private final String prefixDirectory;
    private final KeyFilter filter;
    private final Duration pollInterval;
    private final int pageSize;
    private final Clock clock;

    /** Guards {@link #known} and every pass; the sink is only called while holding it. */
    private final Object passLock = new Object();
    /** Per key, what was last emitted; a removed key stays as a tombstone so its event times keep growing. */
    private final KnownObjects known;

    private final Object lifecycleLock = new Object();
    private volatile boolean closed;
    private boolean started;
    private PollingLoop poller;

    private S3ListingSource(Builder b, KeyFilter filter) {
        this.client = b.client;
        this.bucket = b.bucket;
        this.known = new KnownObjects(b.bucket);
        this.prefix = b.prefix;
        this.prefixDirectory = prefix.substring(0, prefix.lastIndexOf('/') + 1);
        this.filter = filter;
        this.pollInterval = b.pollInterval;
        this.pageSize = b.pageSize;
        this.clock = b.clock;
    }

    /**
     * Starts configuring a source over the objects of {@code bucket} whose keys start with {@code prefix}
     * (empty: the whole bucket).
     *
     * @throws NullPointerException if an argument is null
     */
    public static Builder builder(S3Client client, String bucket, String prefix) {
        return new Builder(client, bucket, prefix);
    }

    /**
     * Starts configuring a source over {@code location}.
     *
     * @throws NullPointerException if an argument is null
     */
    public static Builder builder(S3Client client, S3Location location) {
        requireNonNull(location, "location");
        return new Builder(client, location.bucket(), location.prefix());
    }

    /** The bucket listed; the bucket of every arrival this source emits. */
    public String bucket() {
        return bucket;
    }

    /** The key prefix listed, possibly empty. */
    public String prefix() {
        return prefix;
    }

    /** How long between listings once {@link #start started}. */
    public Duration pollInterval() {
        return pollInterval;
    }

    /**
     * Lists the whole prefix once, emitting an arrival for every object that is new or changed since
     * the last pass and for every object that has gone; returns how many arrivals it emitted.
     *
     * <p>Runs on the calling thread, one pass at a time with the background poller. Removals are only
     * concluded once every page was listed. An exception thrown by the sink propagates; the arrival it
     * was given and those after it are emitted again on the next pass.
     *
     * @throws NullPointerException if {@code sink} is null
     * @throws IllegalStateException if the source is closed
     * @throws InvalidConfigurationException if the bucket does not exist or listing it is denied
     * @throws software.amazon.awssdk.core.exception.SdkException if listing fails otherwise
     */
    public int scanOnce(ArrivalSink sink) {
        requireNonNull(sink, "sink");
        if (closed) {
            throw new IllegalStateException("S3 listing source for " + location() + " is closed");
        }
        return pass(sink, false);
    }

    /**
     * Lists the prefix once on the calling thread, then again every poll interval on a daemon thread
     * until {@link #close()}.
     *
     * <p>An exception from the first pass propagates (the source is then closed). Later, the sink is
     * called from the poll thread; a failed poll, the sink's exceptions included, is logged at WARN and
     * the next poll tries again, so the sink should be idempotent (tally stores are).
     *
     * @throws NullPointerException if {@code sink} is null
     * @throws IllegalStateException if the source was already started or is closed
     * @throws InvalidConfigurationException if the bucket does not exist or listing it is denied
     */
    public void start(ArrivalSink sink) {
        requireNonNull(sink, "sink");
        synchronized (lifecycleLock) {
            if (closed) {
                throw new IllegalStateException("S3 listing source for " + location() + " is closed");
            }
            if (started) {
                throw new IllegalStateException("S3 listing source for " + location() + " is already started");
            }
            started = true;
        }
        int emitted;
        try {
            emitted = pass(sink, false);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        synchronized (lifecycleLock) {
            if (closed) {
                return;
            }
            poller = new PollingLoop("quiesce-s3-listing", pollInterval, () -> poll(sink));
            poller.start();
        }
        LOG.info("source.started location={} emitted={} pollInterval={} {}",
                location(), emitted, Durations.format(pollInterval), filter);
    }

    /**
     * Stops polling, waiting a few seconds for a pass in progress to end. Does not close the client.
     * Calling it again does nothing.
     */
    @Override
    public void close() {
        PollingLoop polling;
        synchronized (lifecycleLock) {
            if (closed) {
                return;
            }
            closed = true;
            polling = poller;
        }
        boolean stopped = polling == null || polling.close(CLOSE_WAIT_MILLIS);
        LOG.info("source.closed location={} threadsStopped={}", location(), stopped);
    }

    @Override
    public String toString() {
        return "S3ListingSource[" + location() + " " + filter + " pollInterval=" + Durations.format(pollInterval)
                + " pageSize=" + pageSize + "]";
    }

    /** One line for a failure: the SDK's message without its request ids, or the exception's name. */
    /**
     * What a client-side failure of a listing means, in one line without the SDK's chain: no credentials (a
     * configuration error) or an endpoint that cannot be reached (worth retrying later). Later passes turn
     * either into blindness; a first pass that cannot list at all ends the command with it.
     */
    static RuntimeException setupFailure(SdkClientException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        if (m.contains("Unable to load credentials") || m.contains("credentials")) {
            return new InvalidConfigurationException("no AWS credentials found: set AWS_ACCESS_KEY_ID and"
                    + " AWS_SECRET_ACCESS_KEY, or AWS_PROFILE (for S3-compatible stores too)", e);
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof java.net.UnknownHostException
                    || t instanceof java.net.SocketTimeoutException || t instanceof java.net.NoRouteToHostException) {
                return new dev.quiesce.SourceUnreachableException("cannot reach the S3 endpoint: "
                        + t.getClass().getSimpleName().replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2")
                                .toLowerCase(java.util.Locale.ROOT)
                        + (t.getMessage() != null ? " (" + t.getMessage() + ")" : "")
                        + "; check --endpoint-url and the network", e);
            }
        }
        return e;
    }

    private static String briefly(RuntimeException e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        int cut = m.indexOf(" (Service:");
        return cut > 0 ? m.substring(0, cut) : m;
    }

    private String location() {
        return "s3://" + bucket + "/" + prefix;
    }

    private void poll(ArrivalSink sink) {
        if (closed) {
            return;
        }
        try {
            pass(sink, true);
        } catch (RuntimeException e) {
            if (closed) {
                LOG.debug("source.poll_stopped location={} error={} next=none, the source is closed", location(), e.toString());
                return;
            }
            LOG.warn("source.poll_failed location={} error={} next=poll again in {}",
                    location(), e.toString(), Durations.format(pollInterval), e);
            // a listing that failed saw nothing: the run must not take that for quiet
            sink.blind("listing " + location() + " failed: " + briefly(e));
        }
    }

    // ---------------------------------------------------------------- passes

    private int pass(ArrivalSink sink, boolean background) {
        synchronized (passLock) {
            if (closed && background) {
                return 0;
            }
            Listing listing = list(sink);
            int emitted = 0;
            for (S3Object o : listing.objects.values()) {
                if (closed && background) {
                    return emitted;
                }
                if (emitCreated(o, sink)) {
                    emitted++;
                }
            }
            List<String> gone = known.gone(null, listing.objects::containsKey);
            for (String key : gone) {
                if (closed && background) {
                    return emitted;
                }
                emitRemoved(key, sink);
                emitted++;
            }
            LOG.debug("source.pass_completed location={} pages={} objects={} skipped={} emitted={}",
                    location(), listing.pages, listing.objects.size(), listing.skipped, emitted);
            sink.seeing();
            return emitted;
        }
    }

    /** Every object under the prefix that counts, in key order, from a complete walk. */
    private Listing list(ArrivalSink sink) {
        Listing listing = new Listing();
        String continuation = null;
        long startedNanos = System.nanoTime();
        boolean behind = false;
        do {
            if (!behind && listing.pages > 0 && System.nanoTime() - startedNanos > BEHIND_AFTER_NANOS) {
                // nothing is recorded until every page is listed: a long listing is a backlog, not quiet
                behind = true;
                sink.blind(dev.quiesce.Blindness.BEHIND + "listing " + location() + ", " + listing.pages + " pages so far");
            }
            ListObjectsV2Request.Builder request = ListObjectsV2Request.builder()
                    .bucket(bucket).maxKeys(pageSize).continuationToken(continuation);
            if (!prefix.isEmpty()) {
                request.prefix(prefix);
            }
            ListObjectsV2Response page = S3PrefixPages.list(client, request.build(), location());
            listing.pages++;
            for (S3Object o : page.contents()) {
                String relative = o.key().substring(Math.min(prefixDirectory.length(), o.key().length()));
                if (o.key().startsWith(prefixDirectory) && filter.accepts(relative)) {
                    listing.objects.put(o.key(), o);
                } else {
                    listing.skipped++;
                }
            }
            continuation = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (continuation != null);
        return listing;
    }

    /** Emits a creation if the object is new or changed; records it only after the sink accepted it. */
    private boolean emitCreated(S3Object o, ArrivalSink sink) {
        long size = o.size() == null ? 0 : o.size();
        String objectToken = S3PrefixPages.version(o);
        Instant modified = S3PrefixPages.modified(o, clock.instant());
        // the tokens a backfill gives (S3PrefixPages), so a listing watch and a backfill count an object once
        Arrival arrival = known.created(o.key(), size, modified, objectToken, S3PrefixPages.token(objectToken, modified));
        if (arrival == null) {
            return false;
        }
        boolean overwrite = known.present(o.key());
        sink.accept(arrival);
        known.reported(arrival);
        LOG.debug("source.object_changed location={} key={} size={} token={} overwrite={}",
                location(), o.key(), size, arrival.dedupeToken(), overwrite);
        return true;
    }

    private void emitRemoved(String key, ArrivalSink sink) {
        Arrival removal = known.removed(key, clock.instant());
        sink.accept(removal);
        known.reported(removal);
        LOG.debug("source.object_removed location={} key={} token={}", location(), key, removal.dedupeToken());
    }



    /** One complete walk: the objects that count, by key, in key order. */
    private static final class Listing {
        final Map<String, S3Object> objects = new LinkedHashMap<>();
        int pages;
        int skipped;
    }

    /**
     * Configures an {@link S3ListingSource}. Not thread-safe; {@link #build()} copies what it needs, so
     * reusing a builder never changes a source it already built.
     */
    public static final class Builder {
        private final S3Client client;
        private final String bucket;
        private final String prefix;
        private final List<String> includes = new ArrayList<>();
        private final List<String> excludes = new ArrayList<>();
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private int pageSize = DEFAULT_PAGE_SIZE;
        private Clock clock = Clock.systemUTC();

        private Builder(S3Client client, String bucket, String prefix) {
            this.client = requireNonNull(client, "client");
            this.bucket = requireNonNull(bucket, "bucket");
            this.prefix = requireNonNull(prefix, "prefix");
        }

        /**
         * Adds globs a key (relative to the prefix's directory) must match, any one of them, to count; by
         * default every key counts. A glob without {@code /} also matches the last segment alone.
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
         * Adds globs whose matching keys do not count, on top of the keys ignored while being written;
         * by default nothing else is excluded. Same matching rule as {@link #include}.
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
         * Sets the time between listings once started; default 30 s. Each listing costs one
         * {@code ListObjectsV2} request per page.
         *
         * @throws NullPointerException if {@code interval} is null
         * @throws InvalidConfigurationException if {@code interval} is shorter than 1 ms
         */
        public Builder pollInterval(Duration interval) {
            requireNonNull(interval, "interval");
            if (interval.toMillis() < 1) {
                throw new InvalidConfigurationException("poll interval must be >= 1ms, was " + interval);
            }
            this.pollInterval = interval;
            return this;
        }

        /**
         * Sets the keys asked for per {@code ListObjectsV2} page; default 1000, the most S3 returns.
         *
         * @throws InvalidConfigurationException if {@code size} is not between 1 and 1000
         */
        public Builder pageSize(int size) {
            if (size < 1 || size > 1000) {
                throw new InvalidConfigurationException("page size must be between 1 and 1000, was " + size);
            }
            this.pageSize = size;
            return this;
        }

        /**
         * Sets the clock that stamps removals; default {@link Clock#systemUTC()}. Creations are stamped with
         * the object's last-modified time.
         *
         * @throws NullPointerException if {@code clock} is null
         */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Builds the source. Nothing is listed until {@link #scanOnce} or {@link #start}.
         *
         * @throws InvalidConfigurationException if the bucket is not a valid bucket name
         */
        public S3ListingSource build() {
            new S3Location(bucket, prefix); // checks the bucket name
            return new S3ListingSource(this, KeyFilter.of(includes, excludes));
        }
    }
}
