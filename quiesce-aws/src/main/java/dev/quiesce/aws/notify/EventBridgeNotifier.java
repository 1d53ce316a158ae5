package dev.quiesce.aws.notify;

import dev.quiesce.DeliveryFailedException;
import dev.quiesce.LifecycleEvent;
import dev.quiesce.notify.StructuredCloudEvent;
import dev.quiesce.port.Notifier;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * Puts each lifecycle event on an EventBridge event bus, one {@code PutEvents} entry per event.
 *
 * <p>The entry's {@code Detail} is the whole structured-mode CloudEvent JSON that every quiesce
 * notifier carries ({@link StructuredCloudEvent}), not only its {@code data}. EventBridge requires the
 * detail to be a JSON object, and the CloudEvent is one; keeping it whole gives targets (a Lambda, an
 * SQS queue, an API destination) the same document the SNS, SQS and webhook notifiers send, with the
 * CloudEvent {@code id} for dropping duplicates. Rules match on it directly, for example
 * <pre>{@code
 * {"source": ["dev.quiesce"], "detail-type": ["dev.quiesce.observation.completed"],
 *  "detail": {"subject": ["sales-events"]}}
 * }</pre>
 * with {@code detail.data} holding the event fields ({@code dataset}, {@code objects}, {@code bytes}, …).
 * The envelope's {@code detail-type} is the CloudEvent {@code type}, its {@code source} is the
 * EventBridge source given here (a plain name such as {@code dev.quiesce}, not the CloudEvents source
 * URI, which defaults to {@code urn:quiesce}), and its {@code time} the event time.
 *
 * <p>{@code PutEvents} reports rejected entries in a successful response, so a response with
 * {@code FailedEntryCount > 0} throws {@link DeliveryFailedException} with the entry's error code and
 * message, exactly as an SDK failure (an error answer, no connection) does, with the SDK exception as
 * cause. The outbox relay retries and dead-letters it after the last attempt. The notifier is named
 * {@value #NAME} and acts on terminal events only. Instances are immutable and thread-safe; the client
 * is not closed by the notifier.
 */
public final class EventBridgeNotifier implements Notifier {

    /** The notifier's name in outbox entries: {@value}. */
    public static final String NAME = "eventbridge";

    private static final Logger LOG = LoggerFactory.getLogger(EventBridgeNotifier.class);
    private static final int MAX_SOURCE_CHARS = 256;

    private final EventBridgeClient client;
    private final String busName;
    private final String source;
    private final URI cloudEventSource;

    /**
     * A notifier with the CloudEvents source {@link StructuredCloudEvent#DEFAULT_SOURCE}.
     *
     * @param client the EventBridge client; not closed by this notifier
     * @param busName the event bus name or ARN ({@code default} for the account's default bus)
     * @param source the EventBridge {@code Source} of every entry, e.g. {@code dev.quiesce}
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code busName} or {@code source} is blank, {@code source} is
     *     longer than 256 characters or starts with {@code aws.} (reserved for AWS services)
     */
    public EventBridgeNotifier(EventBridgeClient client, String busName, String source) {
        this(client, busName, source, StructuredCloudEvent.DEFAULT_SOURCE);
    }

    /**
     * @param client the EventBridge client; not closed by this notifier
     * @param busName the event bus name or ARN ({@code default} for the account's default bus)
     * @param source the EventBridge {@code Source} of every entry, e.g. {@code dev.quiesce}
     * @param cloudEventSource the CloudEvents {@code source} attribute inside the detail
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code busName} or {@code source} is blank, {@code source} is
     *     longer than 256 characters or starts with {@code aws.} (reserved for AWS services)
     */
    public EventBridgeNotifier(EventBridgeClient client, String busName, String source, URI cloudEventSource) {
        this.client = Objects.requireNonNull(client, "client");
        this.busName = AwsMessages.requireNotBlank(busName, "busName");
        this.source = AwsMessages.requireNotBlank(source, "source");
        this.cloudEventSource = Objects.requireNonNull(cloudEventSource, "cloudEventSource");
        if (source.length() > MAX_SOURCE_CHARS) {
            throw new IllegalArgumentException("source must be at most " + MAX_SOURCE_CHARS
                    + " characters, was " + source.length());
        }
        if (source.toLowerCase(Locale.ROOT).startsWith("aws.")) {
            throw new IllegalArgumentException("source must not start with 'aws.' (reserved for AWS services), was "
                    + source);
        }
    }

    /** Returns {@value #NAME}. */
    @Override
    public String name() {
        return NAME;
    }

    /**
     * Puts the event on the bus.
     *
     * @throws DeliveryFailedException if EventBridge rejected the entry, answered with an error or could
     *     not be reached
     */
    @Override
    public void deliver(LifecycleEvent event) {
        PutEventsRequestEntry entry = PutEventsRequestEntry.builder()
                .eventBusName(busName)
                .source(source)
                .detailType(event.type().cloudEventType())
                .detail(AwsMessages.cloudEventJson(event, cloudEventSource))
                .time(event.time())
                .build();
        PutEventsResponse response;
        try {
            response = client.putEvents(PutEventsRequest.builder().entries(entry).build());
        } catch (SdkException e) {
            throw new DeliveryFailedException("EventBridge PutEvents of event " + event.id() + " to bus "
                    + busName + " failed: " + AwsMessages.describe(e), e);
        }
        Integer failed = response.failedEntryCount();
        if (failed != null && failed > 0) {
            throw new DeliveryFailedException("EventBridge PutEvents rejected event " + event.id() + " on bus "
                    + busName + ": " + rejection(response));
        }
        String eventId = response.hasEntries() && !response.entries().isEmpty()
                ? response.entries().get(0).eventId() : null;
        LOG.debug("notify.eventbridge.put event={} bus={} eventBridgeId={}", event.id(), busName, eventId);
    }

    @Override
    public String toString() {
        return "EventBridgeNotifier[" + busName + ", " + source + "]";
    }

    private static String rejection(PutEventsResponse response) {
        if (!response.hasEntries()) {
            return "FailedEntryCount " + response.failedEntryCount() + ", no entry details";
        }
        for (PutEventsResultEntry r : response.entries()) {
            if (r.errorCode() != null) {
                return r.errorCode() + ": " + r.errorMessage();
            }
        }
        return "FailedEntryCount " + response.failedEntryCount() + ", no error code";
    }
}
