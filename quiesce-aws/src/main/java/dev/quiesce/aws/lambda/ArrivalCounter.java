package dev.quiesce.aws.lambda;

import dev.quiesce.Arrival;
import dev.quiesce.aws.metrics.Metric;
import dev.quiesce.aws.metrics.Metrics;
import dev.quiesce.aws.sqs.SchedulingFailedException;
import dev.quiesce.engine.Engine;
import dev.quiesce.engine.Router;
import dev.quiesce.port.TallyStore.Effect;
import java.util.List;

/**
 * Counts arrivals for the monitor handlers and tells the metrics whether each was new or a redelivery.
 *
 * <p>Counting an arrival can start or wake a run, which sends its next check message to SQS after the
 * run's state was written. If that send fails ({@link SchedulingFailedException}) the arrival is already
 * recorded and the run's due time stored, so the sweep will run the check; failing the message would make
 * SQS deliver it again only to find it a duplicate, with nothing else done. So it is a side job: logged,
 * counted, not thrown. The exception may have cut short what the arrival still had to do: its other
 * datasets and the wake-up of a run it just started. Counting it again does the first (datasets already
 * recorded are duplicates now, so every retry gets further), and telling the observer it arrived does the
 * second; if that still cannot finish, the message fails and SQS redelivers it, so nothing is lost.
 */
final class ArrivalCounter {

    private final Engine engine;
    private final Metrics metrics;
    private final String handler;

    ArrivalCounter(Engine engine, Metrics metrics, String handler) {
        this.engine = engine;
        this.metrics = metrics;
        this.handler = handler;
    }

    void countAll(List<Arrival> arrivals) {
        for (int i = 0; i < arrivals.size(); i++) {
            count(arrivals.get(i));
        }
    }

    void count(Arrival arrival) {
        List<Effect> effects;
        try {
            effects = engine.monitor().accept(arrival);
        } catch (SchedulingFailedException e) {
            SideJob.failed(handler, "schedule", SideJob.CHECK_RETRY, metrics, e);
            catchUp(arrival);
            // the failure comes only after the arrival changed a tally
            metrics.increment(Metric.ARRIVALS_COUNTED);
            return;
        }
        boolean counted = false;
        for (int i = 0; i < effects.size(); i++) {
            counted |= effects.get(i).counted();
        }
        metrics.increment(counted || effects.isEmpty() ? Metric.ARRIVALS_COUNTED : Metric.ARRIVALS_DUPLICATE);
    }

    /**
     * Finishes an arrival whose counting stopped at a failed check message. Each failed attempt had
     * recorded one more of the arrival's datasets, so {@code routes + 1} attempts always get through.
     *
     * @throws SchedulingFailedException if they did not, so the message is redelivered
     */
    private void catchUp(Arrival arrival) {
        List<Router.Route> routes = engine.router().route(arrival);
        SchedulingFailedException last = null;
        boolean done = false;
        for (int i = 0; i <= routes.size() && !done; i++) {
            try {
                engine.monitor().accept(arrival);
                done = true;
            } catch (SchedulingFailedException e) {
                last = e;
            }
        }
        if (!done) {
            throw last;
        }
        for (Router.Route r : routes) {
            try {
                engine.observer().arrived(r.datasetId());   // wakes a run started before the failure
            } catch (SchedulingFailedException e) {
                // the wake-up was written before its check message failed: the sweep takes it from here
            }
        }
    }
}
