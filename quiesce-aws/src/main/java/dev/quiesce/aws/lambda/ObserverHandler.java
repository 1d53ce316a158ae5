package dev.quiesce.aws.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.quiesce.aws.sqs.CheckMessage;
import dev.quiesce.engine.Observer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The observer: runs the check each delayed SQS message asks for, then delivers due notifications.
 *
 * <p>A message carries the observation id and the version it was scheduled for. One that arrives
 * before its due time (waits beyond SQS's 900 s cap are sent in steps) is re-sent for the rest of the
 * wait. A duplicated or stale message finds the version moved on and does nothing, so two
 * invocations running the same message at once still complete an observation once.
 */
public final class ObserverHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

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
        SQSBatchResponse response = SqsBatch.each(event, "observer", m -> check(CheckMessage.parse(m.getBody())));
        wiring.engine().relay().deliverDue();
        return response;
    }

    private void check(CheckMessage message) {
        if (wiring.scheduler().resendIfEarly(message)) {
            return;
        }
        Observer.Outcome outcome = wiring.engine().observer().check(message.observationId(), message.version());
        LOG.debug("observer.checked observation={} version={} outcome={}", message.observationId(),
                message.version(), outcome);
    }
}
