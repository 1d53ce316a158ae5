package dev.quiesce.aws.lambda;

import static dev.quiesce.aws.lambda.TestDeployment.created;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.quiesce.aws.testing.Dynalite;
import dev.quiesce.aws.testing.ElasticMq;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * A message that can never succeed goes to the dead-letter queue after one receive, not five: on ElasticMQ
 * with a real redrive policy, played through as Lambda's SQS poller does (receive, invoke, delete what did
 * not fail).
 */
class PoisonMessagesTest {

    private static final String MALFORMED = "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\"";
    private static Dynalite dynalite;
    private static ElasticMq sqs;

    @BeforeAll
    static void start() {
        dynalite = Dynalite.start();
        sqs = ElasticMq.start();
    }

    @AfterAll
    static void stop() {
        sqs.close();
        dynalite.close();
    }

    /** Receives what is visible, hands it to the handler as Lambda would, and deletes what succeeded. */
    private static SQSBatchResponse poll(String queue, String queueArn,
                                         com.amazonaws.services.lambda.runtime.RequestHandler<SQSEvent, SQSBatchResponse> h) {
        List<Message> received = new ArrayList<>();
        for (int i = 0; i < 3 && received.size() < 2; i++) {
            received.addAll(sqs.client().receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL).messageAttributeNames("All")).messages());
        }
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (Message m : received) {
            SQSEvent.SQSMessage r = new SQSEvent.SQSMessage();
            r.setMessageId(m.messageId());
            r.setReceiptHandle(m.receiptHandle());
            r.setBody(m.body());
            r.setAttributes(m.attributes().entrySet().stream()
                    .collect(Collectors.toMap(e -> e.getKey().toString(), Map.Entry::getValue)));
            r.setEventSourceArn(queueArn);
            r.setEventSource("aws:sqs");
            records.add(r);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        SQSBatchResponse response = h.handleRequest(event, null);
        Set<String> failed = response.getBatchItemFailures().stream()
                .map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).collect(Collectors.toSet());
        for (Message m : received) {
            if (!failed.contains(m.messageId())) {
                sqs.client().deleteMessage(b -> b.queueUrl(queue).receiptHandle(m.receiptHandle()));
            }
        }
        return response;
    }

    private static String arn(String queue) {
        return sqs.client().getQueueAttributes(GetQueueAttributesRequest.builder().queueUrl(queue)
                .attributeNames(QueueAttributeName.QUEUE_ARN).build()).attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    private static int messagesIn(String queue) {
        Map<QueueAttributeName, String> a = sqs.client().getQueueAttributes(GetQueueAttributesRequest.builder()
                .queueUrl(queue).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED).build()).attributes();
        return a.values().stream().mapToInt(Integer::parseInt).sum();
    }

    private static String attribute(Message m, String name) {
        MessageAttributeValue v = m.messageAttributes().get(name);
        return v == null ? null : v.stringValue();
    }

    @Test
    void aMalformedMessageIsOnTheDeadLetterQueueAfterOneReceiveAndTheGoodOneIsCounted() {
        TestDeployment d = new TestDeployment(dynalite, sqs);
        String source = sqs.createQueueWithDeadLetter("arrivals-" + d.n, "arrivals-dlq-" + d.n, 5);
        String dlq = sqs.client().getQueueUrl(b -> b.queueName("arrivals-dlq-" + d.n)).queueUrl();
        d.with("QUIESCE_POISON_QUEUE_URL", dlq);
        String good = created("events/a.json", "0A1");
        String goodId = sqs.client().sendMessage(b -> b.queueUrl(source).messageBody(good)).messageId();
        String badId = sqs.client().sendMessage(b -> b.queueUrl(source).messageBody(MALFORMED)).messageId();

        SQSBatchResponse r = poll(source, arn(source), new MonitorHandler(d.wiring()));

        assertThat(r.getBatchItemFailures()).isEmpty();
        assertThat(messagesIn(source)).isZero();
        List<Message> dead = sqs.client().receiveMessage(b -> b.queueUrl(dlq).maxNumberOfMessages(10)
                .messageAttributeNames("All")).messages();
        assertThat(dead).singleElement().satisfies(m -> {
            assertThat(m.body()).isEqualTo(MALFORMED);
            assertThat(attribute(m, "quiesce-reason")).isNotBlank();
            assertThat(attribute(m, "quiesce-error-type")).isEqualTo("MalformedEventException");
            assertThat(attribute(m, "quiesce-handler")).isEqualTo("monitor");
            assertThat(attribute(m, "quiesce-source-message-id")).isEqualTo(badId);
            assertThat(attribute(m, "quiesce-source-queue")).isEqualTo(arn(source));
            assertThat(attribute(m, "quiesce-receive-count")).isEqualTo("1");
            assertThat(m.messageAttributes().get("quiesce-receive-count").dataType()).isEqualTo("Number");
            assertThat(m.messageAttributes()).doesNotContainKey("quiesce-truncated");
        });
        assertThat(goodId).isNotEqualTo(badId);
        assertThat(d.lastEmf().get("ArrivalsCounted").asLong()).isEqualTo(1);
        assertThat(d.lastEmf().get("ArrivalsRejected").asLong()).isEqualTo(1);
        assertThat(d.wiring().engine().observer().hasOpen("events")).isTrue();
    }

    @Test
    void aPoisonMessageWhoseDeadLetterSendFailsIsReportedFailedAndStaysOnTheQueue() {
        TestDeployment d = new TestDeployment(dynalite, sqs);
        String source = sqs.createQueueWithDeadLetter("arrivals-" + d.n, "arrivals-dlq-" + d.n, 5);
        d.with("QUIESCE_POISON_QUEUE_URL", d.missingQueue("poison"));
        sqs.client().sendMessage(b -> b.queueUrl(source).messageBody(created("events/a.json", "0A1")));
        String badId = sqs.client().sendMessage(b -> b.queueUrl(source).messageBody(MALFORMED)).messageId();

        SQSBatchResponse r = poll(source, arn(source), new MonitorHandler(d.wiring()));

        assertThat(r.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(badId);
        assertThat(messagesIn(source)).isEqualTo(1);   // invisible for now, then received again
        assertThat(d.lastEmf().get("ArrivalsRejected").asLong()).isEqualTo(1);
        assertThat(d.lastEmf().get("ArrivalsCounted").asLong()).isEqualTo(1);
    }

    @Test
    void anOversizedBodyIsCutToFitAndMarked() throws Exception {
        TestDeployment d = new TestDeployment(dynalite, sqs);
        String dlq = d.createQueue("poison");
        d.with("QUIESCE_POISON_QUEUE_URL", dlq);
        String oversized = "{\"Records\":[],\"padding\":\"" + "é".repeat(150 * 1024) + "\"}";

        SQSBatchResponse r = new MonitorHandler(d.wiring()).handleRequest(TestDeployment.sqsEvent(oversized), null);

        assertThat(r.getBatchItemFailures()).isEmpty();
        Message m = sqs.client().receiveMessage(b -> b.queueUrl(dlq).messageAttributeNames("All")).messages().get(0);
        byte[] original = oversized.getBytes(StandardCharsets.UTF_8);
        assertThat(attribute(m, "quiesce-truncated")).isEqualTo("true");
        assertThat(attribute(m, "quiesce-original-bytes")).isEqualTo(Integer.toString(original.length));
        assertThat(attribute(m, "quiesce-original-sha256"))
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(original)));
        assertThat(oversized).startsWith(m.body());
        assertThat(m.body().getBytes(StandardCharsets.UTF_8).length).isLessThan(256 * 1024).isGreaterThan(200 * 1024);
        assertThat(attribute(m, "quiesce-reason")).contains("bytes");
    }

    @Test
    void aCheckMessageThatDoesNotParseGoesToTheCheckDeadLetterQueue() {
        TestDeployment d = new TestDeployment(dynalite, sqs);
        String dlq = d.createQueue("check-dlq");
        d.with("QUIESCE_POISON_QUEUE_URL", dlq);

        SQSBatchResponse r = new ObserverHandler(d.wiring())
                .handleRequest(TestDeployment.sqsEvent("{\"observationId\":\"x\"}"), null);

        assertThat(r.getBatchItemFailures()).isEmpty();
        Message m = sqs.client().receiveMessage(b -> b.queueUrl(dlq).messageAttributeNames("All")).messages().get(0);
        assertThat(m.body()).isEqualTo("{\"observationId\":\"x\"}");
        assertThat(attribute(m, "quiesce-handler")).isEqualTo("observer");
        assertThat(attribute(m, "quiesce-reason")).isEqualTo("check message lacks field 'version'");
        assertThat(attribute(m, "quiesce-source-message-id")).isEqualTo("m-0");
    }

    @Test
    void withoutAPoisonQueueAMalformedMessageIsRetriedAsBefore() {
        TestDeployment d = new TestDeployment(dynalite, sqs);
        SQSBatchResponse r = new MonitorHandler(d.wiring()).handleRequest(
                TestDeployment.sqsEvent(created("events/a.json", "0A1"), MALFORMED), null);
        assertThat(r.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly("m-1");
    }
}
