package dev.quiesce.aws.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.quiesce.MalformedEventException;
import dev.quiesce.UnknownEventTypeException;
import dev.quiesce.aws.metrics.Metric;
import dev.quiesce.aws.s3.S3EventParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The monitor for events invoked directly (S3 → Lambda, EventBridge rule → Lambda): reads the raw
 * event, counts its arrivals. A malformed or unknown event fails the invocation, so Lambda's
 * asynchronous retries and on-failure destination keep it rather than dropping it (there is no queue
 * message to dead-letter here); it is counted as rejected. Delivering due notifications afterwards, or
 * sending a woken run's check message, never fails it (see {@link SideJob}).
 */
public final class DirectMonitorHandler implements RequestStreamHandler {

    static final String NAME = "direct-monitor";

    private final AwsWiring wiring;

    /** For the Lambda runtime: configuration from the environment. */
    public DirectMonitorHandler() {
        this(Cold.wiring());
    }

    /** For tests and other runtimes. */
    public DirectMonitorHandler(AwsWiring wiring) {
        this.wiring = wiring;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        try (Invocation ignored = Invocation.begin(NAME, context, wiring.metrics())) {
            S3EventParser.Parsed parsed;
            try {
                parsed = wiring.parser().parse(new String(input.readAllBytes(), StandardCharsets.UTF_8));
            } catch (MalformedEventException | UnknownEventTypeException e) {
                wiring.metrics().increment(Metric.ARRIVALS_REJECTED);
                throw e;
            }
            LandingBatch batch = wiring.landingBatch();
            try {
                batch.add("direct", parsed.arrivals());
            } catch (MalformedEventException e) {
                wiring.metrics().increment(Metric.ARRIVALS_REJECTED);
                throw e;
            }
            if (!batch.finish().isEmpty()) {
                throw new IllegalStateException("the event's arrivals could not be counted; Lambda retries it");
            }
            SideJob.run(NAME, "relay", SideJob.RELAY_RETRY, wiring.metrics(), wiring::deliverOwn);
            output.write(("{\"arrivals\":" + parsed.arrivals().size() + ",\"ignored\":" + parsed.ignored() + "}")
                    .getBytes(StandardCharsets.UTF_8));
        }
    }
}
