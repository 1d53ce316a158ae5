package dev.quiesce.notify;

import dev.quiesce.LifecycleEvent;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonCloudEventData;
import io.cloudevents.jackson.JsonFormat;
import java.net.URI;
import java.time.ZoneOffset;

/**
 * Turns a lifecycle event into a CloudEvents 1.0 event and its structured-mode JSON
 * ({@code application/cloudevents+json}): the one shape every notifier (webhook, SNS, SQS,
 * EventBridge) carries, so receivers parse a single format. Thread-safe.
 */
public final class StructuredCloudEvent {

    /** The CloudEvents {@code source} used unless configured otherwise. */
    public static final URI DEFAULT_SOURCE = URI.create("urn:quiesce");

    /** Media type of the {@code data} attribute. */
    public static final String DATA_CONTENT_TYPE = "application/json";

    private static final EventFormat FORMAT = resolveFormat();

    private StructuredCloudEvent() {
    }

    /**
     * The CloudEvent: id = event id, type = {@link dev.quiesce.EventType#cloudEventType()}, subject =
     * dataset id, time = event time (UTC), data = the event fields as JSON.
     */
    public static CloudEvent of(LifecycleEvent event, URI source) {
        return CloudEventBuilder.v1()
                .withId(event.id())
                .withType(event.type().cloudEventType())
                .withSource(source)
                .withSubject(event.datasetId())
                .withTime(event.time().atOffset(ZoneOffset.UTC))
                .withDataContentType(DATA_CONTENT_TYPE)
                .withData(JsonCloudEventData.wrap(EventJson.of(event)))
                .build();
    }

    /** The structured-mode JSON bytes (UTF-8) of {@link #of}. */
    public static byte[] serialize(LifecycleEvent event, URI source) {
        return FORMAT.serialize(of(event, source));
    }

    /** The structured-mode JSON format, from the SDK's provider. */
    static EventFormat format() {
        return FORMAT;
    }

    private static EventFormat resolveFormat() {
        EventFormat f = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE);
        if (f == null) {
            throw new IllegalStateException("no CloudEvents format for " + JsonFormat.CONTENT_TYPE
                    + " on the class path; is io.cloudevents:cloudevents-json-jackson missing?");
        }
        return f;
    }
}
