package dev.quiesce.app.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quiesce.Certificate;
import dev.quiesce.InvalidConfigurationException;
import dev.quiesce.KeyDigest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The certificate {@code watch --certificate FILE} writes and {@code verify} reads: the core
 * {@link Certificate} plus what a verifier needs to list the location the same way (where, the filters,
 * the manifests directory) and, with {@code --certificate-keys}, every key at its version.
 *
 * @param location the location watched, as given to {@code watch}
 * @param include the include globs watch counted with
 * @param exclude the exclude globs watch counted with
 * @param manifests the manifests directory, whose files (and {@code _SUCCESS}) are not data
 * @param certificate what was judged complete
 * @param keys the present keys at their versions, in key order, or {@code null} when not listed
 */
record CertificateFile(String location, List<String> include, List<String> exclude, String manifests,
                       Certificate certificate, List<Key> keys) {

    /** Names the JSON shape, so a later change of it can be told from a damaged file. */
    static final String FORMAT = "quiesce-certificate/1";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * One key at one version, as the digest covers it.
     *
     * @param key the object key (a directory's relative path)
     * @param version the version ({@code <mtime nanos>:<size>}, {@code <etag>:<size>}), or {@code null}
     * @param size its size in bytes
     */
    record Key(String key, String version, long size) {

        Key {
            requireNonNull(key, "key");
        }

        /** This key's term of the digest. */
        long digest() {
            return KeyDigest.of(key, version, size);
        }
    }

    CertificateFile {
        requireNonNull(location, "location");
        include = List.copyOf(include);
        exclude = List.copyOf(exclude);
        requireNonNull(manifests, "manifests");
        requireNonNull(certificate, "certificate");
        keys = keys == null ? null : List.copyOf(keys);
    }

    /** The digest of the listed keys, when there are keys. */
    long keysDigest() {
        long sum = 0;
        for (Key k : keys) {
            sum += k.digest();
        }
        return sum;
    }

    /** Writes the file whole or not at all: a reader never sees half a certificate. */
    void write(Path file) throws IOException {
        Path target = file.toAbsolutePath();
        Path tmp = Files.createTempFile(target.getParent(), ".certificate-", ".tmp");
        try {
            Files.writeString(tmp, toJson() + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The certificate as indented JSON text. */
    String toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("format", FORMAT);
        n.put("location", location);
        n.put("dataset", certificate.datasetId());
        n.put("observation", certificate.observationId());
        n.put("completedAt", certificate.completedAt().toString());
        strings(n.putArray("include"), include);
        strings(n.putArray("exclude"), exclude);
        n.put("manifests", manifests);
        n.put("objects", certificate.objects());
        n.put("bytes", certificate.bytes());
        n.put("records", certificate.records());
        n.put("policy", certificate.policy());
        n.put("reason", certificate.reason());
        ObjectNode e = n.putObject("evidence");
        Certificate.Evidence ev = certificate.evidence();
        e.put("lastSeen", ev.lastSeen() == null ? null : ev.lastSeen().toString());
        e.put("lastArrival", ev.lastArrival() == null ? null : ev.lastArrival().toString());
        e.put("checks", ev.checks());
        strings(e.putArray("producersClosed"), ev.producersClosed());
        n.put("digest", certificate.digestHex());
        if (keys != null) {
            ArrayNode list = n.putArray("keys");
            for (Key k : keys) {
                list.addObject().put("key", k.key()).put("version", k.version()).put("size", k.size());
            }
        }
        try {
            return JSON.writeValueAsString(n);
        } catch (JsonProcessingException ex) {
            // a tree of strings and numbers always serialises
            throw new IllegalStateException("cannot serialise a certificate", ex);
        }
    }

    /**
     * Reads a certificate file.
     *
     * @throws InvalidConfigurationException in one line naming the file and what is wrong with it
     */
    static CertificateFile read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new InvalidConfigurationException("certificate " + file + " does not exist");
        } catch (IOException e) {
            throw new InvalidConfigurationException("certificate " + file + " cannot be read: " + e.getMessage(), e);
        }
        try {
            return fromJson(new String(bytes, StandardCharsets.UTF_8));
        } catch (InvalidConfigurationException e) {
            throw new InvalidConfigurationException("certificate " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The inverse of {@link #toJson()}.
     *
     * @throws InvalidConfigurationException saying which field is missing or malformed
     */
    static CertificateFile fromJson(String text) {
        JsonNode n;
        try {
            n = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidConfigurationException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (n == null || !n.isObject()) {
            throw new InvalidConfigurationException("not a JSON object");
        }
        String format = text(n, "format", false);
        if (!FORMAT.equals(format)) {
            throw new InvalidConfigurationException("format is '" + format + "', expected '" + FORMAT + "'");
        }
        JsonNode e = n.get("evidence");
        if (e == null || !e.isObject()) {
            throw new InvalidConfigurationException("evidence must be an object");
        }
        long digest;
        String hex = text(n, "digest", false);
        try {
            if (hex.length() != 16) {
                throw new NumberFormatException();
            }
            digest = KeyDigest.parse(hex);
        } catch (NumberFormatException ex) {
            throw new InvalidConfigurationException("digest must be 16 hexadecimal digits, was '" + hex + "'");
        }
        Certificate c = new Certificate(text(n, "observation", false), text(n, "dataset", false),
                instant(n, "completedAt", false), number(n, "objects"), number(n, "bytes"), number(n, "records"),
                digest, text(n, "policy", false), text(n, "reason", false),
                new Certificate.Evidence(instant(e, "lastSeen", true), instant(e, "lastArrival", true),
                        number(e, "checks"), strings(e, "producersClosed")));
        List<Key> keys = null;
        JsonNode list = n.get("keys");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw new InvalidConfigurationException("keys must be an array");
            }
            keys = new ArrayList<>();
            for (JsonNode k : list) {
                if (!k.isObject()) {
                    throw new InvalidConfigurationException("each of keys must be an object");
                }
                keys.add(new Key(text(k, "key", false), text(k, "version", true), number(k, "size")));
            }
        }
        return new CertificateFile(text(n, "location", false), strings(n, "include"), strings(n, "exclude"),
                text(n, "manifests", false), c, keys);
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    private static String text(JsonNode n, String field, boolean nullable) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (nullable) {
                return null;
            }
            throw new InvalidConfigurationException(field + " is missing");
        }
        if (!v.isTextual()) {
            throw new InvalidConfigurationException(field + " must be a string, was " + v);
        }
        return v.asText();
    }

    private static long number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
            throw new InvalidConfigurationException(field + " must be a whole number >= 0, was " + v);
        }
        return v.asLong();
    }

    private static Instant instant(JsonNode n, String field, boolean nullable) {
        String s = text(n, field, nullable);
        try {
            return s == null ? null : Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new InvalidConfigurationException(field + " must be an ISO-8601 instant, was '" + s + "'");
        }
    }

    private static List<String> strings(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isArray()) {
            throw new InvalidConfigurationException(field + " must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode s : v) {
            if (!s.isTextual()) {
                throw new InvalidConfigurationException(field + " must be an array of strings, has " + s);
            }
            out.add(s.asText());
        }
        return out;
    }
}
