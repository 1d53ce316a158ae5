package dev.quiesce.aws.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.quiesce.aws.metrics.Metric;
import java.util.HashSet;
import java.util.Set;

/**
 * The monitor: counts S3 events arriving through SQS (S3 → SQS, S3 → SNS → SQS with or without raw
 * delivery, EventBridge → SQS, MinIO and Ceph payloads) into the tally, and starts or activates
 * observations. Answers with the ids of exactly the messages it could not process. Producers' manifests
 * among the events are declarations, not data (see {@link ManifestObjects}); the batch's data is counted
 * together, so each dataset's runs are woken once per batch (see {@link LandingBatch}).
 *
 * <p>A message that can never be counted goes to the poison queue at once (see {@link SqsBatch}). What
 * the handler does besides counting (delivering due notifications, sending a woken run's check message)
 * never fails a message: the sweep catches up from the stored state (see {@link SideJob}).
 */
public final class MonitorHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    static final String NAME = "monitor";

    private final AwsWiring wiring;

    /** For the Lambda runtime: configuration from the environment. */
    public MonitorHandler() {
        this(Cold.wiring());
    }

    /** For tests and other runtimes. */
    public MonitorHandler(AwsWiring wiring) {
        this.wiring = wiring;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        try (Invocation ignored = Invocation.begin(NAME, context, wiring.metrics())) {
            LandingBatch batch = wiring.landingBatch();
            SQSBatchResponse response = SqsBatch.each(event, NAME, wiring.poisonQueue(),
                    m -> batch.add(m.getMessageId(), wiring.parser().parse(m.getBody()).arrivals()),
                    () -> wiring.metrics().increment(Metric.ARRIVALS_REJECTED));
            Set<String> reported = new HashSet<>();
            response.getBatchItemFailures().forEach(f -> reported.add(f.getItemIdentifier()));
            for (String id : batch.finish()) {
                if (reported.add(id)) {
                    response.getBatchItemFailures().add(new SQSBatchResponse.BatchItemFailure(id));
                }
            }
            SideJob.run(NAME, "relay", SideJob.RELAY_RETRY, wiring.metrics(), wiring::deliverOwn);
            return response;
        }
    }
}
