package dev.quiesce.aws.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quiesce.Attribution;
import dev.quiesce.Dataset;
import dev.quiesce.MalformedEventException;
import dev.quiesce.manifest.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Takes a producer's declaration — open, or close with what it sent — by direct invoke or through the
 * function's IAM-authenticated URL, for producers that would rather call than write a manifest object:
 *
 * <pre>{@code
 * {"dataset": "events/2024-05-01", "producer": "loader-a", "status": "open"}
 * {"dataset": "events/2024-05-01", "producer": "loader-a", "records": 1200, "bytes": 48213}
 * }</pre>
 *
 * <p>The fields are a manifest's ({@link Manifest}: {@code status} is {@code closed} unless it says
 * {@code open}; counts left out are unknown) plus {@code dataset}, the run's dataset as the tally names it
 * (a configured dataset, or one date of a dated one). {@code keys} are whole object keys. Validation is
 * strict: a missing {@code dataset} or {@code producer}, an unknown field or a wrong type is refused, naming
 * the field. Declaring is idempotent (opening twice changes nothing, the first close wins), so retries are
 * safe.
 *
 * <p>A function URL request (payload format 2.0, {@code POST} with the JSON as its body) is answered with
 * 200 and the declaration, 400 {@code {"error": ..., "field": ...}} for a bad one, or 405 for another
 * method. A direct invoke is answered with the declaration, or fails with a {@link MalformedEventException}
 * saying what is wrong.
 */
public final class DeclareHandler implements RequestStreamHandler {

    static final String NAME = "declare";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS;

    static {
        Set<String> f = new TreeSet<>(Manifest.FIELDS);
        f.add("dataset");
        FIELDS = java.util.Collections.unmodifiableSet(f);
    }

    private final AwsWiring wiring;

    /** For the Lambda runtime: configuration from the environment. */
    public DeclareHandler() {
        this(Cold.wiring());
    }

    /** For tests and other runtimes. */
    public DeclareHandler(AwsWiring wiring) {
        this.wiring = wiring;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        try (Invocation ignored = Invocation.begin(NAME, context, wiring.metrics())) {
            JsonNode in;
            try {
                in = JSON.readTree(input);
            } catch (IOException e) {
                throw new MalformedEventException("a declaration must be JSON: " + problem(e), e);
            }
            Object out = isUrlRequest(in) ? overUrl(in) : declare(in);
            // a closing declaration may complete a run here: deliver its notification now, not at the next sweep
            SideJob.run(NAME, "relay", SideJob.RELAY_RETRY, wiring.metrics(), wiring::deliverOwn);
            JSON.writeValue(output, out);
        }
    }

    /** A function URL's request event (payload format 2.0) rather than a declaration invoked directly. */
    private static boolean isUrlRequest(JsonNode in) {
        return in != null && in.has("requestContext") && in.path("requestContext").has("http") && in.has("rawPath");
    }

    private Object overUrl(JsonNode request) {
        String method = request.path("requestContext").path("http").path("method").asText();
        if (!"POST".equalsIgnoreCase(method)) {
            return response(405, JSON.createObjectNode().put("error", "declare with POST, not " + method));
        }
        String body = request.path("body").asText("");
        if (request.path("isBase64Encoded").asBoolean(false)) {
            try {
                body = new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return response(400, JSON.createObjectNode().put("error", "the body is not valid base64"));
            }
        }
        JsonNode declaration;
        try {
            declaration = JSON.readTree(body);
        } catch (IOException e) {
            return response(400, JSON.createObjectNode().put("error", "the body must be JSON: " + problem(e)));
        }
        try {
            return response(200, declare(declaration));
        } catch (Manifest.Malformed e) {
            ObjectNode error = JSON.createObjectNode().put("error", e.getMessage());
            if (e.field() != null) {
                error.put("field", e.field());
            }
            return response(400, error);
        }
    }

    /** Validates and writes one declaration; answers with what was declared. */
    private ObjectNode declare(JsonNode in) {
        if (in == null || !in.isObject()) {
            throw new Manifest.Malformed("a declaration must be a JSON object", null, null);
        }
        for (Iterator<String> it = in.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw new Manifest.Malformed("unknown field '" + f + "' (known: " + String.join(", ", FIELDS) + ")", f, null);
            }
        }
        JsonNode datasetNode = in.get("dataset");
        if (datasetNode == null || datasetNode.isNull()) {
            throw new Manifest.Malformed("dataset is missing: the run's dataset, e.g. events/2024-05-01", "dataset", null);
        }
        if (!datasetNode.isTextual() || datasetNode.asText().isBlank()) {
            throw new Manifest.Malformed("dataset must be a non-empty string", "dataset", null);
        }
        String dataset = datasetNode.asText();
        if (!known(dataset)) {
            throw new Manifest.Malformed("dataset '" + dataset + "' is none of this stack's ("
                    + String.join(", ", wiring.config().datasets().stream().map(Dataset::id).toList())
                    + "; a dated one with its date, e.g. events/2024-05-01)", "dataset", null);
        }
        ObjectNode rest = ((ObjectNode) in).deepCopy();
        rest.remove("dataset");
        Manifest m = Manifest.of("declaration", rest, true);
        Attribution attribution = m.attribution(); // whole keys: there is no manifest path to be relative to
        wiring.declarations().declare(dataset, m, attribution);
        ObjectNode out = JSON.createObjectNode().put("dataset", dataset).put("producer", m.producer())
                .put("status", m.closed() ? "closed" : "open");
        if (m.closed()) {
            putCount(out, "records", m.sent().records());
            putCount(out, "bytes", m.sent().bytes());
            putCount(out, "objects", m.sent().objects());
        }
        return out;
    }

    /** A configured dataset, one date of a dated one, or (with none configured) the bucket arrivals count under. */
    private boolean known(String dataset) {
        java.util.List<Dataset> datasets = wiring.config().datasets();
        if (datasets.isEmpty()) {
            return true;
        }
        for (Dataset d : datasets) {
            if (d.dated() ? dataset.startsWith(d.id() + "/") && dataset.length() > d.id().length() + 1
                    : dataset.equals(d.id())) {
                return true;
            }
        }
        return false;
    }

    /** The parser's complaint without its echo of the whole input. */
    private static String problem(IOException e) {
        return e instanceof com.fasterxml.jackson.core.JsonProcessingException
                ? ((com.fasterxml.jackson.core.JsonProcessingException) e).getOriginalMessage() : e.getMessage();
    }

    private static void putCount(ObjectNode out, String field, long n) {
        if (n >= 0) {
            out.put(field, n);
        }
    }

    private static ObjectNode response(int status, ObjectNode body) {
        APIGatewayV2HTTPResponse r = APIGatewayV2HTTPResponse.builder().withStatusCode(status)
                .withHeaders(Map.of("content-type", "application/json")).withBody(body.toString())
                .withIsBase64Encoded(false).build();
        // the payload format 2.0 names, written out rather than left to the bean's getter names
        ObjectNode out = JSON.createObjectNode().put("statusCode", r.getStatusCode())
                .put("body", r.getBody()).put("isBase64Encoded", r.getIsBase64Encoded());
        ObjectNode headers = out.putObject("headers");
        r.getHeaders().forEach(headers::put);
        return out;
    }
}
