package dev.quiesce.engine;

import dev.quiesce.Arrival;
import dev.quiesce.port.TallyStore;
import dev.quiesce.port.TallyStore.Recorded;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts what lands: routes each arrival to its datasets, records it idempotently, and wakes the
 * observations of a dataset at its first arrival.
 */
public final class Monitor {

    private static final Logger LOG = LoggerFactory.getLogger(Monitor.class);

    private final TallyStore tallies;
    private final Router router;
    private final Observer observer;

    public Monitor(TallyStore tallies, Router router, Observer observer) {
        this.tallies = Objects.requireNonNull(tallies, "tallies");
        this.router = Objects.requireNonNull(router, "router");
        this.observer = Objects.requireNonNull(observer, "observer");
    }

    /** Records one arrival in every dataset it routes to; returns what recording did in each. */
    public List<Recorded> accept(Arrival arrival) {
        List<Recorded> results = new ArrayList<>();
        for (String datasetId : router.route(arrival)) {
            Recorded r = tallies.record(datasetId, arrival);
            LOG.debug("arrival.recorded dataset={} key={} size={} effect={} changeSeq={}",
                    datasetId, arrival.key(), arrival.size(), r.effect(), r.tally().changeSeq());
            if (r.counted()) {
                observer.arrived(datasetId);
            }
            results.add(r);
        }
        return results;
    }
}
