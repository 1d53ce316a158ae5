package dev.quiesce.aws.lambda.logging;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.event.Level;

/**
 * One log line as a JSON object, in the shape Lambda's JSON log format uses for its own lines and the
 * runtime's logger ({@code timestamp}, {@code level}, {@code message}, {@code AWSRequestId}), with the
 * message's {@code key=value} pairs as fields of their own:
 * <pre>{@code
 * {"timestamp":"2024-05-01T00:05:00.123Z","level":"INFO","logger":"dev.quiesce.aws.lambda.SweepHandler",
 *  "message":"sweep.done checks=1 delivered=0","event":"sweep.done","checks":1,"delivered":0,
 *  "AWSRequestId":"8f5e..."}
 * }</pre>
 * Fields of the log context (MDC, such as {@code AWSRequestId} and {@code messageId}) and of SLF4J's
 * fluent key-value API are fields too. A failure adds {@code errorType}, {@code errorMessage} and
 * {@code stackTrace} (the printed trace with its causes, as one string). A pair whose key is one of these
 * names is written with a leading underscore, so it cannot hide them. Stateless and thread-safe.
 */
public final class JsonLogFormat {

    private static final JsonFactory JSON = new JsonFactory();
    private static final Set<String> RESERVED = Set.of("timestamp", "level", "logger", "message", "event",
            "errorType", "errorMessage", "stackTrace");
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ISO_INSTANT;

    private JsonLogFormat() {
    }

    /**
     * The line, ending in a line break, in UTF-8.
     *
     * @param context the log context (MDC) fields, or an empty map
     * @param keyValues fields given with the fluent API, or an empty map
     * @param error the failure logged with the message, or {@code null}
     */
    public static byte[] format(Instant time, Level level, String logger, String message, Map<String, String> context,
                                Map<String, Object> keyValues, Throwable error) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("timestamp", TIMESTAMP.format(time.truncatedTo(ChronoUnit.MILLIS)));
            g.writeStringField("level", level.name());
            g.writeStringField("logger", logger);
            String text = message == null ? "" : message;
            g.writeStringField("message", text);
            String event = KeyValues.eventName(text);
            if (event != null) {
                g.writeStringField("event", event);
            }
            Map<String, Object> fields = new LinkedHashMap<>(KeyValues.parse(text));
            fields.putAll(keyValues);
            context.forEach(fields::put);
            for (Map.Entry<String, Object> f : fields.entrySet()) {
                g.writeFieldName(RESERVED.contains(f.getKey()) ? "_" + f.getKey() : f.getKey());
                write(g, f.getValue());
            }
            if (error != null) {
                g.writeStringField("errorType", error.getClass().getName());
                g.writeStringField("errorMessage", String.valueOf(error.getMessage()));
                StringWriter trace = new StringWriter();
                error.printStackTrace(new PrintWriter(trace));
                g.writeStringField("stackTrace", trace.toString());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a log line to memory", e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    private static void write(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Boolean) {
            g.writeBoolean((Boolean) v);
        } else {
            g.writeString(v.toString());
        }
    }
}
