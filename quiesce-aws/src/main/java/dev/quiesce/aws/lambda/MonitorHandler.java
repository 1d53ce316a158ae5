package dev.quiesce.aws.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.quiesce.aws.metrics.Metric;

/**
 * The monitor: counts S3 events arriving through SQS (S3 → SQS, S3 → SNS → SQS with or without raw
 * delivery, EventBridge → SQS, MinIO and Ceph payloads) into the tally, and starts or activates
 * observations. Answers with the ids of exactly the messages it could not process.
 *
 * <p>A message that can never be counted goes to the poison queue at once (see {@link SqsBatch}). What
 * the handler does besides counting (delivering due notifications, sending a woken run's check message)
 * never fails a message: the sweep catches up from the stored state (see {@link SideJob}).
 */
public final class MonitorHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    static final String NAME = "monitor";

    private final AwsWiring wiring;
    private final ArrivalCounter counter;

    /** For the Lambda runtime: configuration from the environment. */
    public MonitorHandler() {
        this(Cold.wiring());
    }

    /** For tests and other runtimes. */
    public MonitorHandler(AwsWiring wiring) {
        this.wiring = wiring;
        this.counter = new ArrivalCounter(wiring.engine(), wiring.metrics());
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        try (Invocation ignored = Invocation.begin(NAME, context, wiring.metrics())) {
            SQSBatchResponse response = SqsBatch.each(event, NAME, wiring.poisonQueue(),
                    m -> counter.countAll(wiring.parser().parse(m.getBody()).arrivals()),
                    () -> wiring.metrics().increment(Metric.ARRIVALS_REJECTED));
            SideJob.run(NAME, "relay", SideJob.RELAY_RETRY, wiring.metrics(), () -> wiring.engine().relay().deliverDue());
            return response;
        }
    }
}
