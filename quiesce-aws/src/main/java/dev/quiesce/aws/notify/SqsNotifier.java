package dev.quiesce.aws.notify;

import static dev.quiesce.aws.notify.AwsMessages.CE_ID;
import static dev.quiesce.aws.notify.AwsMessages.CE_SUBJECT;
import static dev.quiesce.aws.notify.AwsMessages.CE_TYPE;

import dev.quiesce.DeliveryFailedException;
import dev.quiesce.LifecycleEvent;
import dev.quiesce.notify.StructuredCloudEvent;
import dev.quiesce.port.Notifier;
import java.net.URI;
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
 * Sends each lifecycle event to an SQS queue as a structured-mode CloudEvent: the message body is the
 * CloudEvent JSON that every quiesce notifier carries ({@link StructuredCloudEvent}).
 *
 * <p>The message also carries the String attributes {@code ce_type}, {@code ce_id} and
 * {@code ce_subject} (the CloudEvent type, id and subject = dataset id), the same as
 * {@link SnsNotifier}. On a FIFO queue (URL ending in {@code .fifo}) the message group is the dataset,
 * so one dataset's events stay in order, and the deduplication id is the event id, so SQS drops a
 * retried send within its five-minute window; ids SQS would reject (over 128 characters, not
 * printable ASCII) are replaced by their SHA-256. Receivers should still drop repeats by {@code id}.
 *
 * <p>Any SDK failure throws {@link DeliveryFailedException} with the SDK exception as cause; the
 * outbox relay retries it and dead-letters it after the last attempt. The notifier is named
 * {@value #NAME}, acts on terminal events only, and uses the CloudEvents source {@code urn:quiesce}
 * unless given another. Instances are immutable and thread-safe; the client is not closed by the
 * notifier.
 */
public final class SqsNotifier implements Notifier {

    /** The notifier's name in outbox entries: {@value}. */
    public static final String NAME = "sqs";

    private static final Logger LOG = LoggerFactory.getLogger(SqsNotifier.class);

    private final SqsClient client;
    private final String queueUrl;
    private final URI source;

    /**
     * A notifier with the CloudEvents source {@link StructuredCloudEvent#DEFAULT_SOURCE}.
     *
     * @param client the SQS client; not closed by this notifier
     * @param queueUrl the queue to send to; a FIFO queue when it ends in {@code .fifo}
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code queueUrl} is blank
     */
    public SqsNotifier(SqsClient client, String queueUrl) {
        this(client, queueUrl, StructuredCloudEvent.DEFAULT_SOURCE);
    }

    /**
     * @param client the SQS client; not closed by this notifier
     * @param queueUrl the queue to send to; a FIFO queue when it ends in {@code .fifo}
     * @param source the CloudEvents {@code source} attribute of every event
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code queueUrl} is blank
     */
    public SqsNotifier(SqsClient client, String queueUrl, URI source) {
        this.client = Objects.requireNonNull(client, "client");
        this.queueUrl = AwsMessages.requireNotBlank(queueUrl, "queueUrl");
        this.source = Objects.requireNonNull(source, "source");
    }

    /** Returns {@value #NAME}. */
    @Override
    public String name() {
        return NAME;
    }

    /**
     * Sends the event to the queue.
     *
     * @throws DeliveryFailedException if SQS answered with an error or could not be reached
     */
    @Override
    public void deliver(LifecycleEvent event) {
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
        attributes.put(CE_TYPE, text(event.type().cloudEventType()));
        attributes.put(CE_ID, text(event.id()));
        attributes.put(CE_SUBJECT, text(event.datasetId()));
        SendMessageRequest.Builder request = SendMessageRequest.builder()
                .queueUrl(queueUrl)
                .messageBody(AwsMessages.cloudEventJson(event, source))
                .messageAttributes(attributes);
        if (AwsMessages.isFifo(queueUrl)) {
            request.messageGroupId(AwsMessages.fifoId(event.datasetId()))
                    .messageDeduplicationId(AwsMessages.fifoId(event.id()));
        }
        String messageId;
        try {
            messageId = client.sendMessage(request.build()).messageId();
        } catch (SdkException e) {
            throw new DeliveryFailedException("SQS SendMessage of event " + event.id() + " to " + queueUrl
                    + " failed: " + AwsMessages.describe(e), e);
        }
        LOG.debug("notify.sqs.sent event={} queue={} messageId={}", event.id(), queueUrl, messageId);
    }

    @Override
    public String toString() {
        return "SqsNotifier[" + queueUrl + "]";
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
