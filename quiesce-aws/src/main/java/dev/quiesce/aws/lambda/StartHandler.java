package dev.quiesce.aws.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quiesce.InvalidConfigurationException;
import dev.quiesce.MalformedEventException;
import dev.quiesce.Observation;
import dev.quiesce.policy.PolicySpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Starts an observation explicitly: from an EventBridge schedule (constant input) or a direct invoke.
 * Input: {@code {"dataset": "events", "id": "events/2024-05-01", "policy": "stable window=3 delay=constant:30s"}};
 * {@code id} defaults to {@code <dataset>/<today, UTC>} and {@code policy} to the configured one.
 * Starting an id that exists returns it unchanged. Answers with the observation's id, state and version.
 * Bad input fails the invocation; a run that was started whose first check message could not be sent,
 * or due notifications that could not be delivered, do not (see {@link SideJob}).
 */
public final class StartHandler implements RequestStreamHandler {

    static final String NAME = "start";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AwsWiring wiring;
    private final Clock clock;

    /** For the Lambda runtime: configuration from the environment. */
    public StartHandler() {
        this(Cold.wiring(), Clock.systemUTC());
    }

    /** For tests and other runtimes. */
    public StartHandler(AwsWiring wiring, Clock clock) {
        this.wiring = wiring;
        this.clock = clock;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        try (Invocation ignored = Invocation.begin(NAME, context, wiring.metrics())) {
            handle(input, output);
        }
    }

    private Observation start(String id, String dataset, PolicySpec policy) {
        return wiring.engine().observer().start(id, dataset, policy);
    }

    private void handle(InputStream input, OutputStream output) throws IOException {
        JsonNode in;
        try {
            in = JSON.readTree(input);
        } catch (IOException e) {
            throw new MalformedEventException("start input is not JSON: " + e.getMessage(), e);
        }
        // an EventBridge scheduled event wraps a custom input in "detail" when not given as constant input
        JsonNode body = in != null && in.has("detail") && in.get("detail").isObject() ? in.get("detail") : in;
        if (body == null || !body.hasNonNull("dataset") || !body.get("dataset").isTextual()) {
            throw new MalformedEventException("start input needs a \"dataset\" string, e.g. {\"dataset\": \"events\"}");
        }
        String dataset = body.get("dataset").asText();
        String id = body.hasNonNull("id") ? body.get("id").asText()
                : dataset + "/" + LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        PolicySpec policy = wiring.config().policy();
        if (body.hasNonNull("policy")) {
            try {
                policy = PolicySpec.parse(body.get("policy").asText());
            } catch (InvalidConfigurationException e) {
                throw new MalformedEventException("start input has a bad policy: " + e.getMessage(), e);
            }
        }
        Observation o = start(id, dataset, policy);
        SideJob.run(NAME, "relay", SideJob.RELAY_RETRY, wiring.metrics(), wiring::deliverOwn);
        ObjectNode out = JSON.createObjectNode()
                .put("id", o.id()).put("dataset", o.datasetId()).put("state", o.state().name())
                .put("version", o.version()).put("policy", o.spec().text());
        JSON.writeValue(output, out);
    }
}
