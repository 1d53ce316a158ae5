package dev.quiesce.aws.sqs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quiesce.MalformedEventException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;

/**
 * The body of one scheduled-check message on the scheduler queue: check observation
 * {@code observationId}, if it is still at {@code version}, at {@code dueAt}.
 *
 * <p>The JSON form is one object, for example
 * {@code {"observationId":"daily","version":3,"dueAt":"2024-05-01T00:00:30Z"}}: {@code version} a
 * JSON integer, {@code dueAt} an ISO-8601 instant. {@link #parse} ignores fields it does not know, so
 * a newer sender may add some. A body is at most {@value #MAX_BODY_CHARS} characters; a real one is
 * under 200.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param observationId the observation to check; not blank
 * @param version the observation version the check was scheduled for; at least 1
 * @param dueAt when the check is due
 */
public record CheckMessage(String observationId, long version, Instant dueAt) {

    /** The longest body {@link #parse} reads, in characters. */
    public static final int MAX_BODY_CHARS = 4096;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * @throws NullPointerException if {@code observationId} or {@code dueAt} is null
     * @throws IllegalArgumentException if {@code observationId} is blank or {@code version < 1}
     */
    public CheckMessage {
        Objects.requireNonNull(observationId, "observationId");
        Objects.requireNonNull(dueAt, "dueAt");
        if (observationId.isBlank()) {
            throw new IllegalArgumentException("observationId must not be blank");
        }
        if (version < 1) {
            throw new IllegalArgumentException("version must be >= 1, was " + version);
        }
    }

    /** The JSON body: {@code {"observationId":…,"version":…,"dueAt":…}}. */
    public String toJson() {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("observationId", observationId);
        node.put("version", version);
        node.put("dueAt", dueAt.toString());
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            // a tree of two strings and a long always serialises; reaching here is a bug
            throw new IllegalStateException("cannot serialise a check message", e);
        }
    }

    /**
     * Reads a message body written by {@link #toJson()}.
     *
     * @throws NullPointerException if {@code body} is null
     * @throws MalformedEventException if the body is longer than {@value #MAX_BODY_CHARS} characters,
     *     is not a JSON object, or lacks a field or has one of the wrong type or value; the message
     *     names the field
     */
    public static CheckMessage parse(String body) {
        Objects.requireNonNull(body, "body");
        if (body.length() > MAX_BODY_CHARS) {
            throw new MalformedEventException("check message of " + body.length()
                    + " characters exceeds the limit of " + MAX_BODY_CHARS);
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new MalformedEventException("check message is not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new MalformedEventException("check message must be a JSON object, was "
                    + (root == null || root.isMissingNode() ? "empty" : root.getNodeType().name().toLowerCase(Locale.ROOT)));
        }
        String observationId = text(root, "observationId");
        if (observationId.isBlank()) {
            throw new MalformedEventException("check message field 'observationId' must not be blank");
        }
        JsonNode v = required(root, "version");
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new MalformedEventException("check message field 'version' must be an integer, was "
                    + v.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        long version = v.longValue();
        if (version < 1) {
            throw new MalformedEventException("check message field 'version' must be >= 1, was " + version);
        }
        String due = text(root, "dueAt");
        Instant dueAt;
        try {
            dueAt = Instant.parse(due);
        } catch (DateTimeParseException e) {
            throw new MalformedEventException("check message field 'dueAt' is not an ISO-8601 instant: '"
                    + abbreviate(due) + "'", e);
        }
        return new CheckMessage(observationId, version, dueAt);
    }

    private static JsonNode required(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            throw new MalformedEventException("check message lacks field '" + field + "'");
        }
        return n;
    }

    private static String text(JsonNode root, String field) {
        JsonNode n = required(root, field);
        if (!n.isTextual()) {
            throw new MalformedEventException("check message field '" + field + "' must be a string, was "
                    + n.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        return n.textValue();
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
