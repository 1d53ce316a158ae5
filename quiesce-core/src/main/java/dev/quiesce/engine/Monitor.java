package dev.quiesce.engine;

import dev.quiesce.Arrival;
import dev.quiesce.Observation;
import dev.quiesce.Sent;
import dev.quiesce.policy.PolicySpec;
import dev.quiesce.port.ArrivalBatch;
import dev.quiesce.port.ArrivalSink;
import dev.quiesce.port.ExpectationStore;
import dev.quiesce.port.TallyStore;
import dev.quiesce.port.TallyStore.Effect;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts what lands: routes each arrival to its datasets, records it idempotently, and wakes the
 * observations of a dataset at its first arrival.
 *
 * <p>With an auto-start policy, an arrival for a dataset that has no open observation starts one:
 * for a dated dataset ({@code events/2024-05-01}) named like it, otherwise named
 * {@code <dataset>/<UTC date of the arrival>}. Either way one run per dataset and day, which is how
 * Firehose lays data out. A run of a dated dataset gets the auto-start policy plus {@code period-end=} of
 * the period its key names (unless the policy sets one), so it does not complete during its day nor time
 * out before the day is over. A run that ended is not started again; with a lateness, the first arrival
 * after the run was sealed starts the next run, {@code <id>#2}.
 */
public final class Monitor {

    private static final Logger LOG = LoggerFactory.getLogger(Monitor.class);

    private final TallyStore tallies;
    private final Router router;
    private final Observer observer;
    private final PolicySpec autoStart;
    private final ExpectationStore expectations;
    private final Clock clock;
    private static final int MAX_RUNS = 1000;
    /** What an open {@link ArrivalBatch} hands this monitor's deferred arrivals to; one instance, compared by identity. */
    private final java.util.function.Consumer<List<Arrival>> batchRecorder = this::acceptAll;

    public Monitor(TallyStore tallies, Router router, Observer observer) {
        this(tallies, router, observer, null, null, Clock.systemUTC());
    }

    /**
     * @param autoStart the policy of observations started by a dataset's first arrival, or {@code null}
     *     to observe only what is started explicitly
     * @param expectations where producers' declarations are kept, or {@code null} for none
     * @param clock stamps declarations
     */
    public Monitor(TallyStore tallies, Router router, Observer observer, PolicySpec autoStart,
                   ExpectationStore expectations, Clock clock) {
        this.expectations = expectations;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.tallies = Objects.requireNonNull(tallies, "tallies");
        this.router = Objects.requireNonNull(router, "router");
        this.observer = Objects.requireNonNull(observer, "observer");
        this.autoStart = autoStart;
    }

    /**
     * A producer opened for a dataset (idempotent).
     *
     * @throws IllegalStateException if this monitor keeps no declarations
     */
    public void opened(String datasetId, String producerId) {
        ArrivalBatch.flush(batchRecorder); // a declaration judges the data handed over before it
        if (requireExpectations().open(datasetId, producerId, clock.instant())) {
            if (LOG.isInfoEnabled()) {
                LOG.info("producer.opened dataset={} producer={}", datasetId, producerId);
            }
            observer.declared(datasetId);
        }
    }

    /**
     * A producer closed with what it sent (idempotent: the first close wins). Exact observations of the
     * dataset are checked at once.
     *
     * @throws IllegalStateException if this monitor keeps no declarations
     */
    public void closed(String datasetId, String producerId, Sent sent) {
        closed(datasetId, producerId, sent, dev.quiesce.Attribution.NONE);
    }

    /** As {@link #closed(String, String, Sent)}, with which objects are the producer's. */
    public void closed(String datasetId, String producerId, Sent sent, dev.quiesce.Attribution attribution) {
        ArrivalBatch.flush(batchRecorder); // a declaration judges the data handed over before it
        if (requireExpectations().close(datasetId, producerId, sent, attribution, clock.instant())) {
            if (LOG.isInfoEnabled()) {
                // guarded: five arguments mean an array and three boxed counts per close, logged or not
                LOG.info("producer.closed dataset={} producer={} records={} bytes={} objects={}",
                        datasetId, producerId, sent.records(), sent.bytes(), sent.objects());
            }
            observer.declared(datasetId);
        } else {
            LOG.debug("producer.close_repeated dataset={} producer={}", datasetId, producerId);
        }
    }

    private ExpectationStore requireExpectations() {
        if (expectations == null) {
            throw new IllegalStateException("this engine keeps no producer declarations; build it with an ExpectationStore");
        }
        return expectations;
    }

    /**
     * Starts the dataset's run, or its next one: a run that was sealed after its lateness is followed by
     * {@code <id>#2}, {@code #3}, ... A run that ended without lateness is not followed.
     */
    private void startRun(String baseId, String datasetId, PolicySpec spec) {
        for (int n = 1; n <= MAX_RUNS; n++) {
            Observation o = observer.start(n == 1 ? baseId : baseId + "#" + n, datasetId, spec);
            if (o.watching() || o.spec().guards().lateness() == null) {
                return;
            }
        }
        LOG.warn("run.not_started dataset={} reason=\"{} sealed runs already\"", datasetId, MAX_RUNS);
    }

    /** Starts the run an arrival on {@code route} auto-starts. */
    private void startRun(Router.Route route, Arrival arrival) {
        if (!route.dated()) {
            startRun(runId(route.datasetId(), arrival), route.datasetId(), autoStart);
            return;
        }
        PolicySpec spec = autoStart;
        if (route.periodEnd() == null) {
            // counted under the date its key names, but with no calendar period there is nothing to hold for;
            // debug, since every arrival after such a run ended comes here again
            LOG.debug("run.without_period dataset={} key={} reason=\"the key names no calendar date\"",
                    route.datasetId(), arrival.key());
        } else if (autoStart.guards().periodEnd() == null) {
            spec = new PolicySpec(autoStart.policy(), autoStart.guards().withPeriodEnd(route.periodEnd()));
        }
        startRun(route.datasetId(), route.datasetId(), spec);
    }

    /** The id of the run an arrival auto-starts. */
    public static String runId(String datasetId, Arrival arrival) {
        return datasetId + "/" + LocalDate.ofInstant(arrival.eventTime(), ZoneOffset.UTC);
    }

    /** A source of {@code bucket} cannot see all of it: the datasets it feeds are held (see {@link Observer#blind}). */
    public void blind(String bucket, String reason) {
        for (String datasetId : router.datasetIdsOf(bucket)) {
            observer.blind(datasetId, reason);
        }
    }

    /** A source of {@code bucket} sees all of it again. */
    public void seeing(String bucket) {
        for (String datasetId : router.datasetIdsOf(bucket)) {
            observer.seeing(datasetId);
        }
    }

    /** A sink for a source of {@code bucket}: arrivals recorded here, its sight passed to the observer. */
    public ArrivalSink sink(String bucket) {
        return new ArrivalSink() {
            @Override
            public void accept(Arrival arrival) {
                Monitor.this.accept(arrival);
            }

            @Override
            public void acceptAll(List<Arrival> arrivals) {
                Monitor.this.acceptAll(arrivals);
            }

            @Override
            public void blind(String reason) {
                Monitor.this.blind(bucket, reason);
            }

            @Override
            public void seeing() {
                Monitor.this.seeing(bucket);
            }
        };
    }

    /**
     * Records one arrival in every dataset it routes to; returns what recording did in each. Inside an
     * {@link ArrivalBatch} on this thread (a source handing over many arrivals), the arrival is deferred to
     * the batch and recorded with the others by {@link #acceptAll} when it ends; the result is then empty.
     */
    public List<Effect> accept(Arrival arrival) {
        if (ArrivalBatch.defer(batchRecorder, arrival)) {
            return List.of();
        }
        List<Router.Route> routes = router.route(arrival);
        Instant seenAt = clock.instant();
        List<Effect> results = new ArrayList<>(routes.size());
        for (Router.Route route : routes) {
            String datasetId = route.datasetId();
            Effect r = tallies.record(datasetId, arrival, seenAt);
            if (LOG.isDebugEnabled()) {
                // guarded: an array and a boxed size per arrival otherwise, logged or not
                LOG.debug("arrival.recorded dataset={} key={} size={} effect={}", datasetId, arrival.key(), arrival.size(), r);
            }
            if (r == Effect.REMOVED) {
                // before arrived(): a run whose spec fails on deletes must end, not complete on what is left
                observer.removed(datasetId, arrival.key());
            }
            if (r.counted() && observer.arrived(datasetId) == 0 && autoStart != null) {
                startRun(route, arrival);
            }
            results.add(r);
        }
        return results;
    }

    /**
     * Records a batch of arrivals as {@link #accept} would one by one, but with one
     * {@link TallyStore#recordAll} per dataset and one wake-up of its observations per batch rather than
     * one per arrival: what lets a source that lands thousands of files a second keep up, and what makes an
     * exact policy check once per dataset and batch rather than once per object.
     *
     * @return how many of the arrivals were counted in at least one dataset (the rest were redeliveries)
     */
    public int acceptAll(List<Arrival> arrivals) {
        if (arrivals.isEmpty()) {
            return 0;
        }
        java.util.Set<Arrival> counted = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        Instant seenAt = clock.instant();
        for (java.util.Map.Entry<Router.Route, List<Arrival>> e : byRoute(arrivals).entrySet()) {
            List<Effect> effects = record(e.getKey(), e.getValue(), seenAt);
            for (int i = 0; i < effects.size(); i++) {
                if (effects.get(i).counted()) {
                    counted.add(e.getValue().get(i));
                }
            }
        }
        return counted.size();
    }

    /** What a {@link #backfill} did with the objects of one listing page. */
    public record Backfilled(int recorded, int alreadyCounted) {
    }

    /**
     * Records objects a listing found (a backfill of events lost, or of data that was there before the
     * notifications), routed and woken as {@link #acceptAll} does, except that an object whose key its
     * dataset already holds is left alone.
     *
     * <p>Why: a listing has no sequencer, so its token can never equal the one a live event gave the same
     * object; recorded anyway it would count once (an overwrite of equal size) but move the change
     * sequence, so a backfill over counted data would restart the quiet time of a run, or add a LATE
     * amendment to a finished one. Asking the store which keys are present costs a read per key and
     * leaves counted data untouched. The price: an overwrite whose event was lost is not repaired (its
     * key is present, at an older version).
     *
     * @return how many objects were recorded into some dataset, and how many every dataset of theirs
     *     already held (present, or this very listing token recorded before)
     */
    public Backfilled backfill(List<Arrival> listed) {
        java.util.Set<Arrival> recorded = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        Instant seenAt = clock.instant();
        for (java.util.Map.Entry<Router.Route, List<Arrival>> e : byRoute(listed).entrySet()) {
            List<Arrival> batch = e.getValue();
            List<String> keys = new ArrayList<>(batch.size());
            batch.forEach(a -> keys.add(a.key()));
            java.util.Set<String> present = tallies.present(e.getKey().datasetId(), keys);
            List<Arrival> missing = new ArrayList<>(batch.size());
            for (Arrival a : batch) {
                if (a.kind() != Arrival.Kind.CREATED) {
                    throw new IllegalArgumentException("a listing reports objects, not removals: " + a);
                }
                if (!present.contains(a.key())) {
                    missing.add(a);
                }
            }
            List<Effect> effects = record(e.getKey(), missing, seenAt);
            for (int i = 0; i < effects.size(); i++) {
                if (effects.get(i).counted()) {
                    recorded.add(missing.get(i));
                }
            }
        }
        return new Backfilled(recorded.size(), listed.size() - recorded.size());
    }

    /** Per route, its arrivals in their order; a batch usually has one route. */
    private java.util.Map<Router.Route, List<Arrival>> byRoute(List<Arrival> arrivals) {
        java.util.Map<Router.Route, List<Arrival>> byRoute = new java.util.LinkedHashMap<>();
        for (Arrival a : arrivals) {
            for (Router.Route route : router.route(a)) {
                byRoute.computeIfAbsent(route, r -> new ArrayList<>()).add(a);
            }
        }
        return byRoute;
    }

    /** Records one route's arrivals with one {@link TallyStore#recordAll} and wakes its observations once. */
    private List<Effect> record(Router.Route route, List<Arrival> batch, Instant seenAt) {
        if (batch.isEmpty()) {
            return List.of();
        }
        String datasetId = route.datasetId();
        List<Effect> effects = tallies.recordAll(datasetId, batch, seenAt);
        Arrival firstCounted = null;
        List<String> removedKeys = new ArrayList<>();
        for (int i = 0; i < effects.size(); i++) {
            Effect r = effects.get(i);
            if (r == Effect.REMOVED) {
                removedKeys.add(batch.get(i).key());
            }
            if (r.counted() && firstCounted == null) {
                firstCounted = batch.get(i);
            }
        }
        LOG.debug("arrivals.recorded dataset={} arrivals={}", datasetId, batch.size());
        // the run a batch starts must see the batch's removals too (created and removed in one batch end a
        // deletes=fail run as one by one would); waking only schedules checks, so none completes on what is left
        if (firstCounted != null && observer.arrived(datasetId) == 0 && autoStart != null) {
            startRun(route, firstCounted);
        }
        for (String key : removedKeys) {
            observer.removed(datasetId, key);
        }
        return effects;
    }
}
