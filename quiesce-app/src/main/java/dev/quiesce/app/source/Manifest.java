package dev.quiesce.app.source;

import dev.quiesce.Attribution;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quiesce.MalformedEventException;
import dev.quiesce.Sent;
import java.io.IOException;
import java.util.Locale;

/**
 * A producer's declaration written to the watched storage itself, next to its data, so it arrives
 * through the same channel and needs no other:
 *
 * <pre>{@code
 * _manifests/<producer>.json   {"producer": "p1", "records": 1200, "bytes": 48213, "objects": 3}
 *                              {"producer": "p1", "status": "open"}
 *                              {"producer": "p1", "objects": 2, "prefix": "in/p1/", "keys": ["in/p1/a", "in/p1/b"]}
 * _SUCCESS                     (the Spark/Hadoop marker: the single producer has closed)
 * }</pre>
 *
 * <p>{@code status} is {@code closed} unless it says {@code open}; {@code producer} defaults to the file
 * name without {@code .json}; counts that are left out are unknown. The optional {@code keys} (its
 * objects' keys) and {@code prefix} (the key prefix it writes under), relative to what is watched, let a
 * shortfall be named per producer.
 *
 * @param producer who declares
 * @param closed whether it closed (else it opened)
 * @param sent what it sent, when closed
 * @param attribution which objects are its, relative to what is watched
 */
public record Manifest(String producer, boolean closed, Sent sent, Attribution attribution) {

    /** A manifest that attributes no objects. */
    public Manifest(String producer, boolean closed, Sent sent) {
        this(producer, closed, sent, Attribution.NONE);
    }

    /** The Spark/Hadoop job-commit marker. */
    public static final String SUCCESS_MARKER = "_SUCCESS";
    /** The default directory of manifests under what is watched. */
    public static final String DEFAULT_DIRECTORY = "_manifests";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BYTES = 64 * 1024;

    /** Whether a key (relative to what is watched) is a manifest or the success marker rather than data. */
    public static boolean isManifest(String relativeKey, String directory) {
        return relativeKey.equals(SUCCESS_MARKER) || relativeKey.endsWith("/" + SUCCESS_MARKER)
                || relativeKey.startsWith(directory + "/") && relativeKey.endsWith(".json");
    }

    /**
     * Reads a manifest.
     *
     * @param relativeKey the key relative to what is watched
     * @param content the object's bytes
     * @throws MalformedEventException naming the key and the field when it cannot be read
     */
    public static Manifest read(String relativeKey, byte[] content) {
        String name = relativeKey.substring(relativeKey.lastIndexOf('/') + 1);
        if (name.equals(SUCCESS_MARKER)) {
            return new Manifest(SUCCESS_MARKER, true, Sent.NOTHING_DECLARED);
        }
        if (content.length > MAX_BYTES) {
            throw new MalformedEventException("manifest " + relativeKey + " is " + content.length
                    + " bytes; at most " + MAX_BYTES + " are read");
        }
        JsonNode root;
        try {
            root = JSON.readTree(content);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // where it broke, not the parser's wording: that is what someone fixing the file needs
            com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
            throw new MalformedEventException("manifest " + relativeKey + " is not JSON"
                    + (at != null && at.getLineNr() > 0 ? " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"
                            : ""), e);
        } catch (IOException e) {
            throw new MalformedEventException("manifest " + relativeKey + " cannot be read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new MalformedEventException("manifest " + relativeKey + " must be a JSON object");
        }
        String producer = root.hasNonNull("producer") ? text(root, "producer", relativeKey)
                : name.substring(0, name.length() - ".json".length());
        String status = root.hasNonNull("status") ? text(root, "status", relativeKey).toLowerCase(Locale.ROOT) : "closed";
        if (!status.equals("open") && !status.equals("closed")) {
            throw new MalformedEventException("manifest " + relativeKey + ": status must be open or closed, was '"
                    + status + "'");
        }
        Sent sent = new Sent(count(root, "records", relativeKey), count(root, "bytes", relativeKey),
                count(root, "objects", relativeKey));
        return new Manifest(producer, status.equals("closed"), sent, attribution(root, relativeKey));
    }

    private static Attribution attribution(JsonNode root, String key) {
        List<String> keys = new ArrayList<>();
        if (root.hasNonNull("keys")) {
            JsonNode n = root.get("keys");
            if (!n.isArray()) {
                throw new MalformedEventException("manifest " + key + ": keys must be an array of strings");
            }
            for (JsonNode k : n) {
                if (!k.isTextual() || k.asText().isEmpty() || k.asText().contains("\n")) {
                    throw new MalformedEventException("manifest " + key
                            + ": keys must be non-empty strings without line breaks, was " + k);
                }
                keys.add(k.asText());
            }
        }
        String prefix = root.hasNonNull("prefix") ? text(root, "prefix", key) : null;
        return new Attribution(keys, prefix);
    }

    private static String text(JsonNode root, String field, String key) {
        JsonNode n = root.get(field);
        if (!n.isTextual() || n.asText().isBlank()) {
            throw new MalformedEventException("manifest " + key + ": " + field + " must be a non-empty string");
        }
        return n.asText();
    }

    private static long count(JsonNode root, String field, String key) {
        if (!root.hasNonNull(field)) {
            return Sent.UNKNOWN;
        }
        JsonNode n = root.get(field);
        if (!n.canConvertToLong() || !n.isIntegralNumber() || n.asLong() < 0) {
            throw new MalformedEventException("manifest " + key + ": " + field + " must be a whole number >= 0, was " + n);
        }
        return n.asLong();
    }
}
