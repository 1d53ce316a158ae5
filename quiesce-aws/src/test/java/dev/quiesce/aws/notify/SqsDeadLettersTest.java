package dev.quiesce.aws.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quiesce.DeliveryFailedException;
import dev.quiesce.port.OutboxEntry;
import dev.quiesce.aws.testing.ElasticMq;
import io.cloudevents.CloudEvent;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** {@link SqsDeadLetters} against a real SQS endpoint (ElasticMQ in this JVM). */
class SqsDeadLettersTest {

    private static ElasticMq sqs;

    @BeforeAll
    static void startSqs() {
        sqs = ElasticMq.start();
    }

    @AfterAll
    static void stopSqs() {
        sqs.close();
    }

    private static OutboxEntry dead(int attempts) {
        return new OutboxEntry(Events.completed(), "sns", OutboxEntry.Status.DEAD, attempts, Events.COMPLETED_AT,
                "InternalError (HTTP 500): try later");
    }

    private static Message receiveOne(String queue) {
        List<Message> m = sqs.client().receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10)
                .messageAttributeNames("All").messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
        assertThat(m).hasSize(1);
        return m.get(0);
    }

    @Test
    void theDeadLetterCarriesTheCloudEventAndTheFinalError() {
        String queue = sqs.createQueue("dead-" + UUID.randomUUID());

        new SqsDeadLetters(sqs.client(), queue, URI.create("urn:quiesce:test")).bury(dead(6), "InternalError (HTTP 500): try later");

        Message m = receiveOne(queue);
        JsonNode body = Events.tree(m.body());
        CloudEvent ce = Events.cloudEvent(body.get("event").toString());
        assertThat(ce.getId()).isEqualTo("obs-1/2");
        assertThat(ce.getType()).isEqualTo("dev.quiesce.observation.completed");
        assertThat(ce.getSource()).isEqualTo(URI.create("urn:quiesce:test"));
        assertThat(body.get("notifier").asText()).isEqualTo("sns");
        assertThat(body.get("attempts").asInt()).isEqualTo(6);
        assertThat(body.get("error").asText()).isEqualTo("InternalError (HTTP 500): try later");
        assertThat(body.get("eventId").asText()).isEqualTo("obs-1/2");
        assertThat(m.messageAttributes().get("ce_type").stringValue()).isEqualTo("dev.quiesce.observation.completed");
        assertThat(m.messageAttributes().get("ce_id").stringValue()).isEqualTo("obs-1/2");
        assertThat(m.messageAttributes().get("ce_subject").stringValue()).isEqualTo("events");
        assertThat(m.messageAttributes().get("quiesce-notifier").stringValue()).isEqualTo("sns");
        assertThat(m.messageAttributes().get("quiesce-attempts").stringValue()).isEqualTo("6");
        assertThat(m.messageAttributes().get("quiesce-attempts").dataType()).isEqualTo("Number");
    }

    @Test
    void aLongErrorIsCut() {
        String queue = sqs.createQueue("dead-" + UUID.randomUUID());
        new SqsDeadLetters(sqs.client(), queue, URI.create("urn:quiesce")).bury(dead(1), "x".repeat(10_000));
        assertThat(Events.tree(receiveOne(queue).body()).get("error").asText())
                .hasSize(SqsDeadLetters.MAX_ERROR_CHARS + 1).endsWith("…");
    }

    @Test
    void aFifoQueueGroupsByDatasetAndDeduplicatesByEventAndNotifier() {
        String queue = sqs.createQueue("dead-" + UUID.randomUUID() + ".fifo");
        SqsDeadLetters dl = new SqsDeadLetters(sqs.client(), queue, URI.create("urn:quiesce"));
        dl.bury(dead(6), "e");
        dl.bury(dead(6), "e");   // buried again after a lost answer

        Message m = receiveOne(queue);
        assertThat(m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID)).isEqualTo("events");
        assertThat(m.attributes().get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID)).isEqualTo("obs-1/2@sns");
    }

    @Test
    void aQueueThatCannotBeReachedThrowsSoTheRelayKeepsTheEntryPending() {
        String queue = sqs.createQueue("dead-" + UUID.randomUUID());
        sqs.client().deleteQueue(b -> b.queueUrl(queue));
        assertThatThrownBy(() -> new SqsDeadLetters(sqs.client(), queue, URI.create("urn:quiesce")).bury(dead(6), "e"))
                .isInstanceOf(DeliveryFailedException.class)
                .hasMessageContaining("could not dead-letter event obs-1/2 for notifier sns")
                .hasMessageContaining("QueueDoesNotExist");
    }
}
