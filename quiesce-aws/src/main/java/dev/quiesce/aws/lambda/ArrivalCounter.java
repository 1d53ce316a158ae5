package dev.quiesce.aws.lambda;

import dev.quiesce.Arrival;
import dev.quiesce.aws.metrics.Metric;
import dev.quiesce.aws.metrics.Metrics;
import dev.quiesce.engine.Engine;
import dev.quiesce.port.TallyStore.Effect;
import java.util.List;

/**
 * Counts arrivals for the monitor handlers and tells the metrics whether each was new or a redelivery.
 * (A check message that cannot be sent after an arrival woke a run is not this message's failure: see
 * {@link CheckSends}.)
 */
final class ArrivalCounter {

    private final Engine engine;
    private final Metrics metrics;

    ArrivalCounter(Engine engine, Metrics metrics) {
        this.engine = engine;
        this.metrics = metrics;
    }

    void countAll(List<Arrival> arrivals) {
        for (int i = 0; i < arrivals.size(); i++) {
            count(arrivals.get(i));
        }
    }

    void count(Arrival arrival) {
        List<Effect> effects = engine.monitor().accept(arrival);
        boolean counted = false;
        for (int i = 0; i < effects.size(); i++) {
            counted |= effects.get(i).counted();
        }
        metrics.increment(counted || effects.isEmpty() ? Metric.ARRIVALS_COUNTED : Metric.ARRIVALS_DUPLICATE);
    }
}
