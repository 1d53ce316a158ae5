package dev.quiesce.aws.lambda;

import static dev.quiesce.aws.lambda.TestDeployment.created;
import static dev.quiesce.aws.lambda.TestDeployment.removed;
import static dev.quiesce.aws.lambda.TestDeployment.sqsEvent;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.quiesce.ObservationState;
import dev.quiesce.aws.testing.Dynalite;
import dev.quiesce.aws.testing.ElasticMq;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * What the handlers do besides their messages' own work never fails a message: a notification that cannot
 * be delivered, a relay that throws, a check message that cannot be sent after its state was written. The
 * batch answers with the messages' own outcomes, the failure is counted, and the sweep catches up. On
 * dynalite and ElasticMQ; the "failing" queues are real queues that do not exist yet, and then do.
 */
class FailuresTest {

    private static final String RUN = "events/2024-05-01";
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

    private static List<Message> receive(String queue) {
        return sqs.client().receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10)).messages();
    }

    @Test
    void aRelayFailureDuringAMonitorBatchFailsNoMessageAndTheSweepDeliversLater() {
        TestDeployment d = new TestDeployment(dynalite, sqs);
        String notify = d.missingQueue("notify");
        d.with("QUIESCE_POLICY", "stable window=2 delay=constant:10s deletes=fail")
                .with("QUIESCE_NOTIFY_SQS_QUEUE_URL", notify)
                .with("QUIESCE_NOTIFY_ATTEMPTS", "1")
                // the dead letters cannot be kept either, so the relay itself throws
                .with("QUIESCE_NOTIFY_DEAD_LETTER_QUEUE_URL", d.missingQueue("notify-dlq"));

        SQSBatchResponse r = new MonitorHandler(d.wiring()).handleRequest(
                sqsEvent(created("events/a.json", "0A1"), removed("events/a.json", "0A2")), null);

        assertThat(r.getBatchItemFailures()).isEmpty();
        JsonNode emf = d.lastEmf();
        assertThat(emf.get("ArrivalsCounted").asLong()).isEqualTo(2);
        assertThat(emf.get("SideJobFailures").asLong()).isEqualTo(1);
        assertThat(d.lastCompletions()).containsEntry("DELETED", 1L);
        assertThat(d.run(RUN).state()).isEqualTo(ObservationState.DELETED);

        assertThat(d.createQueue("notify")).isEqualTo(notify);
        d.clock.advance(Duration.ofMinutes(3));   // past the lease the failed pass left on the entry
        assertThat(d.sweep().get("delivered").asInt()).isEqualTo(1);
        List<Message> delivered = receive(notify);
        assertThat(delivered).hasSize(1);
        assertThat(TestDeployment.tree(delivered.get(0).body()).get("type").asText())
                .isEqualTo("dev.quiesce.observation.deleted");
    }

    @Test
    void aRelayFailureDuringAnObserverBatchFailsNoMessageAndTheSweepDeliversLater() {
        TestDeployment d = new TestDeployment(dynalite, sqs);
        String notify = d.missingQueue("notify");
        d.with("QUIESCE_NOTIFY_SQS_QUEUE_URL", notify)
                .with("QUIESCE_NOTIFY_ATTEMPTS", "1")
                .with("QUIESCE_NOTIFY_DEAD_LETTER_QUEUE_URL", d.missingQueue("notify-dlq"));
        new MonitorHandler(d.wiring()).handleRequest(sqsEvent(created("events/a.json", "0A1")), null);
        ObserverHandler observer = new ObserverHandler(d.wiring());

        d.clock.advance(Duration.ofSeconds(10));
        assertThat(observer.handleRequest(sqsEvent(d.checkFor(RUN)), null).getBatchItemFailures()).isEmpty();
        d.clock.advance(Duration.ofSeconds(10));
        SQSBatchResponse r = observer.handleRequest(sqsEvent(d.checkFor(RUN)), null);

        assertThat(r.getBatchItemFailures()).isEmpty();
        assertThat(d.run(RUN).state()).isEqualTo(ObservationState.COMPLETE);
        JsonNode emf = d.lastEmf();
        assertThat(emf.get("Checks").asLong()).isEqualTo(1);
        assertThat(emf.get("SideJobFailures").asLong()).isEqualTo(1);
        assertThat(emf.get("DetectionLatency").get(0).asLong()).isEqualTo(20_000);
        assertThat(d.lastCompletions()).containsEntry("COMPLETE", 1L);

        d.createQueue("notify");
        d.clock.advance(Duration.ofMinutes(3));
        assertThat(d.sweep().get("delivered").asInt()).isEqualTo(1);
        assertThat(receive(notify)).singleElement()
                .satisfies(m -> assertThat(TestDeployment.tree(m.body()).get("type").asText())
                        .isEqualTo("dev.quiesce.observation.completed"));
    }

    @Test
    void aFailedNotificationIsRetriedByTheSweepNotByFailingTheCheck() {
        TestDeployment d = new TestDeployment(dynalite, sqs);
        String notify = d.missingQueue("notify");
        d.with("QUIESCE_NOTIFY_SQS_QUEUE_URL", notify);
        new MonitorHandler(d.wiring()).handleRequest(sqsEvent(created("events/a.json", "0A1")), null);
        ObserverHandler observer = new ObserverHandler(d.wiring());
        d.clock.advance(Duration.ofSeconds(10));
        observer.handleRequest(sqsEvent(d.checkFor(RUN)), null);
        d.clock.advance(Duration.ofSeconds(10));

        SQSBatchResponse r = observer.handleRequest(sqsEvent(d.checkFor(RUN)), null);

        assertThat(r.getBatchItemFailures()).isEmpty();
        JsonNode emf = d.lastEmf();
        assertThat(emf.get("NotifierRetries").asLong()).isEqualTo(1);
        assertThat(emf.get("SideJobFailures").asLong()).isZero();
        d.createQueue("notify");
        d.clock.advance(Duration.ofSeconds(2));   // the first retry waits 1 s
        assertThat(d.sweep().get("delivered").asInt()).isEqualTo(1);
        assertThat(receive(notify)).hasSize(1);
    }

    @Test
    void aCheckMessageThatCannotBeSentDoesNotFailTheArrivalAndTheSweepRunsTheCheck() {
        TestDeployment d = new TestDeployment(dynalite, sqs);
        // a first-arrival timeout makes the start itself send a check message, before the run is woken
        d.with("QUIESCE_POLICY", "stable window=2 delay=constant:10s first-arrival-timeout=1h")
                .with("QUIESCE_CHECK_QUEUE_URL", d.missingQueue("checks"));

        SQSBatchResponse r = new MonitorHandler(d.wiring()).handleRequest(sqsEvent(created("events/a.json", "0A1")), null);

        assertThat(r.getBatchItemFailures()).isEmpty();
        JsonNode emf = d.lastEmf();
        assertThat(emf.get("ArrivalsCounted").asLong()).isEqualTo(1);
        // both sends failed, the start's and the wake-up's, and each is counted; neither stopped the arrival
        assertThat(emf.get("SideJobFailures").asLong()).isEqualTo(2);
        assertThat(d.run(RUN).state()).isEqualTo(ObservationState.ACTIVE);
        assertThat(d.run(RUN).nextCheckAt()).isEqualTo(d.clock.instant().plusSeconds(10));

        d.clock.advance(Duration.ofSeconds(10));
        assertThat(d.sweep().get("checks").asInt()).isEqualTo(1);
        assertThat(d.run(RUN).progress().checks()).isEqualTo(1);
        assertThat(d.lastEmf().get("SideJobFailures").asLong()).isEqualTo(1);   // its next message failed too
    }

    @Test
    void aCheckWhoseNextMessageCannotBeSentSucceedsAndTheSweepRunsTheNext() {
        TestDeployment d = new TestDeployment(dynalite, sqs);
        new MonitorHandler(d.wiring()).handleRequest(sqsEvent(created("events/a.json", "0A1")), null);
        ObserverHandler observer = new ObserverHandler(
                d.otherWiring(Map.of("QUIESCE_CHECK_QUEUE_URL", d.missingQueue("checks"))));
        d.clock.advance(Duration.ofSeconds(10));

        SQSBatchResponse r = observer.handleRequest(sqsEvent(d.checkFor(RUN)), null);

        assertThat(r.getBatchItemFailures()).isEmpty();
        assertThat(d.lastEmf().get("Checks").asLong()).isEqualTo(1);
        assertThat(d.lastEmf().get("SideJobFailures").asLong()).isEqualTo(1);
        assertThat(d.run(RUN).progress().checks()).isEqualTo(1);
        d.clock.advance(Duration.ofSeconds(10));
        assertThat(d.sweep().get("checks").asInt()).isEqualTo(1);
        assertThat(d.run(RUN).state()).isEqualTo(ObservationState.COMPLETE);
    }

    @Test
    void aCheckMessageThatArrivesEarlyAndCannotBeResentFails() {
        TestDeployment d = new TestDeployment(dynalite, sqs);
        new MonitorHandler(d.wiring()).handleRequest(sqsEvent(created("events/a.json", "0A1")), null);
        ObserverHandler observer = new ObserverHandler(
                d.otherWiring(Map.of("QUIESCE_CHECK_QUEUE_URL", d.missingQueue("checks"))));

        // not due for 10 s: re-sending it is this message's own work, so SQS must deliver it again
        SQSBatchResponse r = observer.handleRequest(sqsEvent(d.checkFor(RUN)), null);

        assertThat(r.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly("m-0");
        assertThat(d.lastEmf().get("SideJobFailures").asLong()).isZero();
    }

    @Test
    void aNotificationThatExhaustsItsAttemptsLandsOnTheNotificationDeadLetterQueue() {
        TestDeployment d = new TestDeployment(dynalite, sqs);
        String deadLetters = d.createQueue("notify-dlq");
        d.with("QUIESCE_NOTIFY_SQS_QUEUE_URL", d.missingQueue("notify"))
                .with("QUIESCE_NOTIFY_ATTEMPTS", "2")
                .with("QUIESCE_NOTIFY_DEAD_LETTER_QUEUE_URL", deadLetters);
        new MonitorHandler(d.wiring()).handleRequest(sqsEvent(created("events/a.json", "0A1")), null);
        ObserverHandler observer = new ObserverHandler(d.wiring());
        d.clock.advance(Duration.ofSeconds(10));
        observer.handleRequest(sqsEvent(d.checkFor(RUN)), null);
        d.clock.advance(Duration.ofSeconds(10));
        observer.handleRequest(sqsEvent(d.checkFor(RUN)), null);   // completes; attempt 1 fails
        assertThat(d.lastEmf().get("NotifierRetries").asLong()).isEqualTo(1);

        d.clock.advance(Duration.ofSeconds(2));
        d.sweep();   // attempt 2 fails: the last

        assertThat(d.lastEmf().get("NotifierDeadLetters").asLong()).isEqualTo(1);
        assertThat(d.lastEmf().get("SideJobFailures").asLong()).isZero();
        List<Message> dead = sqs.client().receiveMessage(r -> r.queueUrl(deadLetters).messageAttributeNames("All"))
                .messages();
        assertThat(dead).hasSize(1);
        JsonNode body = TestDeployment.tree(dead.get(0).body());
        assertThat(body.get("event").get("id").asText()).isEqualTo(RUN + "/2");
        assertThat(body.get("event").get("type").asText()).isEqualTo("dev.quiesce.observation.completed");
        assertThat(body.get("event").get("data").get("objects").asLong()).isEqualTo(1);
        assertThat(body.get("notifier").asText()).isEqualTo("sqs");
        assertThat(body.get("attempts").asInt()).isEqualTo(2);
        assertThat(body.get("error").asText()).contains("QueueDoesNotExist");
        assertThat(dead.get(0).messageAttributes().get("ce_type").stringValue())
                .isEqualTo("dev.quiesce.observation.completed");
        assertThat(dead.get(0).messageAttributes().get("quiesce-notifier").stringValue()).isEqualTo("sqs");
        assertThat(d.wiring().engine().outbox().nextAttemptAt()).isEmpty();   // settled: dead, not pending
    }
}
