package dev.quiesce.aws.notify;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.quiesce.DeliveryFailedException;
import dev.quiesce.aws.testing.ElasticMq;
import io.cloudevents.CloudEvent;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.SqsException;

/** {@link SqsNotifier} against a real SQS endpoint (ElasticMQ in this JVM). */
class SqsNotifierTest {

    private static ElasticMq sqs;

    @BeforeAll
    static void startSqs() {
        sqs = ElasticMq.start();
    }

    @AfterAll
    static void stopSqs() {
        sqs.close();
    }

    @Test
    void bodyIsTheStructuredCloudEventWithFilterAttributes() {
        String queue = sqs.createQueue("events-" + UUID.randomUUID());

        new SqsNotifier(sqs.client(), queue).deliver(Events.completed());

        Message m = receiveOne(queue);
        CloudEvent ce = Events.cloudEvent(m.body());
        assertThat(ce.getId()).isEqualTo("obs-1/2");
        assertThat(ce.getType()).isEqualTo("dev.quiesce.observation.completed");
        assertThat(ce.getSource()).isEqualTo(URI.create("urn:quiesce"));
        assertThat(ce.getSubject()).isEqualTo("events");
        assertThat(ce.getTime()).isNotNull();
        assertThat(Events.data(ce).get("bytes").asLong()).isEqualTo(30);
        assertThat(m.messageAttributes().get("ce_type").stringValue()).isEqualTo("dev.quiesce.observation.completed");
        assertThat(m.messageAttributes().get("ce_id").stringValue()).isEqualTo("obs-1/2");
        assertThat(m.messageAttributes().get("ce_subject").stringValue()).isEqualTo("events");
        assertThat(m.messageAttributes().get("ce_id").dataType()).isEqualTo("String");
    }

    @Test
    void usesTheConfiguredCloudEventSource() {
        String queue = sqs.createQueue("events-" + UUID.randomUUID());

        new SqsNotifier(sqs.client(), queue, URI.create("https://quiesce.example.com/prod")).deliver(Events.completed());

        assertThat(Events.cloudEvent(receiveOne(queue).body()).getSource())
                .isEqualTo(URI.create("https://quiesce.example.com/prod"));
    }

    @Test
    void fifoQueueGroupsByDatasetAndDropsARetriedSendOfTheSameEvent() {
        String queue = sqs.createQueue("events-" + UUID.randomUUID() + ".fifo");
        SqsNotifier notifier = new SqsNotifier(sqs.client(), queue);

        notifier.deliver(Events.completed());
        notifier.deliver(Events.completed());   // the outbox retrying after a lost answer
        notifier.deliver(Events.completed("obs-2", "events"));

        List<Message> all = receiveAll(queue, 2);
        assertThat(all).extracting(m -> m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID))
                .containsOnly("events");
        assertThat(all).extracting(m -> m.attributes().get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID))
                .containsExactly("obs-1/2", "obs-2/2");
        assertThat(all).extracting(m -> Events.cloudEvent(m.body()).getId()).containsExactly("obs-1/2", "obs-2/2");
    }

    @Test
    void refusedSendRaisesDeliveryFailedExceptionKeepingTheCause() {
        String missing = sqs.endpoint() + "/000000000000/no-such-queue";

        assertThatThrownBy(() -> new SqsNotifier(sqs.client(), missing).deliver(Events.completed()))
                .isInstanceOf(DeliveryFailedException.class)
                .hasMessageStartingWith("SQS SendMessage of event obs-1/2 to " + missing + " failed: ")
                .hasCauseInstanceOf(SqsException.class);
    }

    @Test
    void isNamedSqsAndRejectsBadArguments() {
        assertThat(new SqsNotifier(sqs.client(), "http://q").name()).isEqualTo("sqs");
        assertThatThrownBy(() -> new SqsNotifier(sqs.client(), "")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("queueUrl must not be blank");
        assertThatThrownBy(() -> new SqsNotifier(sqs.client(), null)).isInstanceOf(NullPointerException.class)
                .hasMessage("queueUrl");
    }

    private static Message receiveOne(String queue) {
        List<Message> all = receiveAll(queue, 1);
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    /** Receives until {@code expected} messages arrived, then makes sure no further one is waiting. */
    private static List<Message> receiveAll(String queue, int expected) {
        List<Message> got = new ArrayList<>();
        await().atMost(ofSeconds(10)).until(() -> {
            got.addAll(receive(queue, 1));
            return got.size() >= expected;
        });
        got.addAll(receive(queue, 1));
        return got;
    }

    private static List<Message> receive(String queue, int waitSeconds) {
        return sqs.client().receiveMessage(r -> r.queueUrl(queue)
                        .waitTimeSeconds(waitSeconds)
                        .maxNumberOfMessages(10)
                        .messageAttributeNames("All")
                        .messageSystemAttributeNames(MessageSystemAttributeName.ALL))
                .messages();
    }
}
