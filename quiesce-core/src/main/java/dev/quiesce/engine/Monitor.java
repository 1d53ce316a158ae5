package dev.quiesce.engine;

import dev.quiesce.Arrival;
import dev.quiesce.policy.PolicySpec;
import dev.quiesce.port.TallyStore;
import dev.quiesce.port.TallyStore.Effect;
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
 * Firehose lays data out. A run that already ended is not started again.
 */
public final class Monitor {

    private static final Logger LOG = LoggerFactory.getLogger(Monitor.class);

    private final TallyStore tallies;
    private final Router router;
    private final Observer observer;
    private final PolicySpec autoStart;

    public Monitor(TallyStore tallies, Router router, Observer observer) {
        this(tallies, router, observer, null);
    }

    /**
     * @param autoStart the policy of observations started by a dataset's first arrival, or {@code null}
     *     to observe only what is started explicitly
     */
    public Monitor(TallyStore tallies, Router router, Observer observer, PolicySpec autoStart) {
        this.tallies = Objects.requireNonNull(tallies, "tallies");
        this.router = Objects.requireNonNull(router, "router");
        this.observer = Objects.requireNonNull(observer, "observer");
        this.autoStart = autoStart;
    }

    /** The id of the run an arrival auto-starts. */
    public static String runId(String datasetId, Arrival arrival) {
        return datasetId + "/" + LocalDate.ofInstant(arrival.eventTime(), ZoneOffset.UTC);
    }

    /** Records one arrival in every dataset it routes to; returns what recording did in each. */
    public List<Effect> accept(Arrival arrival) {
        List<Effect> results = new ArrayList<>();
        for (Router.Route route : router.route(arrival)) {
            String datasetId = route.datasetId();
            Effect r = tallies.record(datasetId, arrival);
            LOG.debug("arrival.recorded dataset={} key={} size={} effect={}", datasetId, arrival.key(), arrival.size(), r);
            if (r.counted() && observer.arrived(datasetId) == 0 && autoStart != null) {
                observer.start(route.dated() ? datasetId : runId(datasetId, arrival), datasetId, autoStart);
            }
            results.add(r);
        }
        return results;
    }
}
