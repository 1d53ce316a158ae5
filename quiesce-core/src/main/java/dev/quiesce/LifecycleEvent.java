package dev.quiesce;

import static java.util.Objects.requireNonNull;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a notifier delivers: one state transition of one observation, with the tally at that moment.
 *
 * <p>The {@code id} is {@code <observation id>/<transition number>}; it stays the same on every
 * delivery attempt so receivers can drop duplicates. Instances are immutable.
 *
 * @param id stable event id
 * @param type what happened
 * @param observationId the observation
 * @param datasetId the dataset it watches
 * @param transition the observation's transition number (1 for the first)
 * @param time when the transition was decided
 * @param tally the tally the deciding check read
 * @param checks checks made so far
 * @param reason why, in words
 * @param startedAt when the observation started
 * @param activatedAt when the first arrival was seen, or {@code null}
 * @param amendment for a LATE event its number (1, 2, ...), else 0
 * @param certificate what was judged complete, on a COMPLETED event; {@code null} on every other
 */
public record LifecycleEvent(
        String id,
        EventType type,
        String observationId,
        String datasetId,
        int transition,
        Instant time,
        Tally tally,
        long checks,
        String reason,
        Instant startedAt,
        Instant activatedAt,
        int amendment,
        Certificate certificate) {

    /** Separates producer names in the {@code producersClosed} field. */
    private static final String PRODUCER_SEPARATOR = ",";

    public LifecycleEvent {
        requireNonNull(id, "id");
        requireNonNull(type, "type");
        requireNonNull(observationId, "observationId");
        requireNonNull(datasetId, "datasetId");
        requireNonNull(time, "time");
        requireNonNull(tally, "tally");
        requireNonNull(reason, "reason");
        requireNonNull(startedAt, "startedAt");
        if (certificate != null && (type != EventType.COMPLETED || !certificate.equals(certificate(observationId,
                datasetId, time, tally, checks, reason, certificate.policy(), certificate.evidence().producersClosed())))) {
            // fields() writes only what the event does not already say, so the two must agree
            throw new IllegalArgumentException("certificate of " + certificate.observationId()
                    + " does not describe event " + id + " (" + type + ")");
        }
    }

    /** An event without a certificate (any but COMPLETED, and events written before certificates). */
    public LifecycleEvent(String id, EventType type, String observationId, String datasetId, int transition,
                          Instant time, Tally tally, long checks, String reason, Instant startedAt,
                          Instant activatedAt, int amendment) {
        this(id, type, observationId, datasetId, transition, time, tally, checks, reason, startedAt, activatedAt,
                amendment, null);
    }

    /** An event that is not a late amendment. */
    public LifecycleEvent(String id, EventType type, String observationId, String datasetId, int transition,
                          Instant time, Tally tally, long checks, String reason, Instant startedAt,
                          Instant activatedAt) {
        this(id, type, observationId, datasetId, transition, time, tally, checks, reason, startedAt, activatedAt, 0);
    }

    /** The id of transition {@code n} of an observation. */
    public static String idOf(String observationId, int transition) {
        return observationId + "/" + transition;
    }

    /**
     * The event's fields by name, with times in ISO-8601 and absent values left out. This is the shape
     * notifiers publish (JSON data, environment variables) and stores persist.
     */
    public Map<String, String> fields() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("type", type.name());
        m.put("observation", observationId);
        m.put("dataset", datasetId);
        m.put("transition", Integer.toString(transition));
        m.put("time", time.toString());
        m.put("objects", Long.toString(tally.objects()));
        m.put("bytes", Long.toString(tally.bytes()));
        m.put("records", Long.toString(tally.records()));
        m.put("removals", Long.toString(tally.removals()));
        m.put("changeSeq", Long.toString(tally.changeSeq()));
        putIfPresent(m, "firstArrival", tally.firstArrival());
        putIfPresent(m, "lastArrival", tally.lastArrival());
        putIfPresent(m, "lastSeen", tally.lastSeen());
        m.put("digest", KeyDigest.format(tally.digest()));
        m.put("checks", Long.toString(checks));
        m.put("reason", reason);
        m.put("startedAt", startedAt.toString());
        putIfPresent(m, "activatedAt", activatedAt);
        if (amendment > 0) {
            m.put("amendment", Integer.toString(amendment));
        }
        if (certificate != null) {
            // the rest of the certificate is the event's own counts, times, checks and reason
            m.put("policy", certificate.policy());
            List<String> closed = certificate.evidence().producersClosed();
            if (!closed.isEmpty()) {
                m.put("producersClosed", String.join(PRODUCER_SEPARATOR, closed.stream()
                        .map(p -> URLEncoder.encode(p, StandardCharsets.UTF_8)).toList()));
            }
        }
        return m;
    }

    /**
     * Rebuilds an event from {@link #fields()}.
     *
     * @throws IllegalArgumentException if a required field is missing or malformed
     */
    public static LifecycleEvent fromFields(Map<String, String> m) {
        try {
            Tally tally = new Tally(
                    Long.parseLong(m.get("objects")),
                    Long.parseLong(m.get("bytes")),
                    Long.parseLong(m.get("removals")),
                    Long.parseLong(m.get("changeSeq")),
                    instantOrNull(m.get("firstArrival")),
                    instantOrNull(m.get("lastArrival")),
                    m.containsKey("records") ? Long.parseLong(m.get("records")) : 0,
                    instantOrNull(m.get("lastSeen")),
                    m.containsKey("digest") ? KeyDigest.parse(m.get("digest")) : 0);
            EventType type = EventType.valueOf(m.get("type"));
            long checks = Long.parseLong(m.get("checks"));
            Certificate certificate = null;
            if (type == EventType.COMPLETED && m.containsKey("policy")) {
                List<String> closed = new ArrayList<>();
                String names = m.get("producersClosed");
                if (names != null && !names.isEmpty()) {
                    for (String p : names.split(PRODUCER_SEPARATOR, -1)) {
                        closed.add(URLDecoder.decode(p, StandardCharsets.UTF_8));
                    }
                }
                certificate = certificate(m.get("observation"), m.get("dataset"), Instant.parse(m.get("time")), tally,
                        checks, m.get("reason"), m.get("policy"), closed);
            }
            return new LifecycleEvent(
                    m.get("id"),
                    type,
                    m.get("observation"),
                    m.get("dataset"),
                    Integer.parseInt(m.get("transition")),
                    Instant.parse(m.get("time")),
                    tally,
                    checks,
                    m.get("reason"),
                    Instant.parse(m.get("startedAt")),
                    instantOrNull(m.get("activatedAt")),
                    m.containsKey("amendment") ? Integer.parseInt(m.get("amendment")) : 0,
                    certificate);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("malformed lifecycle event fields " + m.keySet() + ": " + e.getMessage(), e);
        }
    }

    /** A compact single-line text form ({@code key=value&...}, URL-encoded) for stores without a JSON column. */
    public String encode() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : fields().entrySet()) {
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(e.getKey()).append('=').append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    /** The inverse of {@link #encode()}. */
    public static LifecycleEvent decode(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String pair : text.split("&")) {
            int eq = pair.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("malformed encoded event near '" + pair + "'");
            }
            m.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return fromFields(m);
    }

    /** The certificate an event with these fields carries, given what only the certificate says. */
    private static Certificate certificate(String observationId, String datasetId, Instant time, Tally tally,
                                           long checks, String reason, String policy, List<String> producersClosed) {
        return new Certificate(observationId, datasetId, time, tally.objects(), tally.bytes(), tally.records(),
                tally.digest(), policy, reason,
                new Certificate.Evidence(tally.lastSeen(), tally.lastArrival(), checks, producersClosed));
    }

    private static void putIfPresent(Map<String, String> m, String key, Instant value) {
        if (value != null) {
            m.put(key, value.toString());
        }
    }

    private static Instant instantOrNull(String s) {
        return s == null ? null : Instant.parse(s);
    }
}
