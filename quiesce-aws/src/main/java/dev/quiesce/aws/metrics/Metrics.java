package dev.quiesce.aws.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quiesce.EventType;
import dev.quiesce.LifecycleEvent;
import dev.quiesce.Observation;
import dev.quiesce.Tally;
import dev.quiesce.engine.EngineListener;
import dev.quiesce.port.OutboxEntry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Gathers the {@link Metric metrics} of one Lambda invocation and writes them, when {@link #flush flushed},
 * as CloudWatch embedded metric format (EMF) documents, one JSON object per line.
 *
 * <p>A document looks like this (the counts are published at every flush, zero included, so alarms and
 * sums see every invocation; {@code DetectionLatency} only when measured):
 * <pre>{@code
 * {"_aws":{"Timestamp":1714521600000,"CloudWatchMetrics":[
 *     {"Namespace":"quiesce","Dimensions":[[]],"Metrics":[{"Name":"ArrivalsCounted","Unit":"Count"}, ...]},
 *     {"Namespace":"quiesce","Dimensions":[["Outcome"]],"Metrics":[{"Name":"Completions","Unit":"Count"}]}]},
 *  "handler":"observer","ArrivalsCounted":0, ..., "DetectionLatency":[61000],
 *  "Outcome":"COMPLETE","Completions":1}
 * }</pre>
 * The empty dimension set ({@code [[]]}) publishes a metric under its namespace and name alone. A document
 * carries one value per dimension, so when runs ended in more than one way in an invocation, each further
 * outcome gets a document of its own; so do latencies beyond the 100 values EMF takes per metric.
 *
 * <p>Counts come from the engine through {@link #listener()} (completions, detection latency, OVERDUE
 * reports, notification retries and dead letters) and from the handlers (arrivals, checks, rejected
 * messages, side-job failures).
 *
 * <p>Thread-safe. A Lambda container runs one invocation at a time; if invocations overlap (tests,
 * another runtime), each flush takes what was gathered so far, so nothing is counted twice or lost.
 */
public final class Metrics {

    /** The dimension of {@link Metric#COMPLETIONS}: the terminal state, e.g. {@code COMPLETE}, {@code TIMED_OUT}. */
    public static final String OUTCOME = "Outcome";
    /** The most values EMF takes for one metric in one document. */
    static final int MAX_VALUES = 100;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String namespace;
    private final Clock clock;
    private final Consumer<String> sink;
    private final EngineListener listener = new Listener();

    // guarded by this
    private final Map<Metric, Long> counts = new EnumMap<>(Metric.class);
    private final Map<String, Long> completions = new LinkedHashMap<>();
    private final List<Long> latencies = new ArrayList<>();

    /**
     * @param namespace the CloudWatch namespace of every metric
     * @param clock stamps each document ({@code _aws.Timestamp})
     * @param sink takes each document, one line of JSON without a line break
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code namespace} is blank
     */
    public Metrics(String namespace, Clock clock, Consumer<String> sink) {
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sink = Objects.requireNonNull(sink, "sink");
        if (namespace.isBlank()) {
            throw new IllegalArgumentException("namespace must not be blank");
        }
    }

    /** Metrics written to standard output, where Lambda hands them to CloudWatch Logs. */
    public static Metrics toStandardOutput(String namespace, Clock clock) {
        return new Metrics(namespace, clock, line -> {
            System.out.println(line);
            System.out.flush();
        });
    }

    public String namespace() {
        return namespace;
    }

    /**
     * Adds {@code n} to a count.
     *
     * @throws IllegalArgumentException if {@code n < 0} or the metric is not a plain count
     *     ({@link Metric#COMPLETIONS}, {@link Metric#DETECTION_LATENCY})
     */
    public void add(Metric metric, long n) {
        Objects.requireNonNull(metric, "metric");
        if (!metric.counter()) {
            throw new IllegalArgumentException(metric + " is not a plain count");
        }
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, was " + n);
        }
        synchronized (this) {
            counts.merge(metric, n, Long::sum);
        }
    }

    /** Adds one to a count (see {@link #add}). */
    public void increment(Metric metric) {
        add(metric, 1);
    }

    /** A run ended in {@code outcome} (a terminal state name). */
    public synchronized void completed(String outcome) {
        completions.merge(Objects.requireNonNull(outcome, "outcome"), 1L, Long::sum);
    }

    /** A completed run's detection latency; a negative one (clocks apart) counts as zero. */
    public synchronized void detectionLatency(Duration latency) {
        latencies.add(Math.max(0, latency.toMillis()));
    }

    /** Hears the engine: completions and their latency, OVERDUE reports, notification retries and dead letters. */
    public EngineListener listener() {
        return listener;
    }

    /** Forgets what was gathered and not flushed (after a SnapStart restore: priming counts nothing real). */
    public synchronized void reset() {
        counts.clear();
        completions.clear();
        latencies.clear();
    }

    /**
     * Writes what was gathered since the last flush to the sink and starts over.
     *
     * @param properties extra string members of every document, e.g. {@code handler} and the request id,
     *     searchable in CloudWatch Logs Insights; not metrics
     * @return the documents written, in order
     */
    public List<String> flush(Map<String, String> properties) {
        Gathered g;
        synchronized (this) {
            g = new Gathered(new EnumMap<>(counts), new LinkedHashMap<>(completions), List.copyOf(latencies));
            reset();
        }
        List<String> lines = render(g, properties, clock.instant());
        for (String line : lines) {
            sink.accept(line);
        }
        return lines;
    }

    /** The documents a flush would write now, without writing them or starting over (priming, tests). */
    public synchronized List<String> peek(Map<String, String> properties) {
        return render(new Gathered(new EnumMap<>(counts), new LinkedHashMap<>(completions), List.copyOf(latencies)),
                properties, clock.instant());
    }

    private record Gathered(Map<Metric, Long> counts, Map<String, Long> completions, List<Long> latencies) {
    }

    private List<String> render(Gathered g, Map<String, String> properties, Instant at) {
        List<String> lines = new ArrayList<>();
        Iterator<Map.Entry<String, Long>> outcomes = g.completions().entrySet().iterator();
        int latencyFrom = 0;
        boolean first = true;
        while (first || outcomes.hasNext() || latencyFrom < g.latencies().size()) {
            ObjectNode doc = JSON.createObjectNode();
            ObjectNode aws = doc.putObject("_aws");
            aws.put("Timestamp", at.toEpochMilli());
            ArrayNode directives = aws.putArray("CloudWatchMetrics");
            properties.forEach(doc::put);
            ArrayNode plain = JSON.createArrayNode();
            if (first) {
                for (Metric m : Metric.values()) {
                    if (m.counter()) {
                        definition(plain, m);
                        doc.put(m.metricName(), g.counts().getOrDefault(m, 0L));
                    }
                }
            }
            if (latencyFrom < g.latencies().size()) {
                int to = Math.min(g.latencies().size(), latencyFrom + MAX_VALUES);
                definition(plain, Metric.DETECTION_LATENCY);
                ArrayNode values = doc.putArray(Metric.DETECTION_LATENCY.metricName());
                g.latencies().subList(latencyFrom, to).forEach(values::add);
                latencyFrom = to;
            }
            if (!plain.isEmpty()) {
                directive(directives).set("Metrics", plain);
            }
            if (outcomes.hasNext()) {
                Map.Entry<String, Long> o = outcomes.next();
                ObjectNode d = directive(directives);
                d.putArray("Dimensions").addArray().add(OUTCOME);
                definition(d.putArray("Metrics"), Metric.COMPLETIONS);
                doc.put(OUTCOME, o.getKey());
                doc.put(Metric.COMPLETIONS.metricName(), o.getValue());
            }
            first = false;
            try {
                lines.add(JSON.writeValueAsString(doc));
            } catch (JsonProcessingException e) {
                // a tree of strings and numbers always serialises; reaching here is a bug
                throw new IllegalStateException("cannot serialise an EMF document", e);
            }
        }
        return lines;
    }

    /** A directive of this namespace with the empty dimension set (callers may replace the dimensions). */
    private ObjectNode directive(ArrayNode directives) {
        ObjectNode d = directives.addObject();
        d.put("Namespace", namespace);
        d.putArray("Dimensions").addArray();
        return d;
    }

    private static void definition(ArrayNode metrics, Metric m) {
        metrics.addObject().put("Name", m.metricName()).put("Unit", m.unit().cloudWatchName());
    }

    /** Turns what the engine tells into metrics. */
    private final class Listener implements EngineListener {

        @Override
        public void transitioned(Observation observation, LifecycleEvent event) {
            EventType type = event.type();
            if (type == EventType.OVERDUE) {
                increment(Metric.RUNS_OVERDUE);
            }
            // LATE leads into COMPLETE too, but amends a run that already ended
            if (type.terminal() && type != EventType.LATE) {
                completed(type.state().name());
            }
            if (type == EventType.COMPLETED) {
                Tally tally = event.tally();
                Instant last = tally.lastActivity();
                if (last != null) {
                    detectionLatency(Duration.between(last, event.time()));
                }
            }
        }

        @Override
        public void retrying(OutboxEntry entry, int attempt, String error, Instant retryAt) {
            increment(Metric.NOTIFIER_RETRIES);
        }

        @Override
        public void deadLettered(OutboxEntry entry, int attempts, String error) {
            increment(Metric.NOTIFIER_DEAD_LETTERS);
        }
    }
}
