package dev.quiesce.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quiesce.Attribution;
import dev.quiesce.MalformedEventException;
import dev.quiesce.Sent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

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

    /** The largest manifest read, in bytes: room for some 20,000 listed keys. */
    public static final int MAX_BYTES = 1024 * 1024;
    /** Every field a manifest may have. */
    public static final Set<String> FIELDS = Set.of("producer", "status", "records", "bytes", "objects", "keys", "prefix");

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A manifest (or declaration) that cannot be read, naming the field at fault when one is.
     */
    public static final class Malformed extends MalformedEventException {

        private final String field;

        public Malformed(String message, String field, Throwable cause) {
            super(message, cause);
            this.field = field;
        }

        /** The offending field, or {@code null} when the document as a whole is at fault (not JSON, not an object). */
        public String field() {
            return field;
        }
    }

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
        return read(relativeKey, content, false);
    }

    /**
     * Reads a manifest; {@code strict} also refuses fields other than {@link #FIELDS} and requires
     * {@code producer}, for declarations that have no file name to default it from.
     *
     * @param relativeKey the key relative to what is watched
     * @throws Malformed naming the key and the field when it cannot be read
     */
    public static Manifest read(String relativeKey, byte[] content, boolean strict) {
        String name = relativeKey.substring(relativeKey.lastIndexOf('/') + 1);
        if (name.equals(SUCCESS_MARKER)) {
            return new Manifest(SUCCESS_MARKER, true, Sent.NOTHING_DECLARED);
        }
        if (content.length > MAX_BYTES) {
            throw malformed("manifest " + relativeKey + " is " + content.length
                    + " bytes; at most " + MAX_BYTES + " are read", null);
        }
        JsonNode root;
        try {
            root = JSON.readTree(content);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // where it broke, not the parser's wording: that is what someone fixing the file needs
            com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
            throw new Malformed("manifest " + relativeKey + " is not JSON"
                    + (at != null && at.getLineNr() > 0 ? " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"
                            : ""), null, e);
        } catch (IOException e) {
            throw new Malformed("manifest " + relativeKey + " cannot be read: " + e.getMessage(), null, e);
        }
        if (root == null || !root.isObject()) {
            throw malformed("manifest " + relativeKey + " must be a JSON object", null);
        }
        return of(relativeKey, root, strict, name);
    }

    /**
     * A manifest from an already parsed JSON object (a declaration inside a larger request).
     *
     * @param strict refuse unknown fields and require {@code producer}
     * @throws Malformed naming {@code where} and the field when it cannot be read
     */
    public static Manifest of(String where, JsonNode root, boolean strict) {
        String name = where.substring(where.lastIndexOf('/') + 1);
        return of(where, root, strict, name);
    }

    private static Manifest of(String relativeKey, JsonNode root, boolean strict, String name) {
        if (root == null || !root.isObject()) {
            throw malformed(relativeKey + " must be a JSON object", null);
        }
        if (strict) {
            for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!FIELDS.contains(f)) {
                    throw malformed(relativeKey + ": unknown field '" + f + "' (known: " + String.join(", ",
                            new java.util.TreeSet<>(FIELDS)) + ")", f);
                }
            }
            if (!root.hasNonNull("producer")) {
                throw malformed(relativeKey + ": producer is missing", "producer");
            }
        }
        String producer = root.hasNonNull("producer") ? text(root, "producer", relativeKey)
                : name.endsWith(".json") ? name.substring(0, name.length() - ".json".length()) : name;
        String status = root.hasNonNull("status") ? text(root, "status", relativeKey).toLowerCase(Locale.ROOT) : "closed";
        if (!status.equals("open") && !status.equals("closed")) {
            throw malformed("manifest " + relativeKey + ": status must be open or closed, was '"
                    + status + "'", "status");
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
                throw malformed("manifest " + key + ": keys must be an array of strings", "keys");
            }
            for (JsonNode k : n) {
                if (!k.isTextual() || k.asText().isEmpty() || k.asText().contains("\n")) {
                    throw malformed("manifest " + key
                            + ": keys must be non-empty strings without line breaks, was " + k, "keys");
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
            throw malformed("manifest " + key + ": " + field + " must be a non-empty string", field);
        }
        return n.asText();
    }

    private static long count(JsonNode root, String field, String key) {
        if (!root.hasNonNull(field)) {
            return Sent.UNKNOWN;
        }
        JsonNode n = root.get(field);
        if (!n.canConvertToLong() || !n.isIntegralNumber() || n.asLong() < 0) {
            throw malformed("manifest " + key + ": " + field + " must be a whole number >= 0, was " + n, field);
        }
        return n.asLong();
    }

    private static Malformed malformed(String message, String field) {
        return new Malformed(message, field, null);
    }
}
