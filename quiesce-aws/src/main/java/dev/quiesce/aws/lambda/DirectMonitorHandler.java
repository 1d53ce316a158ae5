package dev.quiesce.aws.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.quiesce.Arrival;
import dev.quiesce.aws.s3.S3EventParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The monitor for events invoked directly (S3 → Lambda, EventBridge rule → Lambda): reads the raw
 * event, counts its arrivals. A malformed or unknown event fails the invocation, so Lambda's
 * asynchronous retries and on-failure destination keep it rather than dropping it.
 */
public final class DirectMonitorHandler implements RequestStreamHandler {

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
        S3EventParser.Parsed parsed = wiring.parser().parse(new String(input.readAllBytes(), StandardCharsets.UTF_8));
        for (Arrival a : parsed.arrivals()) {
            wiring.engine().monitor().accept(a);
        }
        wiring.engine().relay().deliverDue();
        output.write(("{\"arrivals\":" + parsed.arrivals().size() + ",\"ignored\":" + parsed.ignored() + "}")
                .getBytes(StandardCharsets.UTF_8));
    }
}
