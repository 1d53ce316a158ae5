package dev.quiesce.sim;

import dev.quiesce.InvalidConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What lands in storage, described the way a data team knows its stream: producers pushing records
 * into a delivery stream modelled on Kinesis Data Firehose, storage events reaching the monitor late,
 * twice or out of order; or, for exact checks, an explicit list of arrivals.
 *
 * <p>Read from JSON with {@link #parse(String, String)} or {@link #read(Path)}; every field but
 * {@code name} and either {@code producers} or {@code arrivals} has a default. Durations are written
 * {@code "30s"}, {@code "5m"}, {@code "500ms"}, ISO-8601 ({@code "PT30S"}) or as a number of seconds.
 * Example:
 *
 * <pre>{@code
 * {
 *   "name": "steady-firehose-60s",
 *   "datasets": 1,
 *   "producers": [{"count": 50, "spread": "5s", "rate": 20, "recordSize": 1024, "duration": "5m"}],
 *   "firehose": {"bufferSizeMiB": 5, "bufferInterval": "60s"},
 *   "events": {"delay": {"distribution": "lognormal", "median": "1s", "sigma": 0.5, "max": "30s"},
 *              "duplicateProbability": 0.01, "reorderWindow": "2s"}
 * }
 * }</pre>
 *
 * Each of the {@code datasets} datasets gets its own copy of the producers and its own delivery
 * stream, drawn independently. Instances are immutable; the constructors validate and throw
 * {@link InvalidConfigurationException} with a message naming the field.
 *
 * @param name short name, lower case letters, digits and dashes; shown in reports
 * @param description what the workload stands for, in words; may be empty
 * @param datasets how many datasets land at once, each observed by its own observation; default 1
 * @param producers producer groups; exclusive with {@code arrivals}
 * @param firehose the delivery stream the producers write to; default {@link Firehose#DEFAULT}
 * @param events how storage events reach the monitor; default: at once, exactly once
 * @param arrivals an explicit list of objects landing; exclusive with {@code producers}
 * @param horizon how long after the last arrival became visible a run keeps going before an
 *     observation that has not finished is counted as unfinished; default 24 h
 */
public record Workload(String name, String description, Integer datasets, List<Producers> producers,
                       Firehose firehose, Events events, List<PlannedArrival> arrivals, Duration horizon) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");
    /** Default {@link #horizon}. */
    public static final Duration DEFAULT_HORIZON = Duration.ofHours(24);

    public Workload {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidConfigurationException("name must be lower case letters, digits and dashes, was '"
                    + name + "'");
        }
        description = description == null ? "" : description;
        datasets = datasets == null ? 1 : datasets;
        if (datasets < 1 || datasets > 1_000_000) {
            throw new InvalidConfigurationException("datasets must be between 1 and 1000000, was " + datasets);
        }
        boolean hasProducers = producers != null && !producers.isEmpty();
        boolean hasArrivals = arrivals != null && !arrivals.isEmpty();
        if (hasProducers == hasArrivals) {
            throw new InvalidConfigurationException(
                    "give either 'producers' (a modelled stream) or 'arrivals' (an explicit list), not "
                            + (hasProducers ? "both" : "neither"));
        }
        if (hasArrivals && firehose != null) {
            throw new InvalidConfigurationException(
                    "'firehose' applies to producers only; explicit 'arrivals' land as listed");
        }
        producers = hasProducers ? List.copyOf(producers) : List.of();
        arrivals = hasArrivals ? List.copyOf(arrivals) : List.of();
        firehose = firehose == null && hasProducers ? Firehose.DEFAULT : firehose;
        events = events == null ? Events.IMMEDIATE : events;
        horizon = horizon == null ? DEFAULT_HORIZON : horizon;
        if (horizon.isZero() || horizon.isNegative()) {
            throw new InvalidConfigurationException("horizon must be > 0, was " + horizon);
        }
    }

    /** A workload of explicit arrivals into one dataset, delivered at once and exactly once. */
    public static Workload explicit(String name, List<PlannedArrival> arrivals) {
        return new Workload(name, "", 1, null, null, null, arrivals, null);
    }

    /** Whether this workload lists its arrivals rather than modelling producers. */
    public boolean isExplicit() {
        return !arrivals.isEmpty();
    }

    /**
     * Reads a workload from JSON text.
     *
     * @param source where the text came from, for messages (a file name)
     * @throws InvalidConfigurationException saying where and what is wrong, when the text is not JSON
     *     or not a valid workload
     */
    public static Workload parse(String json, String source) {
        return WorkloadJson.parse(json, source);
    }

    /**
     * Reads a workload from a JSON file.
     *
     * @throws InvalidConfigurationException if the file cannot be read or is not a valid workload
     */
    public static Workload read(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new InvalidConfigurationException("cannot read workload " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a workload from a class-path resource. */
    static Workload readResource(String resource) {
        try (InputStream in = Workload.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new InvalidConfigurationException("no workload resource " + resource);
            }
            return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), resource);
        } catch (IOException e) {
            throw new InvalidConfigurationException("cannot read workload " + resource + ": " + e.getMessage(), e);
        }
    }

    private static void positive(Duration d, String what) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new InvalidConfigurationException(what + " must be > 0, was " + d);
        }
    }

    private static Duration nonNegative(Duration d, Duration orElse, String what) {
        if (d == null) {
            return orElse;
        }
        if (d.isNegative()) {
            throw new InvalidConfigurationException(what + " must be >= 0, was " + d);
        }
        return d;
    }

    private static double probability(Double p, String what) {
        if (p == null) {
            return 0;
        }
        if (!(p >= 0 && p <= 1)) {
            throw new InvalidConfigurationException(what + " must be between 0 and 1, was " + p);
        }
        return p;
    }

    /**
     * A group of identical producers.
     *
     * <p>Each producer starts at {@code start} plus a uniform draw in {@code [0, spread]} and sends a
     * batch (one PutRecordBatch) every {@code sendInterval} &mdash; or, with {@code poisson}, after
     * exponentially distributed gaps with that mean &mdash; carrying {@code rate × sendInterval}
     * records on average (fractions carry over to the next batch) of {@code recordSize} bytes each,
     * for {@code duration} of sending time. A pause stops sending for its length after {@code at} of
     * sending time, so it delays the producer's end rather than cutting its work short.
     *
     * @param count producers in the group; default 1
     * @param start when the group starts, from the start of the run; default 0
     * @param spread start times are spread uniformly over this; default 0
     * @param rate records per second per producer; required, &gt; 0
     * @param recordSize bytes per record, 1 to 1,024,000 (Firehose's record limit); default 1024
     * @param duration sending time per producer; required, &gt; 0
     * @param sendInterval time between batches; default 1 s
     * @param poisson whether gaps between batches are exponential (a Poisson process); default false
     * @param pauses silences within the sending time; default none
     * @param stragglers producers of the group that send longer than the rest; default none
     */
    public record Producers(Integer count, Duration start, Duration spread, Double rate, Integer recordSize,
                            Duration duration, Duration sendInterval, Boolean poisson, List<Pause> pauses,
                            Stragglers stragglers) {

        public Producers {
            count = count == null ? 1 : count;
            if (count < 1) {
                throw new InvalidConfigurationException("count must be >= 1, was " + count);
            }
            start = nonNegative(start, Duration.ZERO, "start");
            spread = nonNegative(spread, Duration.ZERO, "spread");
            if (rate == null || !(rate > 0) || rate.isInfinite()) {
                throw new InvalidConfigurationException("rate must be > 0 records per second, was " + rate);
            }
            recordSize = recordSize == null ? 1024 : recordSize;
            if (recordSize < 1 || recordSize > 1_024_000) {
                throw new InvalidConfigurationException("recordSize must be between 1 and 1024000 bytes, was "
                        + recordSize);
            }
            positive(duration, "duration");
            sendInterval = sendInterval == null ? Duration.ofSeconds(1) : sendInterval;
            positive(sendInterval, "sendInterval");
            if (sendInterval.toMillis() < 1) {
                throw new InvalidConfigurationException("sendInterval must be at least 1ms, was " + sendInterval);
            }
            poisson = poisson != null && poisson;
            pauses = pauses == null ? List.of() : List.copyOf(pauses);
            if (stragglers != null && stragglers.count() > count) {
                throw new InvalidConfigurationException("stragglers.count (" + stragglers.count()
                        + ") must not exceed the group's count (" + count + ")");
            }
        }

        /** A group of {@code count} producers sending for {@code duration} at {@code rate} records/s. */
        public static Producers of(int count, double rate, Duration duration) {
            return new Producers(count, null, null, rate, null, duration, null, null, null, null);
        }
    }

    /**
     * A silence in a producer's sending.
     *
     * @param at sending time before the pause starts
     * @param length how long the producer sends nothing
     */
    public record Pause(Duration at, Duration length) {
        public Pause {
            at = nonNegative(at, null, "pause.at");
            if (at == null) {
                throw new InvalidConfigurationException("pause.at is required");
            }
            positive(length, "pause.length");
        }
    }

    /**
     * Producers that keep sending after the rest of their group stopped.
     *
     * @param count how many of the group; at least 1
     * @param extra how much longer they send
     */
    public record Stragglers(Integer count, Duration extra) {
        public Stragglers {
            count = count == null ? 1 : count;
            if (count < 1) {
                throw new InvalidConfigurationException("stragglers.count must be >= 1, was " + count);
            }
            positive(extra, "stragglers.extra");
        }
    }

    /**
     * A delivery stream modelled on Kinesis Data Firehose: records are buffered and written as one object
     * per flush, when the buffer reaches {@code bufferSizeMiB} or {@code bufferInterval} after its first
     * record, whichever comes first (an interval of 0 flushes at every batch). A flushed object becomes an
     * object in storage after its upload ({@code size / uploadMiBPerSecond}, a multipart upload for large
     * objects); a failed delivery is retried and lands later, under the key of its original hour.
     *
     * @param bufferSizeMiB 1 to 128; default 5
     * @param bufferInterval 0 to 900 s; default 300 s
     * @param uploadMiBPerSecond upload throughput; default 0, meaning objects appear at once
     * @param retries failed deliveries retried later; default none
     */
    public record Firehose(Double bufferSizeMiB, Duration bufferInterval, Double uploadMiBPerSecond,
                           Retries retries) {

        /** Firehose's defaults: 5 MiB, 300 s, no upload time, no retries. */
        public static final Firehose DEFAULT = new Firehose(null, null, null, null);

        public Firehose {
            bufferSizeMiB = bufferSizeMiB == null ? 5.0 : bufferSizeMiB;
            if (!(bufferSizeMiB >= 1 && bufferSizeMiB <= 128)) {
                throw new InvalidConfigurationException("bufferSizeMiB must be between 1 and 128, was " + bufferSizeMiB);
            }
            bufferInterval = bufferInterval == null ? Duration.ofSeconds(300) : bufferInterval;
            if (bufferInterval.isNegative() || bufferInterval.compareTo(Duration.ofSeconds(900)) > 0) {
                throw new InvalidConfigurationException("bufferInterval must be between 0s and 900s, was "
                        + bufferInterval.toSeconds() + "s");
            }
            uploadMiBPerSecond = uploadMiBPerSecond == null ? 0.0 : uploadMiBPerSecond;
            if (!(uploadMiBPerSecond >= 0) || uploadMiBPerSecond.isInfinite()) {
                throw new InvalidConfigurationException("uploadMiBPerSecond must be >= 0 (0: instant), was "
                        + uploadMiBPerSecond);
            }
            retries = retries == null ? Retries.NONE : retries;
        }

        /** A stream with the given buffer size and interval, no upload time and no retries. */
        public static Firehose of(double bufferSizeMiB, Duration bufferInterval) {
            return new Firehose(bufferSizeMiB, bufferInterval, null, null);
        }

        long bufferBytes() {
            return Math.round(bufferSizeMiB * 1024 * 1024);
        }
    }

    /**
     * Deliveries that fail and are retried: with {@code probability} an object lands a uniform draw in
     * {@code [minDelay, maxDelay]} after its flush instead of at once.
     *
     * @param probability of a retry per object; default 0
     * @param minDelay shortest retry delay; default 0
     * @param maxDelay longest retry delay; default {@code minDelay}
     */
    public record Retries(Double probability, Duration minDelay, Duration maxDelay) {

        /** No retries. */
        public static final Retries NONE = new Retries(0.0, null, null);

        public Retries {
            probability = Workload.probability(probability, "retries.probability");
            minDelay = nonNegative(minDelay, Duration.ZERO, "retries.minDelay");
            maxDelay = nonNegative(maxDelay, minDelay, "retries.maxDelay");
            if (maxDelay.compareTo(minDelay) < 0) {
                throw new InvalidConfigurationException("retries.maxDelay (" + maxDelay
                        + ") must not be shorter than retries.minDelay (" + minDelay + ")");
            }
        }
    }

    /**
     * How storage events reach the monitor: each after a delay drawn from {@code delay} plus a uniform
     * jitter in {@code [0, reorderWindow]} (so events overtake each other), and with
     * {@code duplicateProbability} once more, after a delay of its own (at-least-once delivery).
     *
     * @param delay the delivery delay; default none
     * @param duplicateProbability chance an event is delivered twice; default 0
     * @param reorderWindow extra uniform jitter; default 0
     */
    public record Events(Delay delay, Double duplicateProbability, Duration reorderWindow) {

        /** Every event delivered at once, exactly once. */
        public static final Events IMMEDIATE = new Events(null, null, null);

        public Events {
            delay = delay == null ? Delay.NONE : delay;
            duplicateProbability = Workload.probability(duplicateProbability, "events.duplicateProbability");
            if (duplicateProbability >= 1) {
                throw new InvalidConfigurationException("events.duplicateProbability must be < 1, was "
                        + duplicateProbability);
            }
            reorderWindow = nonNegative(reorderWindow, Duration.ZERO, "events.reorderWindow");
        }
    }

    /**
     * A delay distribution. {@code fixed} takes {@code value}; {@code uniform} draws in {@code [min, max]};
     * {@code lognormal} has median {@code median} and shape {@code sigma} (heavy tail for sigma &ge; 1);
     * {@code pareto} has scale {@code scale} (its minimum) and shape {@code shape} (tail
     * {@code P(X > x) = (scale/x)^shape}, heavier as shape falls towards 1). {@code max}, when given, caps
     * the heavy-tailed ones.
     *
     * @param distribution {@code fixed}, {@code uniform}, {@code lognormal} or {@code pareto}
     * @param value the delay of {@code fixed}
     * @param min lower bound of {@code uniform}
     * @param max upper bound of {@code uniform}; cap of the others
     * @param median median of {@code lognormal}
     * @param sigma shape of {@code lognormal}, &gt; 0
     * @param scale minimum of {@code pareto}, &gt; 0
     * @param shape tail index of {@code pareto}, &gt; 0
     */
    public record Delay(String distribution, Duration value, Duration min, Duration max, Duration median,
                        Double sigma, Duration scale, Double shape) {

        /** No delay. */
        public static final Delay NONE = new Delay("fixed", Duration.ZERO, null, null, null, null, null, null);

        public Delay {
            if (distribution == null) {
                throw new InvalidConfigurationException(
                        "delay.distribution is required: fixed, uniform, lognormal or pareto");
            }
            min = nonNegative(min, null, "delay.min");
            max = nonNegative(max, null, "delay.max");
            switch (distribution) {
                case "fixed":
                    value = nonNegative(value, null, "delay.value");
                    if (value == null) {
                        throw new InvalidConfigurationException("a fixed delay needs value, e.g. \"value\": \"2s\"");
                    }
                    break;
                case "uniform":
                    if (min == null || max == null || max.compareTo(min) < 0) {
                        throw new InvalidConfigurationException(
                                "a uniform delay needs min <= max, e.g. \"min\": \"1s\", \"max\": \"5s\"");
                    }
                    break;
                case "lognormal":
                    positive(median, "delay.median");
                    if (sigma == null || !(sigma > 0)) {
                        throw new InvalidConfigurationException("a lognormal delay needs sigma > 0, was " + sigma);
                    }
                    break;
                case "pareto":
                    positive(scale, "delay.scale");
                    if (shape == null || !(shape > 0)) {
                        throw new InvalidConfigurationException("a pareto delay needs shape > 0, was " + shape);
                    }
                    break;
                default:
                    throw new InvalidConfigurationException("unknown delay distribution '" + distribution
                            + "': use fixed, uniform, lognormal or pareto");
            }
        }

        /** A fixed delay. */
        public static Delay fixed(Duration value) {
            return new Delay("fixed", value, null, null, null, null, null, null);
        }
    }

    /**
     * One object of an explicit arrival list: created at {@code at} (its storage event time) under
     * {@code key}.
     *
     * @param at when the object is created, from the start of the run
     * @param key its key; unique within the list
     * @param size its size in bytes; default 0
     */
    public record PlannedArrival(Duration at, String key, Long size) {
        public PlannedArrival {
            at = nonNegative(at, null, "arrival.at");
            if (at == null) {
                throw new InvalidConfigurationException("arrival.at is required");
            }
            if (key == null || key.isEmpty()) {
                throw new InvalidConfigurationException("arrival.key is required");
            }
            size = size == null ? 0L : size;
            if (size < 0) {
                throw new InvalidConfigurationException("arrival.size must be >= 0, was " + size);
            }
        }

        /** An object of {@code size} bytes created {@code seconds} after the start. */
        public static PlannedArrival at(long seconds, String key, long size) {
            return new PlannedArrival(Duration.ofSeconds(seconds), key, size);
        }
    }
}
