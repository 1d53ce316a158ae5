package dev.quiesce.aws.notify;

import static dev.quiesce.aws.notify.AwsMessages.CE_ID;
import static dev.quiesce.aws.notify.AwsMessages.CE_SUBJECT;
import static dev.quiesce.aws.notify.AwsMessages.CE_TYPE;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quiesce.DeliveryFailedException;
import dev.quiesce.LifecycleEvent;
import dev.quiesce.notify.StructuredCloudEvent;
import dev.quiesce.port.DeadLetters;
import dev.quiesce.port.OutboxEntry;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Keeps notifications that failed their last delivery attempt on an SQS queue of their own, where a
 * person sees them (an alarm on the queue's depth) and can replay them.
 *
 * <p>Each dead letter is one message whose body is a JSON object:
 * <pre>{@code
 * {"event": { ...the structured-mode CloudEvent the notifier would have sent... },
 *  "notifier": "sns", "attempts": 6, "error": "InternalError (HTTP 500): ...", "eventId": "daily/2"}
 * }</pre>
 * and whose message attributes are {@code ce_type}, {@code ce_id}, {@code ce_subject} (as on the
 * notifiers' own messages), {@code quiesce-notifier} and {@code quiesce-attempts}, for filtering without
 * reading the body. Replaying is sending {@code event} to the notifier's target again; receivers drop
 * duplicates by the CloudEvent {@code id}. On a FIFO queue the group is the dataset and the deduplication
 * id the event id and notifier. The error is cut to {@value #MAX_ERROR_CHARS} characters.
 *
 * <p>If the queue cannot be reached, {@link #bury} throws {@link DeliveryFailedException}: the outbox
 * relay then leaves the entry pending, so the next delivery pass tries it (and, failing again, buries
 * it) once more. Nothing is lost. Immutable and thread-safe; the client is not closed here.
 */
public final class SqsDeadLetters implements DeadLetters {

    /** The longest final error kept in a dead letter, in characters. */
    public static final int MAX_ERROR_CHARS = 4096;
    /** Message attribute naming the notifier that gave up. */
    public static final String NOTIFIER_ATTRIBUTE = "quiesce-notifier";
    /** Message attribute with the number of attempts made. */
    public static final String ATTEMPTS_ATTRIBUTE = "quiesce-attempts";

    private static final Logger LOG = LoggerFactory.getLogger(SqsDeadLetters.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SqsClient client;
    private final String queueUrl;
    private final URI source;

    /**
     * @param client the SQS client; not closed here
     * @param queueUrl the dead-letter queue; a FIFO queue when it ends in {@code .fifo}
     * @param source the CloudEvents {@code source} of the events kept
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code queueUrl} is blank
     */
    public SqsDeadLetters(SqsClient client, String queueUrl, URI source) {
        this.client = Objects.requireNonNull(client, "client");
        this.queueUrl = AwsMessages.requireNotBlank(queueUrl, "queueUrl");
        this.source = Objects.requireNonNull(source, "source");
    }

    /**
     * Sends the dead letter to the queue.
     *
     * @throws DeliveryFailedException if SQS answered with an error or could not be reached
     */
    @Override
    public void bury(OutboxEntry entry, String error) {
        LifecycleEvent event = entry.event();
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
        attributes.put(CE_TYPE, text(event.type().cloudEventType()));
        attributes.put(CE_ID, text(event.id()));
        attributes.put(CE_SUBJECT, text(event.datasetId()));
        attributes.put(NOTIFIER_ATTRIBUTE, text(entry.notifier()));
        attributes.put(ATTEMPTS_ATTRIBUTE, MessageAttributeValue.builder().dataType("Number")
                .stringValue(Integer.toString(entry.attempts())).build());
        SendMessageRequest.Builder request = SendMessageRequest.builder()
                .queueUrl(queueUrl)
                .messageBody(body(entry, error))
                .messageAttributes(attributes);
        if (AwsMessages.isFifo(queueUrl)) {
            request.messageGroupId(AwsMessages.fifoId(event.datasetId()))
                    .messageDeduplicationId(AwsMessages.fifoId(event.id() + "@" + entry.notifier()));
        }
        String messageId;
        try {
            messageId = client.sendMessage(request.build()).messageId();
        } catch (SdkException e) {
            throw new DeliveryFailedException("could not dead-letter event " + event.id() + " for notifier "
                    + entry.notifier() + " on " + queueUrl + ": " + AwsMessages.describe(e), e);
        }
        LOG.info("notify.dead_lettered event={} notifier={} attempts={} queue={} messageId={}", event.id(),
                entry.notifier(), entry.attempts(), queueUrl, messageId);
    }

    /** The body: the CloudEvent, the notifier, the attempts and the final error. */
    String body(OutboxEntry entry, String error) {
        ObjectNode body = JSON.createObjectNode();
        try {
            body.set("event", JSON.readTree(StructuredCloudEvent.serialize(entry.event(), source)));
        } catch (IOException e) {
            // our own serialiser's output always reads back; keep the text rather than lose the event
            body.put("event", new String(StructuredCloudEvent.serialize(entry.event(), source), StandardCharsets.UTF_8));
        }
        body.put("notifier", entry.notifier());
        body.put("attempts", entry.attempts());
        String e = error == null ? "" : error;
        body.put("error", e.length() <= MAX_ERROR_CHARS ? e : e.substring(0, MAX_ERROR_CHARS) + "…");
        body.put("eventId", entry.event().id());
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot serialise a dead letter", ex);
        }
    }

    @Override
    public String toString() {
        return "SqsDeadLetters[" + queueUrl + "]";
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
