package dev.quiesce.aws.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import dev.quiesce.aws.metrics.Metrics;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One handler invocation: puts the request id in the log context (every JSON log line of the invocation
 * carries it as {@code AWSRequestId}, as Lambda's own lines do) and, when closed, writes the invocation's
 * metrics and clears the context. A failure to write metrics is logged, never thrown.
 */
final class Invocation implements AutoCloseable {

    /** The log context key of the request id, spelled as Lambda's JSON log lines spell it. */
    static final String REQUEST_ID = "AWSRequestId";

    private static final Logger LOG = LoggerFactory.getLogger(Invocation.class);

    private final Metrics metrics;
    private final Map<String, String> properties = new LinkedHashMap<>();

    private Invocation(String handler, Context context, Metrics metrics) {
        this.metrics = metrics;
        properties.put("handler", handler);
        String requestId = context == null ? null : context.getAwsRequestId();
        if (requestId != null) {
            MDC.put(REQUEST_ID, requestId);
            properties.put(REQUEST_ID, requestId);
        }
    }

    static Invocation begin(String handler, Context context, Metrics metrics) {
        return new Invocation(handler, context, metrics);
    }

    @Override
    public void close() {
        try {
            metrics.flush(properties);
        } catch (RuntimeException e) {
            LOG.warn("metrics.flush_failed handler={} error=\"{}\"", properties.get("handler"), e.toString());
        } finally {
            MDC.remove(REQUEST_ID);
        }
    }
}
