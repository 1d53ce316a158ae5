package dev.quiesce.aws.s3;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.quiesce.Arrival;
import dev.quiesce.MalformedEventException;
import dev.quiesce.UnknownEventTypeException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the storage events in one raw JSON payload, whatever envelope delivered it, and returns the
 * {@link Arrival}s to count.
 *
 * <p><b>Envelopes.</b> {@link #parse} recognises, by shape:
 * <ul>
 *   <li>an S3 event notification {@code {"Records":[{"eventSource":"aws:s3",…}]}}, as S3 hands it to
 *       Lambda or writes it as an SQS message body (also the raw-delivery body of S3 → SNS → SQS);</li>
 *   <li>an SNS notification {@code {"Type":"Notification","Message":"<S3 JSON>",…}} (the SQS body of
 *       S3 → SNS → SQS without raw delivery) and a Lambda SNS event
 *       {@code {"Records":[{"EventSource":"aws:sns","Sns":{"Message":…}}]}}: the message is parsed
 *       again as a payload of its own;</li>
 *   <li>an EventBridge event {@code {"source":"aws.s3","detail-type":"Object Created"|"Object Deleted",…}},
 *       delivered directly or as an SQS body;</li>
 *   <li>MinIO's webhook and queue payload {@code {"EventName":"s3:ObjectCreated:Put","Key":"bucket/key",
 *       "Records":[…]}} and the bare records of its listen API;</li>
 *   <li>Ceph RGW notifications: S3-format records with {@code eventSource} {@code ceph:s3}, whose
 *       {@code size} may be a JSON string.</li>
 * </ul>
 * A Lambda SQS event ({@code eventSource} {@code aws:sqs}) is rejected: pass each message body on its
 * own, so that one bad message fails alone.
 *
 * <p><b>What counts.</b> Every {@code ObjectCreated:*} event (Put, Post, Copy,
 * CompleteMultipartUpload, …) gives a {@link Arrival#created created} arrival; every
 * {@code ObjectRemoved:*} event (Delete, DeleteMarkerCreated) a {@link Arrival#removed removed} one
 * (size 0). Event names may carry the {@code s3:} prefix (MinIO, older Ceph) or not (AWS). The S3 test
 * event ({@code {"Service":"Amazon S3","Event":"s3:TestEvent",…}}) counts as {@linkplain
 * Parsed#ignored() ignored}, and so does the start of a multipart upload that Ceph RGW before Quincy
 * reported as {@code ObjectCreated:Post}: such a record has no {@code eTag} and size 0, which no
 * finished upload has (every stored object, even an empty one, has an ETag), and the object counts
 * once, at its {@code ObjectCreated:CompleteMultipartUpload}.
 *
 * <p><b>Keys.</b> AWS (S3 notifications and, by the same rule, EventBridge) and MinIO's notification
 * targets URL-encode the key the way HTML forms do ({@code +} is a space, {@code %2B} a plus); they are
 * decoded with {@link URLDecoder}. Ceph RGW ({@code eventSource} {@code ceph:s3}) and MinIO's listen
 * API (records with {@code eventSource} {@code minio:s3} and no {@code Key} envelope) send the key as
 * stored, so it is used unchanged. In a MinIO envelope the top-level {@code Key} is
 * {@code <bucket>/<decoded key>}: when it equals the bucket plus the record's key unchanged, that key
 * was not encoded and is used as is; when it agrees with neither reading, the decoded key is used and
 * a {@linkplain Parsed#notes() note} says so.
 *
 * <p><b>Dedupe tokens.</b> An arrival's token identifies the event among its redeliveries:
 * <ol>
 *   <li>the {@code sequencer}, upper-cased and right-padded with {@code 0} to
 *       {@value #SEQUENCER_WIDTH} hex digits, so that comparing two tokens of one key as strings
 *       follows S3's rule (pad the shorter sequencer with zeros on the right, then compare); a longer
 *       sequencer is kept whole, with a note. The sequencer is also set as the arrival's
 *       {@link Arrival#sequencer()}, which orders one key's events whatever their event times say;</li>
 *   <li>else the version id;</li>
 *   <li>else {@code <eTag>:<size>}.</li>
 * </ol>
 * Removals without a sequencer carry no size or usually no eTag, and a permanent delete names the
 * very version it removes, so their token is {@code removed:<version id>}, else
 * {@code removed:<eTag>}, else {@code removed:<eventTime>/<request id>} (the request id from
 * {@code responseElements.x-amz-request-id} or EventBridge's {@code request-id}, left out when absent):
 * every one of these is the same on every redelivery of the event. A creation with neither sequencer,
 * version id nor eTag gets {@code <eventTime>/<request id>:<size>}.
 *
 * <p><b>Failures.</b> A payload that is not JSON, lacks a required field (bucket, key, event name,
 * event time, size of a creation), has one of the wrong type, or is larger than
 * {@link #maxPayloadBytes()} throws {@link MalformedEventException}; an event type other than the above
 * throws {@link UnknownEventTypeException}. Either way nothing from the payload is returned: one bad
 * record fails the whole payload, so a caller never counts half of it.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * <pre>{@code
 * S3EventParser parser = S3EventParser.create();
 * S3EventParser.Parsed parsed = parser.parse(sqsMessage.getBody());
 * parsed.arrivals().forEach(monitor::accept);
 * }</pre>
 */
public final class S3EventParser {

    /** Largest payload accepted unless told otherwise: 256 KiB, the SQS, SNS and Lambda async limit. */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 256 * 1024;
    /** Hex digits a sequencer is padded to before it becomes a dedupe token. */
    public static final int SEQUENCER_WIDTH = 32;

    private static final Logger LOG = LoggerFactory.getLogger(S3EventParser.class);
    private static final int MAX_NESTING = 3;
    private static final String CREATED = "ObjectCreated:";
    private static final String REMOVED = "ObjectRemoved:";
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final int maxPayloadBytes;

    private S3EventParser(int maxPayloadBytes) {
        this.maxPayloadBytes = maxPayloadBytes;
    }

    /** A parser that accepts payloads of up to {@value #DEFAULT_MAX_PAYLOAD_BYTES} bytes. */
    public static S3EventParser create() {
        return new S3EventParser(DEFAULT_MAX_PAYLOAD_BYTES);
    }

    /**
     * A parser that accepts payloads of up to {@code maxPayloadBytes} bytes of UTF-8.
     *
     * @throws IllegalArgumentException if {@code maxPayloadBytes < 1}
     */
    public static S3EventParser create(int maxPayloadBytes) {
        if (maxPayloadBytes < 1) {
            throw new IllegalArgumentException("maxPayloadBytes must be >= 1, was " + maxPayloadBytes);
        }
        return new S3EventParser(maxPayloadBytes);
    }

    /** The largest payload, in bytes of UTF-8, that {@link #parse} accepts. */
    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    /**
     * Reads one payload: the text of a Lambda event, an SQS message body, an SNS notification or an
     * EventBridge event.
     *
     * @return the arrivals to count, in the payload's order, with how many events were ignored
     * @throws NullPointerException if {@code json} is null
     * @throws MalformedEventException if the payload is too large, not JSON, not a known envelope, or
     *     a record lacks a required field or has one of the wrong type; the message names the field
     *     and the record index
     * @throws UnknownEventTypeException if an event is neither an object creation, a removal, nor a
     *     test event; {@link UnknownEventTypeException#eventType()} names it
     */
    public Parsed parse(String json) {
        requireNonNull(json, "json");
        long bytes = utf8Length(json, maxPayloadBytes);
        if (bytes > maxPayloadBytes) {
            throw new MalformedEventException("payload is larger than " + maxPayloadBytes + " bytes"
                    + (bytes == Long.MAX_VALUE ? "" : " (" + bytes + " bytes)")
                    + "; S3, SNS and SQS never deliver more than 256 KiB, so this is not a storage event");
        }
        Result result = new Result();
        String envelope = parseInto(json, "", 0, result);
        Parsed parsed = new Parsed(result.arrivals, result.ignored, result.notes);
        LOG.debug("s3event.parsed envelope={} arrivals={} ignored={} bytes={}",
                envelope, parsed.arrivals().size(), parsed.ignored(), bytes);
        return parsed;
    }

    // ---------------------------------------------------------------- envelopes

    private String parseInto(String json, String where, int depth, Result out) {
        JsonNode root = readTree(json, where);
        if (!root.isObject()) {
            throw malformed(where, "payload must be a JSON object, was " + kind(root));
        }
        JsonNode records = root.get("Records");
        if (records != null) {
            if (root.has("EventName") || root.has("Key")) {
                minioEnvelope(root, where, depth, out);
                return "minio";
            }
            return records(records, where + "Records", null, depth, out);
        }
        JsonNode type = root.get("Type");
        if (type != null && root.has("Message")) {
            snsNotification(root, where, depth, out);
            return "sns";
        }
        if (root.has("detail-type") || root.has("detail")) {
            eventBridge(root, where, out);
            return "eventbridge";
        }
        JsonNode event = root.get("Event");
        if (event != null) {
            String name = text(root, "Event", where, true);
            if (name.equals("s3:TestEvent")) {
                out.ignored++;
                out.notes.add(prefix(where) + "ignored the S3 test event sent when notifications were configured");
                return "s3-test-event";
            }
            throw new UnknownEventTypeException(name, prefix(where) + "event type '" + name
                    + "' is not an S3 object event; only ObjectCreated:*, ObjectRemoved:* and s3:TestEvent are read");
        }
        throw malformed(where, "not a storage event envelope: expected \"Records\" (S3, MinIO, Ceph), an SNS"
                + " notification (\"Type\", \"Message\"), an EventBridge event (\"detail-type\") or the S3 test"
                + " event (\"Event\"); top-level fields were " + fieldNames(root));
    }

    private String records(JsonNode records, String where, String minioKey, int depth, Result out) {
        if (!records.isArray()) {
            throw malformed("", where + " must be an array, was " + kind(records));
        }
        String envelope = "s3";
        for (int i = 0; i < records.size(); i++) {
            String at = where + "[" + i + "]";
            JsonNode record = records.get(i);
            if (!record.isObject()) {
                throw malformed("", at + " must be an object, was " + kind(record));
            }
            String source = optionalText(record, "eventSource", at);
            String snsSource = optionalText(record, "EventSource", at);
            if ("aws:sns".equals(snsSource) || (source == null && record.has("Sns"))) {
                JsonNode sns = record.get("Sns");
                if (sns == null || !sns.isObject()) {
                    throw malformed("", at + ".Sns is missing or not an object in a Lambda SNS event record");
                }
                snsNotification(sns, at + ".Sns.", depth, out);
                envelope = "lambda-sns";
                continue;
            }
            if ("aws:sqs".equals(source)) {
                throw malformed("", at + " is an SQS message (eventSource aws:sqs), not a storage event;"
                        + " parse each message's body on its own so that one bad message fails alone");
            }
            s3Record(record, at, source, minioKey, out);
        }
        return envelope;
    }

    private void minioEnvelope(JsonNode root, String where, int depth, Result out) {
        String key = optionalText(root, "Key", where.isEmpty() ? "MinIO envelope" : where + "MinIO envelope");
        records(root.get("Records"), where + "Records", key == null ? "" : key, depth, out);
    }

    private void snsNotification(JsonNode root, String where, int depth, Result out) {
        String type = text(root, "Type", where, true);
        if (!type.equals("Notification")) {
            throw new UnknownEventTypeException("sns:" + type, prefix(where) + "SNS message of type '" + type
                    + "' carries no storage event; only SNS Notification messages are read");
        }
        String message = text(root, "Message", where, true);
        if (depth + 1 > MAX_NESTING) {
            throw malformed(where, "envelopes nested more than " + MAX_NESTING + " deep");
        }
        parseInto(message, where + "Message: ", depth + 1, out);
    }

    private void eventBridge(JsonNode root, String where, Result out) {
        String source = text(root, "source", where, true);
        String detailType = text(root, "detail-type", where, true);
        boolean created = detailType.equals("Object Created");
        boolean deleted = detailType.equals("Object Deleted");
        if (!source.equals("aws.s3") || !(created || deleted)) {
            String name = source + ":" + detailType;
            throw new UnknownEventTypeException(name, prefix(where) + "EventBridge event '" + detailType
                    + "' from '" + source + "' is not counted; only aws.s3 \"Object Created\" and"
                    + " \"Object Deleted\" are read");
        }
        Instant time = instant(root, "time", where);
        JsonNode detail = object(root, "detail", where);
        String at = where + "detail";
        String bucket = text(object(detail, "bucket", at), "name", at + ".bucket", true);
        JsonNode object = object(detail, "object", at);
        String objectAt = at + ".object";
        String rawKey = text(object, "key", objectAt, true);
        String key = decodeKey(rawKey, objectAt + ".key");
        String sequencer = sequencer(object, objectAt, out);
        String versionId = optionalText(object, "version-id", objectAt);
        String etag = optionalText(object, "etag", objectAt);
        String requestId = optionalText(detail, "request-id", at);
        if (created) {
            long size = size(object, objectAt);
            String token = createdToken(sequencer, versionId, etag, size, time, requestId);
            out.arrivals.add(Arrival.created(bucket, key, size, time, token).withSequencer(sequencer)
                    .withVersion(listingVersion(etag, size)));
        } else {
            String token = removedToken(sequencer, versionId, etag, time, requestId);
            out.arrivals.add(Arrival.removed(bucket, key, time, token).withSequencer(sequencer));
        }
    }

    // ---------------------------------------------------------------- one S3-format record

    private void s3Record(JsonNode record, String at, String source, String minioKey, Result out) {
        String eventName = text(record, "eventName", at, true);
        String name = eventName.startsWith("s3:") ? eventName.substring(3) : eventName;
        boolean created = name.startsWith(CREATED) && name.length() > CREATED.length();
        boolean removed = name.startsWith(REMOVED) && name.length() > REMOVED.length();
        if (!created && !removed) {
            throw new UnknownEventTypeException(eventName, at + ": event type '" + eventName
                    + "' is neither ObjectCreated:* nor ObjectRemoved:*; subscribe the notification to"
                    + " s3:ObjectCreated:* and s3:ObjectRemoved:* only");
        }
        Instant time = instant(record, "eventTime", at);
        JsonNode s3 = object(record, "s3", at);
        String s3At = at + ".s3";
        String bucket = text(object(s3, "bucket", s3At), "name", s3At + ".bucket", true);
        JsonNode object = object(s3, "object", s3At);
        String objectAt = s3At + ".object";
        String rawKey = text(object, "key", objectAt, true);
        String etag = optionalText(object, "eTag", objectAt);
        String versionId = optionalText(object, "versionId", objectAt);
        String sequencer = sequencer(object, objectAt, out);
        String requestId = null;
        JsonNode response = record.get("responseElements");
        if (response != null && response.isObject()) {
            requestId = optionalText(response, "x-amz-request-id", at + ".responseElements");
        }
        String key = key(rawKey, bucket, source, minioKey, objectAt, out);
        if (created) {
            long size = size(object, objectAt);
            if (name.equals("ObjectCreated:Post") && etag == null && size == 0) {
                out.ignored++;
                out.notes.add(at + ": ignored ObjectCreated:Post without eTag for key " + key
                        + ": the start of a multipart upload, counted when it completes");
                return;
            }
            String token = createdToken(sequencer, versionId, etag, size, time, requestId);
            out.arrivals.add(Arrival.created(bucket, key, size, time, token).withSequencer(sequencer)
                    .withVersion(listingVersion(etag, size)));
        } else {
            String token = removedToken(sequencer, versionId, etag, time, requestId);
            out.arrivals.add(Arrival.removed(bucket, key, time, token).withSequencer(sequencer));
        }
    }

    /** The object key as stored, from a record's key field; see the class comment for the rules. */
    private static String key(String rawKey, String bucket, String source, String minioKey, String at, Result out) {
        if ("ceph:s3".equals(source)) {
            return rawKey;
        }
        if (minioKey == null) {
            return "minio:s3".equals(source) ? rawKey : decodeKey(rawKey, at + ".key");
        }
        String expectedPrefix = bucket + "/";
        if (minioKey.equals(expectedPrefix + rawKey)) {
            return rawKey;
        }
        String decoded = decodeKey(rawKey, at + ".key");
        if (!minioKey.isEmpty() && !minioKey.equals(expectedPrefix + decoded)) {
            out.notes.add(at + ".key: MinIO envelope Key disagrees with the record's key; used the record's"
                    + " key decoded: " + decoded);
        }
        return decoded;
    }

    /** Decodes a key the way S3 encodes it in notifications: {@code +} is a space, {@code %2B} a plus. */
    static String decodeKey(String rawKey, String at) {
        String key;
        try {
            key = URLDecoder.decode(rawKey, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new MalformedEventException(at + " is not URL-encoded as S3 encodes keys ("
                    + e.getMessage() + "): " + rawKey, e);
        }
        if (key.isEmpty()) {
            throw new MalformedEventException(at + " is empty once decoded");
        }
        return key;
    }

    // ---------------------------------------------------------------- tokens

    /**
     * The version a listing shows for this object, {@code <eTag>:<size>} as the S3 listing source makes it,
     * so that a key-set digest from events matches one recomputed from a listing; null without an eTag.
     */
    static String listingVersion(String etag, long size) {
        if (etag == null) {
            return null;
        }
        String bare = etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")
                ? etag.substring(1, etag.length() - 1) : etag;
        return bare + ":" + size;
    }

    private static String createdToken(String sequencer, String versionId, String etag, long size,
            Instant time, String requestId) {
        if (sequencer != null) {
            return sequencer;
        }
        if (versionId != null) {
            return versionId;
        }
        if (etag != null) {
            return etag + ":" + size;
        }
        return time + (requestId == null ? "" : "/" + requestId) + ":" + size;
    }

    private static String removedToken(String sequencer, String versionId, String etag, Instant time,
            String requestId) {
        if (sequencer != null) {
            return sequencer;
        }
        if (versionId != null) {
            return "removed:" + versionId;
        }
        if (etag != null) {
            return "removed:" + etag;
        }
        return "removed:" + time + (requestId == null ? "" : "/" + requestId);
    }

    /** The record's sequencer as a token, padded; null when there is none. */
    private static String sequencer(JsonNode object, String at, Result out) {
        String raw = optionalText(object, "sequencer", at);
        if (raw == null) {
            return null;
        }
        for (int i = 0; i < raw.length(); i++) {
            if (Character.digit(raw.charAt(i), 16) < 0) {
                throw new MalformedEventException(at + ".sequencer must be hexadecimal, was '" + raw + "'");
            }
        }
        String hex = raw.toUpperCase(Locale.ROOT);
        if (hex.length() > SEQUENCER_WIDTH) {
            out.notes.add(at + ".sequencer is longer than " + SEQUENCER_WIDTH
                    + " hex digits; kept whole (it is still ordered by S3's rule)");
            return hex;
        }
        return padSequencer(hex);
    }

    /** Upper-cases a hex sequencer and right-pads it with zeros to {@value #SEQUENCER_WIDTH} digits. */
    static String padSequencer(String hex) {
        StringBuilder padded = new StringBuilder(SEQUENCER_WIDTH).append(hex.toUpperCase(Locale.ROOT));
        while (padded.length() < SEQUENCER_WIDTH) {
            padded.append('0');
        }
        return padded.toString();
    }

    // ---------------------------------------------------------------- fields

    private static JsonNode readTree(String json, String where) {
        try {
            JsonNode root = JSON.readTree(json);
            if (root == null || root.isMissingNode()) {
                throw malformed(where, "payload is empty");
            }
            return root;
        } catch (JsonProcessingException e) {
            String detail = e.getOriginalMessage();
            if (e.getLocation() != null) {
                detail += " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            }
            throw new MalformedEventException(prefix(where) + "payload is not valid JSON: " + detail, e);
        }
    }

    private static JsonNode object(JsonNode parent, String field, String at) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            throw new MalformedEventException(at + "." + field + " is missing");
        }
        if (!node.isObject()) {
            throw new MalformedEventException(at + "." + field + " must be an object, was " + kind(node));
        }
        return node;
    }

    /** A required, non-empty string field. {@code at} names the parent; for the root it may be "" or end in ": ". */
    private static String text(JsonNode parent, String field, String at, boolean required) {
        String name = path(at, field);
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            throw new MalformedEventException(name + " is missing");
        }
        if (!node.isTextual()) {
            throw new MalformedEventException(name + " must be a string, was " + kind(node));
        }
        String value = node.textValue();
        if (required && value.isEmpty()) {
            throw new MalformedEventException(name + " is empty");
        }
        return value;
    }

    /** An optional string field: null when absent, JSON null or empty. */
    private static String optionalText(JsonNode parent, String field, String at) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new MalformedEventException(path(at, field) + " must be a string, was " + kind(node));
        }
        String value = node.textValue();
        return value.isEmpty() ? null : value;
    }

    /** An object size: a whole number, or a string of digits (Ceph RGW). */
    private static long size(JsonNode object, String at) {
        String name = at + ".size";
        JsonNode node = object.get("size");
        if (node == null || node.isNull()) {
            throw new MalformedEventException(name + " is missing; an ObjectCreated event must give the object's size");
        }
        long size;
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            size = node.longValue();
        } else if (node.isTextual() && !node.textValue().isEmpty() && node.textValue().chars().allMatch(Character::isDigit)) {
            try {
                size = Long.parseLong(node.textValue());
            } catch (NumberFormatException e) {
                throw new MalformedEventException(name + " is too large: " + node.textValue(), e);
            }
        } else {
            throw new MalformedEventException(name + " must be a whole number of bytes, was " + kind(node)
                    + (node.isValueNode() ? " " + node.asText() : ""));
        }
        if (size < 0) {
            throw new MalformedEventException(name + " must be >= 0, was " + size);
        }
        return size;
    }

    private static Instant instant(JsonNode parent, String field, String at) {
        String text = text(parent, field, at, true);
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e2) {
                throw new MalformedEventException(path(at, field) + " must be an ISO-8601 time such as"
                        + " 2024-05-01T12:00:00.000Z, was '" + text + "'", e2);
            }
        }
    }

    private static String path(String at, String field) {
        if (at.isEmpty()) {
            return field;
        }
        return at.endsWith(": ") || at.endsWith(".") ? at + field : at + "." + field;
    }

    private static String prefix(String where) {
        return where.isEmpty() ? "" : where;
    }

    private static MalformedEventException malformed(String where, String message) {
        return new MalformedEventException(prefix(where) + message);
    }

    private static String kind(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext() && names.size() < 10; ) {
            names.add(it.next());
        }
        return names;
    }

    /** UTF-8 length of {@code s}, or {@link Long#MAX_VALUE} as soon as it certainly exceeds {@code limit}. */
    private static long utf8Length(String s, int limit) {
        if (s.length() > limit) {
            return Long.MAX_VALUE;
        }
        long bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    @Override
    public String toString() {
        return "S3EventParser[maxPayloadBytes=" + maxPayloadBytes + "]";
    }

    /** Accumulates one parse; discarded whole when any record fails. */
    private static final class Result {
        final List<Arrival> arrivals = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        int ignored;
    }

    /**
     * What one payload holds: the arrivals to count, in payload order; how many events were read and
     * deliberately not counted (S3 test events, the start of a Ceph multipart upload); and notes, one
     * line per such event or oddity, naming the record and key (never the payload). Immutable.
     *
     * @param arrivals the arrivals to count
     * @param ignored events read and not counted
     * @param notes what was ignored or odd, for logs
     */
    public record Parsed(List<Arrival> arrivals, int ignored, List<String> notes) {
        public Parsed {
            arrivals = List.copyOf(arrivals);
            notes = List.copyOf(notes);
            if (ignored < 0) {
                throw new IllegalArgumentException("ignored must be >= 0, was " + ignored);
            }
        }
    }
}
