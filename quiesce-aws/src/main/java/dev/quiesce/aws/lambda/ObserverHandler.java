package dev.quiesce.aws.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.quiesce.aws.metrics.Metric;
import dev.quiesce.aws.sqs.CheckMessage;
import dev.quiesce.engine.Observer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The observer: runs the check each delayed SQS message asks for, then delivers due notifications.
 *
 * <p>A message carries the observation id and the version it was scheduled for. One that arrives
 * before its due time (waits beyond SQS's 900 s cap are sent in steps) is re-sent for the rest of the
 * wait; if that send fails the message fails too, so SQS delivers it again. A duplicated or stale message
 * finds the version moved on and does nothing, so two invocations running the same message at once still
 * complete an observation once.
 *
 * <p>A body that is not a check message goes to the poison queue at once (see {@link SqsBatch}). Once a
 * check has run, its result is written: a failure to send the next check message, or to deliver the
 * notifications due, does not fail the message (redelivered, it would find nothing due); the sweep runs
 * the next check at its stored due time (see {@link SideJob}).
 */
public final class ObserverHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    static final String NAME = "observer";

    private static final Logger LOG = LoggerFactory.getLogger(ObserverHandler.class);

    private final AwsWiring wiring;

    /** For the Lambda runtime: configuration from the environment. */
    public ObserverHandler() {
        this(Cold.wiring());
    }

    /** For tests and other runtimes. */
    public ObserverHandler(AwsWiring wiring) {
        this.wiring = wiring;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        try (Invocation ignored = Invocation.begin(NAME, context, wiring.metrics())) {
            SQSBatchResponse response = SqsBatch.each(event, NAME, wiring.poisonQueue(),
                    m -> check(CheckMessage.parse(m.getBody())), () -> { });
            SideJob.run(NAME, "relay", SideJob.RELAY_RETRY, wiring.metrics(), wiring::deliverOwn);
            return response;
        }
    }

    private void check(CheckMessage message) {
        if (wiring.scheduler().resendIfEarly(message)) {
            return;
        }
        Observer.Outcome outcome = wiring.engine().observer().check(message.observationId(), message.version());
        if (ran(outcome)) {
            wiring.metrics().increment(Metric.CHECKS);
        }
        LOG.debug("observer.checked observation={} version={} outcome={}", message.observationId(),
                message.version(), outcome);
    }

    /** Whether a check was made (as {@link Observer#runDue()} counts them), not found nothing to do. */
    static boolean ran(Observer.Outcome outcome) {
        return outcome != Observer.Outcome.NOT_DUE && outcome != Observer.Outcome.FINISHED
                && outcome != Observer.Outcome.NOT_FOUND;
    }
}
