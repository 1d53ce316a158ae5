package dev.quiesce.aws.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quiesce.EventType;
import dev.quiesce.LifecycleEvent;
import dev.quiesce.Tally;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Lifecycle events for the notifier tests, and a strict reader for the CloudEvents they produce. */
final class Events {

    static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");
    static final Instant COMPLETED_AT = T0.plusSeconds(120);
    static final Tally TALLY = new Tally(3, 30, 0, 3, T0, T0.plusSeconds(20));
    static final ObjectMapper JSON = new ObjectMapper();

    private Events() {
    }

    /** Transition 2 of {@code obs-1} over dataset {@code events}: completed with 3 objects, 30 bytes. */
    static LifecycleEvent completed() {
        return completed("obs-1", "events");
    }

    /** Transition 2 of an observation: completed with 3 objects, 30 bytes. */
    static LifecycleEvent completed(String observationId, String datasetId) {
        return new LifecycleEvent(LifecycleEvent.idOf(observationId, 2), EventType.COMPLETED, observationId,
                datasetId, 2, COMPLETED_AT, TALLY, 3, "stable", T0, T0);
    }

    /**
     * Reads structured-mode CloudEvent JSON with the CloudEvents SDK's own format, which rejects
     * anything that is not a valid CloudEvents 1.0 event.
     */
    static CloudEvent cloudEvent(String json) {
        return EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE)
                .deserialize(json.getBytes(StandardCharsets.UTF_8));
    }

    /** The {@code data} of a CloudEvent as a JSON tree. */
    static JsonNode data(CloudEvent event) {
        return tree(new String(event.getData().toBytes(), StandardCharsets.UTF_8));
    }

    static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
