package dev.quiesce.aws.lambda;

import dev.quiesce.Arrival;
import dev.quiesce.aws.metrics.Metric;
import dev.quiesce.aws.metrics.Metrics;
import dev.quiesce.engine.Engine;
import java.util.List;

/**
 * Counts arrivals for the monitor handlers and tells the metrics how many were new and how many
 * redeliveries. A batch is recorded with one {@code recordAll} per dataset and wakes each dataset's runs
 * once, so an exact policy is checked once per dataset and batch, not once per object. (A check message that
 * cannot be sent after an arrival woke a run is not this batch's failure: see {@link CheckSends}.)
 */
final class ArrivalCounter {

    private final Engine engine;
    private final Metrics metrics;

    ArrivalCounter(Engine engine, Metrics metrics) {
        this.engine = engine;
        this.metrics = metrics;
    }

    void countAll(List<Arrival> arrivals) {
        if (arrivals.isEmpty()) {
            return;
        }
        int counted = engine.monitor().acceptAll(arrivals);
        metrics.add(Metric.ARRIVALS_COUNTED, counted);
        metrics.add(Metric.ARRIVALS_DUPLICATE, arrivals.size() - counted);
    }

    void count(Arrival arrival) {
        countAll(List.of(arrival));
    }
}
