package dev.quiesce.aws.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.quiesce.Arrival;
import dev.quiesce.aws.s3.S3EventParser;

/**
 * The monitor: counts S3 events arriving through SQS (S3 → SQS, S3 → SNS → SQS with or without raw
 * delivery, EventBridge → SQS, MinIO and Ceph payloads) into the tally, and starts or activates
 * observations. Answers with the ids of exactly the messages it could not process.
 */
public final class MonitorHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

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
        SQSBatchResponse response = SqsBatch.each(event, "monitor", m -> count(m.getBody()));
        wiring.engine().relay().deliverDue();
        return response;
    }

    private void count(String body) {
        S3EventParser.Parsed parsed = wiring.parser().parse(body);
        for (Arrival a : parsed.arrivals()) {
            wiring.engine().monitor().accept(a);
        }
    }
}
