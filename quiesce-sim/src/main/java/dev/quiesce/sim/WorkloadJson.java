package dev.quiesce.sim;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.quiesce.Durations;
import dev.quiesce.InvalidConfigurationException;
import java.io.IOException;
import java.time.Duration;
import java.util.stream.Collectors;

/**
 * Reads {@link Workload} JSON and turns Jackson's exceptions into messages a person writing a workload
 * file can act on: the file, the line and column, the field's path and what is wrong.
 */
final class WorkloadJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .addModule(new SimpleModule("quiesce-durations").addDeserializer(Duration.class, new DurationReader()))
            .build();

    private WorkloadJson() {
    }

    static Workload parse(String json, String source) {
        if (json == null || json.isBlank()) {
            throw new InvalidConfigurationException("workload " + source + " is empty");
        }
        try {
            Workload w = MAPPER.readValue(json, Workload.class);
            if (w == null) {
                throw new InvalidConfigurationException("workload " + source + " is null, expected an object");
            }
            return w;
        } catch (JsonProcessingException e) {
            throw translate(e, source);
        }
    }

    private static InvalidConfigurationException translate(JsonProcessingException e, String source) {
        String where = "workload " + source + where(e.getLocation());
        InvalidConfigurationException invalid = findInvalid(e);
        String path = e instanceof JsonMappingException ? path((JsonMappingException) e) : "";
        String at = path.isEmpty() ? "" : " at '" + path + "'";
        if (invalid != null) {
            return new InvalidConfigurationException(where + at + ": " + invalid.getMessage(), e);
        }
        if (e instanceof UnrecognizedPropertyException) {
            UnrecognizedPropertyException u = (UnrecognizedPropertyException) e;
            String known = u.getKnownPropertyIds() == null ? "" : u.getKnownPropertyIds().stream()
                    .map(String::valueOf).sorted().collect(Collectors.joining(", ", "; known fields: ", ""));
            return new InvalidConfigurationException(where + ": unknown field '" + u.getPropertyName() + "'"
                    + at + known, e);
        }
        if (e instanceof InvalidFormatException) {
            InvalidFormatException f = (InvalidFormatException) e;
            return new InvalidConfigurationException(where + at + ": '" + f.getValue() + "' is not a "
                    + simpleName(f.getTargetType()), e);
        }
        if (e instanceof MismatchedInputException) {
            MismatchedInputException m = (MismatchedInputException) e;
            return new InvalidConfigurationException(where + at + ": expected "
                    + (m.getTargetType() == null ? "another value (" + firstLine(e.getOriginalMessage()) + ")"
                    : "a " + simpleName(m.getTargetType())), e);
        }
        return new InvalidConfigurationException(where + ": malformed JSON: " + firstLine(e.getOriginalMessage()), e);
    }

    private static String simpleName(Class<?> type) {
        if (type == null) {
            return "value";
        }
        if (type == Duration.class) {
            return "duration (e.g. \"30s\", \"5m\" or a number of seconds)";
        }
        if (type == Integer.class || type == Long.class || type == int.class || type == long.class) {
            return "whole number";
        }
        if (type == Double.class || type == double.class) {
            return "number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "string";
        }
        if (java.util.List.class.isAssignableFrom(type)) {
            return "list";
        }
        return "JSON object (" + type.getSimpleName() + ")";
    }

    private static InvalidConfigurationException findInvalid(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof InvalidConfigurationException) {
                return (InvalidConfigurationException) c;
            }
        }
        return null;
    }

    private static String where(JsonLocation loc) {
        return loc == null || loc.getLineNr() < 0 ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
    }

    /** The field path as a reader writes it: {@code producers[0].pauses[1].length}. */
    private static String path(JsonMappingException e) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (b.length() > 0) {
                    b.append('.');
                }
                b.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    /** The first line of Jackson's message, without its internal source description. */
    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        int source = line.indexOf(" (for ");
        if (source < 0) {
            source = line.indexOf(" [Source:");
        }
        return source < 0 ? line : line.substring(0, source);
    }

    /** A duration from {@code "30s"}-style or ISO-8601 text, or from a number of seconds. */
    private static final class DurationReader extends JsonDeserializer<Duration> {
        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_STRING) {
                return Durations.parse(p.getText());
            }
            if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                double seconds = p.getDoubleValue();
                if (seconds < 0) {
                    throw new InvalidConfigurationException("negative duration " + p.getText() + ": durations must be >= 0");
                }
                return Duration.ofMillis(Math.round(seconds * 1000));
            }
            return (Duration) ctxt.handleUnexpectedToken(Duration.class, p);
        }
    }
}
