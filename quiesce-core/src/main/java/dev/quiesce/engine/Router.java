package dev.quiesce.engine;

import dev.quiesce.Arrival;
import dev.quiesce.Dataset;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Routes each arrival to the dataset whose prefix matches its key longest within its bucket.
 *
 * <p>Arrivals no dataset claims are counted under their bucket's name, as the founding note counts
 * everything under the bucket, so nothing is lost. A dated prefix ({@code events/{yyyy}/{MM}/{dd}/})
 * routes each date to a dataset of its own. Thread-safe; datasets may be added while running.
 */
public final class Router {

    /**
     * Where an arrival is counted.
     *
     * @param datasetId the tally it goes into
     * @param dated whether the dataset is one date of a dated prefix, and so already one run
     * @param periodEnd the end of the period the dated dataset covers (see {@link Dataset#instance}), or
     *     {@code null} when it is undated or its key names no calendar period
     */
    public record Route(String datasetId, boolean dated, Instant periodEnd) {

        /** A route without a period. */
        public Route(String datasetId, boolean dated) {
            this(datasetId, dated, null);
        }
    }

    private final List<Dataset> datasets = new CopyOnWriteArrayList<>();

    public Router(List<Dataset> datasets) {
        this.datasets.addAll(datasets);
    }

    public void add(Dataset dataset) {
        datasets.add(dataset);
    }

    /**
     * The datasets a source of {@code bucket} feeds, for telling them its sight: every dataset in that
     * bucket, or the bucket itself when none is (unrouted arrivals are counted under it). A dated dataset
     * is named by its base id.
     */
    public List<String> datasetIdsOf(String bucket) {
        List<String> ids = new ArrayList<>();
        for (Dataset d : datasets) {
            if (d.bucket().equals(bucket)) {
                ids.add(d.id());
            }
        }
        return ids.isEmpty() ? List.of(bucket) : ids;
    }

    /** Every dataset tied for the longest matching prefix, or the arrival's bucket. */
    public List<Route> route(Arrival arrival) {
        if (datasets.isEmpty()) {
            // everything counted under its bucket, as the founding note does: no scan, no match list
            return List.of(new Route(arrival.bucket(), false));
        }
        List<Dataset> matched = bestMatches(datasets, arrival);
        if (matched.isEmpty()) {
            return List.of(new Route(arrival.bucket(), false));
        }
        List<Route> routes = new ArrayList<>();
        for (Dataset d : matched) {
            Dataset.Instance i = d.instance(arrival);
            routes.add(new Route(i.id(), d.dated(), i.periodEnd()));
        }
        return routes;
    }

    /** The datasets tied for the longest prefix matching the arrival; empty when none matches. */
    public static List<Dataset> bestMatches(List<Dataset> datasets, Arrival arrival) {
        int best = -1;
        List<Dataset> matched = new ArrayList<>();
        for (Dataset d : datasets) {
            int m = d.match(arrival);
            if (m > best) {
                best = m;
                matched.clear();
                matched.add(d);
            } else if (m == best && m >= 0) {
                matched.add(d);
            }
        }
        return matched;
    }
}
