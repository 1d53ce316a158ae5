package dev.quiesce.sim;

import dev.quiesce.Arrival;
import dev.quiesce.InvalidConfigurationException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The storage events of one simulated run of a {@link Workload}: every object that lands, and every
 * delivery of its event to the monitor, in the order they become visible; plus the ground truth the
 * metrics need, the moment each dataset's last object became visible.
 *
 * <p>It is generated before any engine runs, because what lands does not depend on the observer. So
 * every policy of a run sees exactly the same arrivals (a fair comparison, with the seed's noise
 * shared), the ground truth is known in advance, and the generation is paid once per run, not once
 * per policy. Generation is itself a discrete-event simulation: producers' batches and Firehose's
 * interval flushes are events on an {@link EventQueue}; size flushes happen at the batch that fills
 * the buffer. It also holds what exact completion needs: the records in each object, and every
 * producer's declarations (open at its start, close with the records it sent when it returns).
 *
 * <p>Times are milliseconds from {@link Simulator#ORIGIN}. Dataset {@code i} lives in bucket
 * {@code d<i>}. Instances are immutable once generated and thread-safe.
 */
public final class Traffic {

    private static final int OBJECT_BITS = 24;
    private static final long MAX_VISIBLE = (1L << (63 - OBJECT_BITS)) - 1;
    private static final double MIB = 1024 * 1024;

    /** One object that landed. Times are since {@link Simulator#ORIGIN}. */
    public record StoredObject(int dataset, String key, long size, Instant flushedAt, Instant eventTime,
                               String dedupeToken) {
    }

    /** One delivery of an object's storage event to the monitor. */
    public record Delivery(Instant visibleAt, StoredObject object, boolean duplicate) {
    }

    /**
     * A producer's declaration, as a manifest or {@code quiesce expect} makes it: opened when the producer
     * starts, closed with the records it sent when it returns (while its last records may still sit in
     * a buffer). Times are milliseconds since {@link Simulator#ORIGIN}.
     *
     * @param atMillis when the monitor learns it
     * @param dataset the dataset's index
     * @param producer the producer's id within the dataset
     * @param records records sent, for a close; -1 for an open
     */
    public record Declaration(long atMillis, int dataset, String producer, long records) {

        /** Whether this is the producer closing. */
        public boolean closes() {
            return records >= 0;
        }
    }

    private final int datasets;
    private final String[] buckets;
    // objects, by number
    private int objects;
    private int[] objDataset = new int[64];
    private String[] objKey = new String[64];
    private long[] objSize = new long[64];
    private long[] objFlushed = new long[64];
    private long[] objEvent = new long[64];
    private long[] objRecords = new long[64];
    private String[] objToken = new String[64];
    // producers' declarations, by dataset then producer: when each opened and closed, what it sent
    private final List<Declaration> declarations = new ArrayList<>();
    private long[] quietGap;
    // deliveries, sorted by visible time, then by the order they were made
    private int deliveries;
    private long[] packed = new long[64];
    private int[] madeObject = new int[64];
    private long[] delVisible;
    private int[] delObject;
    private boolean[] delDuplicate;
    private final long[] lastVisible;
    private Arrival[] arrivals;
    private long lastVisibleOverall = -1;

    private Traffic(int datasets) {
        this.datasets = datasets;
        this.buckets = new String[datasets];
        for (int i = 0; i < datasets; i++) {
            buckets[i] = "d" + i;
        }
        this.lastVisible = new long[datasets];
        Arrays.fill(lastVisible, -1);
    }

    /**
     * Generates the traffic of run {@code run} of a workload. The same (workload, seed, run) always gives
     * the same traffic.
     *
     * @throws InvalidConfigurationException if the run would hold more than 16 million storage events
     */
    public static Traffic generate(Workload workload, long seed, int run) {
        SplittableRandom random = new SplittableRandom(Simulator.runSeed(seed, run));
        Traffic t = new Traffic(workload.datasets());
        Map<Long, String> hourPrefixes = new HashMap<>();
        for (int d = 0; d < workload.datasets(); d++) {
            SplittableRandom r = random.split();
            if (workload.isExplicit()) {
                for (Workload.PlannedArrival a : workload.arrivals()) {
                    long at = a.at().toMillis();
                    t.land(d, a.key(), a.size(), Arrival.UNCOUNTED, at, at, workload.events(), r);
                }
            } else {
                new StreamModel(t, d, workload, r, hourPrefixes).run();
            }
        }
        t.sortDeliveries();
        t.makeArrivals();
        t.measureQuietGaps();
        // stable: declarations at one instant keep the order they were made in
        t.declarations.sort(java.util.Comparator.comparingLong(Declaration::atMillis));
        return t;
    }

    /** Records an object landing and draws the deliveries of its event. */
    private void land(int dataset, String key, long size, long records, long flushedAt, long eventTime,
                      Workload.Events events, SplittableRandom r) {
        int o = objects++;
        if (o == objKey.length) {
            int n = o * 2;
            objDataset = Arrays.copyOf(objDataset, n);
            objKey = Arrays.copyOf(objKey, n);
            objSize = Arrays.copyOf(objSize, n);
            objFlushed = Arrays.copyOf(objFlushed, n);
            objEvent = Arrays.copyOf(objEvent, n);
            objRecords = Arrays.copyOf(objRecords, n);
            objToken = Arrays.copyOf(objToken, n);
        }
        objDataset[o] = dataset;
        objKey[o] = key;
        objSize[o] = size;
        objFlushed[o] = flushedAt;
        objEvent[o] = eventTime;
        objRecords[o] = records;
        // made once here rather than per policy played: the string and its hash are reused by every run
        objToken[o] = Integer.toString(o, 36);
        long first = eventTime + delay(events, r);
        deliver(first, o);
        if (events.duplicateProbability() > 0 && r.nextDouble() < events.duplicateProbability()) {
            long again = eventTime + delay(events, r);
            deliver(again, o);
            first = Math.min(first, again);
        }
        // the tally last changes when the last object's earliest delivery arrives
        if (first > lastVisible[dataset]) {
            lastVisible[dataset] = first;
        }
        lastVisibleOverall = Math.max(lastVisibleOverall, first);
    }

    private void deliver(long visibleAt, int object) {
        if (deliveries == 1 << OBJECT_BITS) {
            throw new InvalidConfigurationException("workload too large: more than " + (1 << OBJECT_BITS)
                    + " storage events in one run; use fewer datasets or producers");
        }
        if (visibleAt > MAX_VISIBLE) {
            throw new InvalidConfigurationException("workload too long: an event becomes visible after "
                    + visibleAt + " ms");
        }
        if (deliveries == packed.length) {
            packed = Arrays.copyOf(packed, deliveries * 2);
            madeObject = Arrays.copyOf(madeObject, deliveries * 2);
        }
        // visible time in the high bits, the making order in the low ones: one sort orders by both
        packed[deliveries] = visibleAt << OBJECT_BITS | deliveries;
        madeObject[deliveries] = object;
        deliveries++;
    }

    /**
     * Makes each object's storage event once, shared by every policy played and by a duplicate
     * delivery (which is the same event again): records are immutable, and this takes an allocation
     * per arrival out of every engine run.
     */
    private void makeArrivals() {
        arrivals = new Arrival[objects];
        for (int o = 0; o < objects; o++) {
            Arrival a = Arrival.created(buckets[objDataset[o]], objKey[o], objSize[o],
                    Simulator.ORIGIN.plusMillis(objEvent[o]), objToken[o]);
            arrivals[o] = objRecords[o] == Arrival.UNCOUNTED ? a : a.withRecords(objRecords[o]);
        }
    }

    /**
     * The longest quiet gap of each dataset before its end: the longest time between two of its objects
     * first becoming visible. A heuristic that waits for less silence than this can be fooled.
     */
    private void measureQuietGaps() {
        quietGap = new long[datasets];
        long[] previous = new long[datasets];
        Arrays.fill(previous, -1);
        for (int i = 0; i < deliveries; i++) {
            if (delDuplicate[i]) {
                continue;
            }
            int d = objDataset[delObject[i]];
            if (previous[d] >= 0) {
                quietGap[d] = Math.max(quietGap[d], delVisible[i] - previous[d]);
            }
            previous[d] = delVisible[i];
        }
    }

    private void sortDeliveries() {
        long[] keys = Arrays.copyOf(packed, deliveries);
        Arrays.sort(keys);
        int[] objectOfMade = madeObject;
        boolean[] seen = new boolean[objects];
        delVisible = new long[deliveries];
        delObject = new int[deliveries];
        delDuplicate = new boolean[deliveries];
        for (int i = 0; i < deliveries; i++) {
            int made = (int) (keys[i] & ((1L << OBJECT_BITS) - 1));
            int o = objectOfMade[made];
            delVisible[i] = keys[i] >>> OBJECT_BITS;
            delObject[i] = o;
            delDuplicate[i] = seen[o];
            seen[o] = true;
        }
        packed = null;
        madeObject = null;
    }

    private static long delay(Workload.Events events, SplittableRandom r) {
        long d = sample(events.delay(), r);
        long window = events.reorderWindow().toMillis();
        return window > 0 ? d + r.nextLong(window + 1) : d;
    }

    /** One draw from a delay distribution, in whole milliseconds. */
    static long sample(Workload.Delay delay, SplittableRandom r) {
        double ms;
        switch (delay.distribution()) {
            case "fixed":
                return delay.value().toMillis();
            case "uniform":
                long lo = delay.min().toMillis();
                long hi = delay.max().toMillis();
                return hi == lo ? lo : lo + r.nextLong(hi - lo + 1);
            case "lognormal":
                ms = delay.median().toMillis() * Math.exp(delay.sigma() * r.nextGaussian());
                break;
            case "pareto":
                ms = delay.scale().toMillis() / Math.pow(1 - r.nextDouble(), 1 / delay.shape());
                break;
            default:
                throw new IllegalStateException("unhandled distribution " + delay.distribution());
        }
        if (delay.max() != null && ms > delay.max().toMillis()) {
            return delay.max().toMillis();
        }
        return ms >= Long.MAX_VALUE / 4 ? Long.MAX_VALUE / 4 : Math.round(ms);
    }

    /** How many datasets the run lands in. */
    public int datasets() {
        return datasets;
    }

    /** The bucket (and dataset id) of dataset {@code i}. */
    public String bucket(int dataset) {
        return buckets[dataset];
    }

    /** Objects that landed. */
    public int objectCount() {
        return objects;
    }

    /** Deliveries of storage events, duplicates included. */
    public int deliveryCount() {
        return deliveries;
    }

    /**
     * When the dataset's last object first became visible to the monitor, in ms since the origin: from
     * then on its tally does not change. -1 if nothing landed in it.
     */
    public long lastVisibleMillis(int dataset) {
        return lastVisible[dataset];
    }

    /** The dataset's longest quiet gap before its last object, in ms; 0 below two objects. */
    public long longestQuietGapMillis(int dataset) {
        return quietGap[dataset];
    }

    /** Producers' declarations, by time. */
    public List<Declaration> declarations() {
        return java.util.Collections.unmodifiableList(declarations);
    }

    /** The latest {@link #lastVisibleMillis} of all datasets; -1 if nothing landed. */
    public long lastVisibleMillis() {
        return lastVisibleOverall;
    }

    /** Every object, in the order they landed in the model (by dataset, then flush). */
    public List<StoredObject> objects() {
        List<StoredObject> list = new ArrayList<>(objects);
        for (int o = 0; o < objects; o++) {
            list.add(object(o));
        }
        return list;
    }

    /** Every delivery, in the order the monitor receives them. */
    public List<Delivery> deliveries() {
        List<Delivery> list = new ArrayList<>(deliveries);
        for (int i = 0; i < deliveries; i++) {
            list.add(new Delivery(Simulator.ORIGIN.plusMillis(delVisible[i]), object(delObject[i]), delDuplicate[i]));
        }
        return list;
    }

    private StoredObject object(int o) {
        return new StoredObject(objDataset[o], objKey[o], objSize[o], Simulator.ORIGIN.plusMillis(objFlushed[o]),
                Simulator.ORIGIN.plusMillis(objEvent[o]), objToken[o]);
    }

    // hot-path accessors for the simulator: no records, no boxing

    /** The storage event of delivery {@code i}. */
    Arrival arrivalOf(int delivery) {
        return arrivals[delObject[delivery]];
    }

    long visibleAt(int delivery) {
        return delVisible[delivery];
    }

    int objectOf(int delivery) {
        return delObject[delivery];
    }

    int datasetOf(int object) {
        return objDataset[object];
    }

    String keyOf(int object) {
        return objKey[object];
    }

    long sizeOf(int object) {
        return objSize[object];
    }

    long eventTimeOf(int object) {
        return objEvent[object];
    }

    /** The dedupe token of an object's event: its number, the same for a duplicate delivery. */
    String tokenOf(int object) {
        return objToken[object];
    }

    /**
     * One dataset's producers writing into its delivery stream: a discrete-event simulation of batches
     * and interval flushes. Payloads are {@code producer * 2} for a batch and {@code generation * 2 + 1}
     * for an interval flush of the buffer generation it was set for (a flush by size starts a new
     * generation, so its pending interval flush is ignored).
     */
    private static final class StreamModel {
        private final Traffic traffic;
        private final int dataset;
        private final Workload workload;
        private final SplittableRandom random;
        private final Map<Long, String> hourPrefixes;
        private final EventQueue queue = new EventQueue();
        private final List<Producer> producers = new ArrayList<>();
        private final long bufferBytes;
        private final long intervalMs;
        private final double uploadBytesPerMs;
        private final Workload.Retries retries;
        private long buffered;
        private long bufferedRecords;
        private int generation;
        private int flushes;

        StreamModel(Traffic traffic, int dataset, Workload workload, SplittableRandom random,
                    Map<Long, String> hourPrefixes) {
            this.traffic = traffic;
            this.dataset = dataset;
            this.workload = workload;
            this.random = random;
            this.hourPrefixes = hourPrefixes;
            Workload.Firehose f = workload.firehose();
            this.bufferBytes = f.bufferBytes();
            this.intervalMs = f.bufferInterval().toMillis();
            this.uploadBytesPerMs = f.uploadMiBPerSecond() * MIB / 1000;
            this.retries = f.retries();
        }

        void run() {
            for (Workload.Producers g : workload.producers()) {
                long spread = g.spread().toMillis();
                long extra = g.stragglers() == null ? 0 : g.stragglers().extra().toMillis();
                int stragglers = g.stragglers() == null ? 0 : g.stragglers().count();
                for (int i = 0; i < g.count(); i++) {
                    long start = g.start().toMillis() + (spread > 0 ? random.nextLong(spread + 1) : 0);
                    long active = g.duration().toMillis() + (i < stragglers ? extra : 0);
                    Producer p = new Producer(g, start, active);
                    producers.add(p);
                    queue.push(p.wallTime(0), (producers.size() - 1) * 2);
                }
            }
            while (!queue.isEmpty()) {
                long now = queue.peekTime();
                int payload = queue.peekPayload();
                queue.pop();
                if ((payload & 1) == 1) {
                    if (payload >>> 1 == generation && buffered > 0) {
                        flush(now);
                    }
                    continue;
                }
                Producer p = producers.get(payload >>> 1);
                long records = p.nextBatch();
                if (records > 0) {
                    p.sent += records;
                    add(records, records * p.recordSize, now);
                }
                long next = p.advance(random);
                if (next >= 0) {
                    queue.push(next, payload);
                } else {
                    p.returnedAt = now;
                }
            }
            for (int i = 0; i < producers.size(); i++) {
                Producer p = producers.get(i);
                String id = "p" + i;
                traffic.declarations.add(new Declaration(p.start, dataset, id, -1));
                traffic.declarations.add(new Declaration(Math.max(p.start, p.returnedAt), dataset, id, p.sent));
            }
        }

        private void add(long records, long bytes, long now) {
            if (buffered == 0 && intervalMs > 0) {
                queue.push(now + intervalMs, generation * 2 + 1);
            }
            buffered += bytes;
            bufferedRecords += records;
            if (buffered >= bufferBytes || intervalMs == 0) {
                flush(now);
            }
        }

        private void flush(long now) {
            long size = buffered;
            long records = bufferedRecords;
            buffered = 0;
            bufferedRecords = 0;
            generation++;
            long eventTime = now;
            if (uploadBytesPerMs > 0) {
                eventTime += (long) Math.ceil(size / uploadBytesPerMs);
            }
            if (retries.probability() > 0 && random.nextDouble() < retries.probability()) {
                long lo = retries.minDelay().toMillis();
                long hi = retries.maxDelay().toMillis();
                eventTime += hi == lo ? lo : lo + random.nextLong(hi - lo + 1);
            }
            // the key names the hour of the flush, as Firehose does, even when a retry lands it later
            String key = hourPrefix(now) + "stream-" + (flushes++);
            traffic.land(dataset, key, size, records, now, eventTime, workload.events(), random);
        }

        private String hourPrefix(long millis) {
            long hour = Math.floorDiv(millis, 3_600_000L);
            String p = hourPrefixes.get(hour);
            if (p == null) {
                LocalDateTime t = LocalDateTime.ofInstant(Simulator.ORIGIN.plusSeconds(hour * 3600), ZoneOffset.UTC);
                p = String.format(java.util.Locale.ROOT, "events/%04d/%02d/%02d/%02d/",
                        t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getHour());
                hourPrefixes.put(hour, p);
            }
            return p;
        }
    }

    /** One producer's batches, in its own sending time (pauses excluded). */
    private static final class Producer {
        final long start;
        final long activeEnd;
        final long interval;
        final boolean poisson;
        final double perBatch;
        final long recordSize;
        final long[] pauseAt;
        final long[] pauseLength;
        long active;
        double carry;
        long sent;
        long returnedAt;

        Producer(Workload.Producers g, long start, long activeEnd) {
            this.start = start;
            this.activeEnd = activeEnd;
            this.interval = g.sendInterval().toMillis();
            this.poisson = g.poisson();
            this.perBatch = g.rate() * interval / 1000.0;
            this.recordSize = g.recordSize();
            this.pauseAt = new long[g.pauses().size()];
            this.pauseLength = new long[g.pauses().size()];
            for (int i = 0; i < pauseAt.length; i++) {
                pauseAt[i] = g.pauses().get(i).at().toMillis();
                pauseLength[i] = g.pauses().get(i).length().toMillis();
            }
        }

        /** Records in the batch due now; fractions carry over so the long-run rate is exact. */
        long nextBatch() {
            carry += perBatch;
            long n = (long) Math.floor(carry + 1e-9);
            carry -= n;
            return n;
        }

        /** Moves to the next batch; returns its wall time, or -1 when the producer is done. */
        long advance(SplittableRandom r) {
            long gap = poisson ? Math.round(-Math.log(1 - r.nextDouble()) * interval) : interval;
            active += gap;
            return active < activeEnd ? wallTime(active) : -1;
        }

        /** Wall time of a moment of sending time: the start plus every pause begun by then. */
        long wallTime(long activeMillis) {
            long w = start + activeMillis;
            for (int i = 0; i < pauseAt.length; i++) {
                if (pauseAt[i] <= activeMillis) {
                    w += pauseLength[i];
                }
            }
            return w;
        }
    }
}
