package dev.quiesce.engine;

import dev.quiesce.Arrival;
import dev.quiesce.Dataset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Routes each arrival to the dataset whose prefix matches its key longest within its bucket.
 *
 * <p>Arrivals no dataset claims are counted under their bucket's name, as the founding note counts
 * everything under the bucket, so nothing is lost. Thread-safe; datasets may be added while running.
 */
public final class Router {

    private final List<Dataset> datasets = new CopyOnWriteArrayList<>();

    public Router(List<Dataset> datasets) {
        this.datasets.addAll(datasets);
    }

    public void add(Dataset dataset) {
        datasets.add(dataset);
    }

    /** The dataset ids the arrival belongs to: every dataset tied for the longest matching prefix, or its bucket. */
    public List<String> route(Arrival arrival) {
        int best = -1;
        List<String> ids = new ArrayList<>();
        for (Dataset d : datasets) {
            int m = d.match(arrival);
            if (m > best) {
                best = m;
                ids.clear();
                ids.add(d.id());
            } else if (m == best && m >= 0) {
                ids.add(d.id());
            }
        }
        return ids.isEmpty() ? List.of(arrival.bucket()) : List.copyOf(ids);
    }
}
