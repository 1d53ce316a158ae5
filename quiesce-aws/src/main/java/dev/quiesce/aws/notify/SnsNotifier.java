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
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishRequest;

/**
 * Publishes each lifecycle event to an SNS topic as a structured-mode CloudEvent: the
 * {@code Message} is the CloudEvent JSON that every quiesce notifier carries
 * ({@link StructuredCloudEvent}), so an SQS queue, Lambda or HTTPS endpoint subscribed to the topic
 * parses one format (use raw message delivery to receive it without the SNS envelope).
 *
 * <p>The message also carries the String attributes {@code ce_type} (e.g.
 * {@code dev.quiesce.observation.completed}), {@code ce_id} ({@code <observation>/<transition>}) and
 * {@code ce_subject} (the dataset id), so subscription filter policies can pick events without reading
 * the body. On a FIFO topic (ARN ending in {@code .fifo}) the message group is the dataset and the
 * deduplication id is the event id, so SNS itself drops a retried publish within its five-minute window;
 * ids SNS would reject (over 128 characters, not printable ASCII) are replaced by their SHA-256.
 *
 * <p>Any SDK failure (SNS answered with an error, or could not be reached) throws
 * {@link DeliveryFailedException} with the SDK exception as cause; the outbox relay retries it and
 * dead-letters it after the last attempt. The notifier is named {@value #NAME}, acts on terminal events
 * only, and uses the CloudEvents source {@code urn:quiesce} unless given another. Instances are
 * immutable and thread-safe; the client is not closed by the notifier.
 */
public final class SnsNotifier implements Notifier {

    /** The notifier's name in outbox entries: {@value}. */
    public static final String NAME = "sns";

    private static final Logger LOG = LoggerFactory.getLogger(SnsNotifier.class);

    private final SnsClient client;
    private final String topicArn;
    private final URI source;

    /**
     * A notifier with the CloudEvents source {@link StructuredCloudEvent#DEFAULT_SOURCE}.
     *
     * @param client the SNS client; not closed by this notifier
     * @param topicArn the topic to publish to; a FIFO topic when it ends in {@code .fifo}
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code topicArn} is blank
     */
    public SnsNotifier(SnsClient client, String topicArn) {
        this(client, topicArn, StructuredCloudEvent.DEFAULT_SOURCE);
    }

    /**
     * @param client the SNS client; not closed by this notifier
     * @param topicArn the topic to publish to; a FIFO topic when it ends in {@code .fifo}
     * @param source the CloudEvents {@code source} attribute of every event
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code topicArn} is blank
     */
    public SnsNotifier(SnsClient client, String topicArn, URI source) {
        this.client = Objects.requireNonNull(client, "client");
        this.topicArn = AwsMessages.requireNotBlank(topicArn, "topicArn");
        this.source = Objects.requireNonNull(source, "source");
    }

    /** Returns {@value #NAME}. */
    @Override
    public String name() {
        return NAME;
    }

    /**
     * Publishes the event to the topic.
     *
     * @throws DeliveryFailedException if SNS answered with an error or could not be reached
     */
    @Override
    public void deliver(LifecycleEvent event) {
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
        attributes.put(CE_TYPE, text(event.type().cloudEventType()));
        attributes.put(CE_ID, text(event.id()));
        attributes.put(CE_SUBJECT, text(event.datasetId()));
        PublishRequest.Builder request = PublishRequest.builder()
                .topicArn(topicArn)
                .message(AwsMessages.cloudEventJson(event, source))
                .messageAttributes(attributes);
        if (AwsMessages.isFifo(topicArn)) {
            request.messageGroupId(AwsMessages.fifoId(event.datasetId()))
                    .messageDeduplicationId(AwsMessages.fifoId(event.id()));
        }
        String messageId;
        try {
            messageId = client.publish(request.build()).messageId();
        } catch (SdkException e) {
            throw new DeliveryFailedException("SNS Publish of event " + event.id() + " to " + topicArn
                    + " failed: " + AwsMessages.describe(e), e);
        }
        LOG.debug("notify.sns.published event={} topic={} messageId={}", event.id(), topicArn, messageId);
    }

    @Override
    public String toString() {
        return "SnsNotifier[" + topicArn + "]";
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
