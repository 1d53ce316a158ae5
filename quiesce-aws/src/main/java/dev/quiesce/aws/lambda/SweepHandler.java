package dev.quiesce.aws.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.quiesce.aws.metrics.Metric;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The safety net, run by an EventBridge schedule (every 5 minutes in the SAM template): runs every
 * check whose due time passed and delivers every due notification, from the stores' due-time indexes.
 *
 * <p>A check message can be lost after its transition was written (the send failed, or a message
 * was dead-lettered); the stored due time is the truth, so the next sweep catches it up. Checks that
 * already ran are not due any more, so a sweep racing the queue changes nothing twice.
 *
 * <p>A check whose next check message cannot be sent has still run and been written; the failed send is a
 * side job's failure ({@link CheckSends}) and the sweep goes on with the other due checks. A failure to deliver the due notifications is
 * the sweep's own: it fails the invocation, and the next sweep tries again.
 */
public final class SweepHandler implements RequestStreamHandler {

    static final String NAME = "sweep";

    private static final Logger LOG = LoggerFactory.getLogger(SweepHandler.class);

    private final AwsWiring wiring;

    /** For the Lambda runtime: configuration from the environment. */
    public SweepHandler() {
        this(Cold.wiring());
    }

    /** For tests and other runtimes. */
    public SweepHandler(AwsWiring wiring) {
        this.wiring = wiring;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws java.io.IOException {
        try (Invocation ignored = Invocation.begin(NAME, context, wiring.metrics())) {
            input.readAllBytes();
            int checks = wiring.engine().observer().runDue();
            wiring.metrics().add(Metric.CHECKS, checks);
            int delivered = wiring.engine().relay().deliverDue();
            LOG.info("sweep.done checks={} delivered={}", checks, delivered);
            output.write(("{\"checks\":" + checks + ",\"delivered\":" + delivered + "}").getBytes(StandardCharsets.UTF_8));
        }
    }
}
