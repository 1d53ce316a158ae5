package dev.quiesce.aws.sqs;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.quiesce.MalformedEventException;
import dev.quiesce.StoreException;
import dev.quiesce.aws.testing.ElasticMq;
import dev.quiesce.port.contract.MutableClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SqsException;

/** {@link SqsScheduler} against a real SQS endpoint (ElasticMQ in this JVM). */
class SqsSchedulerTest {

    private static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");

    private static ElasticMq sqs;

    private final SentRequests sent = new SentRequests();
    private final MutableClock clock = MutableClock.at(T0);
    private SqsClient client;
    private String queueUrl;
    private SqsScheduler scheduler;

    @BeforeAll
    static void startSqs() {
        sqs = ElasticMq.start();
    }

    @AfterAll
    static void stopSqs() {
        sqs.close();
    }

    @BeforeEach
    void newQueue() {
        client = sqs.newClient(sent);
        queueUrl = sqs.createQueue("checks-" + UUID.randomUUID());
        scheduler = new SqsScheduler(client, queueUrl, clock);
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    @Test
    void delayIsTheWaitRoundedUpToWholeSecondsAndClampedTo900() {
        assertThat(SqsScheduler.delaySeconds(T0, T0)).isZero();
        assertThat(SqsScheduler.delaySeconds(T0, T0.minusSeconds(5))).isZero();
        assertThat(SqsScheduler.delaySeconds(T0, T0.plusNanos(1))).isEqualTo(1);
        assertThat(SqsScheduler.delaySeconds(T0, T0.plusSeconds(1))).isEqualTo(1);
        assertThat(SqsScheduler.delaySeconds(T0, T0.plusMillis(1001))).isEqualTo(2);
        assertThat(SqsScheduler.delaySeconds(T0, T0.plusMillis(899_500))).isEqualTo(900);
        assertThat(SqsScheduler.delaySeconds(T0, T0.plusSeconds(900))).isEqualTo(900);
        assertThat(SqsScheduler.delaySeconds(T0, T0.plusSeconds(901))).isEqualTo(900);
        assertThat(SqsScheduler.delaySeconds(T0, T0.plus(Duration.ofDays(3)))).isEqualTo(900);
    }

    @Test
    void scheduledCheckArrivesNoEarlierThanItsDelay() {
        scheduler.schedule("obs-1", 3, T0.plusMillis(1500));

        assertThat(sent.last().delaySeconds()).isEqualTo(2);
        assertThat(receive(0)).as("visible before its delay").isEmpty();
        Message m = await().atMost(ofSeconds(10)).until(() -> receive(1), l -> !l.isEmpty()).get(0);
        long sentAt = Long.parseLong(m.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP));
        long firstReceivedAt = Long.parseLong(
                m.attributes().get(MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP));
        assertThat(firstReceivedAt - sentAt).as("ms between send and first receive").isGreaterThanOrEqualTo(2000);
        assertThat(CheckMessage.parse(m.body())).isEqualTo(new CheckMessage("obs-1", 3, T0.plusMillis(1500)));
    }

    @Test
    void checkAlreadyDueIsSentWithoutDelay() {
        scheduler.schedule("obs-1", 1, T0.minusSeconds(30));

        assertThat(sent.last().delaySeconds()).isZero();
        assertThat(await().atMost(ofSeconds(5)).until(() -> receive(1), l -> !l.isEmpty())).hasSize(1);
    }

    @Test
    void longWaitIsSentInStepsOfAtMost900Seconds() {
        Instant due = T0.plus(Duration.ofHours(1)).plusMillis(500);

        scheduler.schedule("obs-long", 4, due);
        // SQS holds each step for its delay; the consumer then sees the message early and sends it on
        while (scheduler.remainingWait(CheckMessage.parse(sent.last().messageBody())).isPresent()) {
            clock.advance(ofSeconds(sent.last().delaySeconds()));
            CheckMessage arrived = CheckMessage.parse(sent.last().messageBody());
            boolean resent = scheduler.resendIfEarly(arrived);
            assertThat(resent).isEqualTo(clock.instant().isBefore(due));
        }

        assertThat(sent.delays()).containsExactly(900, 900, 900, 900, 1);
        assertThat(clock.instant()).isEqualTo(T0.plusSeconds(3601)).isAfterOrEqualTo(due);
        assertThat(scheduler.resendIfEarly(new CheckMessage("obs-long", 4, due))).isFalse();
        assertThat(sent.all()).extracting(r -> CheckMessage.parse(r.messageBody()))
                .containsOnly(new CheckMessage("obs-long", 4, due));
        // all five are really on the queue, each still delayed
        assertThat(receive(0)).isEmpty();
        assertThat(client.getQueueAttributes(r -> r.queueUrl(queueUrl)
                        .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED))
                .attributes()).containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED, "5");
    }

    @Test
    void consumerResendsAMessageThatArrivesBeforeItIsDue() {
        scheduler.schedule("obs-early", 2, T0.plusSeconds(1));
        Message first = await().atMost(ofSeconds(10)).until(() -> receive(1), l -> !l.isEmpty()).get(0);
        CheckMessage early = CheckMessage.parse(first.body());

        // the queue let it through, but by the consumer's clock it is not due yet
        assertThat(scheduler.remainingWait(early)).contains(ofSeconds(1));
        assertThat(scheduler.resendIfEarly(early)).isTrue();
        delete(first);
        clock.advance(ofSeconds(1));
        Message second = await().atMost(ofSeconds(10)).until(() -> receive(1), l -> !l.isEmpty()).get(0);
        CheckMessage due = CheckMessage.parse(second.body());

        assertThat(due).isEqualTo(early);
        assertThat(scheduler.remainingWait(due)).isEmpty();
        assertThat(scheduler.resendIfEarly(due)).isFalse();
        assertThat(sent.delays()).containsExactly(1, 1);
    }

    @Test
    void unreadableCheckMessageMovesToTheDeadLetterQueueAfterMaxReceives() {
        String name = "poison-" + UUID.randomUUID();
        String checks = sqs.createQueueWithDeadLetter(name, name + "-dlq", 2);
        String dlq = client.getQueueUrl(r -> r.queueName(name + "-dlq")).queueUrl();
        client.sendMessage(r -> r.queueUrl(checks).messageBody("{\"observationId\":"));

        // a consumer that cannot parse the body leaves it on the queue; SQS gives up after two receives
        await().atMost(ofSeconds(10)).until(() -> {
            for (Message m : client.receiveMessage(r -> r.queueUrl(checks).visibilityTimeout(0).waitTimeSeconds(1))
                    .messages()) {
                assertThatThrownBy(() -> CheckMessage.parse(m.body())).isInstanceOf(MalformedEventException.class);
            }
            return !client.receiveMessage(r -> r.queueUrl(dlq)).messages().isEmpty();
        });
    }

    @Test
    void refusedMessageSurfacesAsSchedulingFailedExceptionKeepingTheCause() {
        SqsScheduler missing = new SqsScheduler(client, sqs.endpoint() + "/000000000000/no-such-queue", clock);

        assertThatThrownBy(() -> missing.schedule("obs-1", 2, T0.plusSeconds(5)))
                .isInstanceOf(SchedulingFailedException.class)
                .isInstanceOf(StoreException.class)
                .hasMessageStartingWith("could not schedule the check of observation 'obs-1' (version 2, due "
                        + T0.plusSeconds(5) + ") on ")
                .hasMessageContaining("no-such-queue")
                .hasCauseInstanceOf(SqsException.class);
    }

    @Test
    void unreachableQueueSurfacesAsSchedulingFailedExceptionKeepingTheCause() {
        URI closed = closedPort();
        try (SqsClient nowhere = SqsClient.builder()
                .endpointOverride(closed)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build()) {
            SqsScheduler unreachable = new SqsScheduler(nowhere, closed + "/000000000000/checks", clock);

            assertThatThrownBy(() -> unreachable.resendIfEarly(new CheckMessage("obs-1", 2, T0.plusSeconds(5))))
                    .isInstanceOf(SchedulingFailedException.class)
                    .hasMessageContaining("SdkClientException")
                    .hasCauseInstanceOf(SdkClientException.class);
        }
    }

    @Test
    void constructorRejectsFifoAndBlankQueues() {
        assertThatThrownBy(() -> new SqsScheduler(client, queueUrl + ".fifo", clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("FIFO queues ignore per-message DelaySeconds");
        assertThatThrownBy(() -> new SqsScheduler(client, " ", clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("queueUrl must not be blank");
        assertThatThrownBy(() -> new SqsScheduler(client, null, clock))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("queueUrl");
    }

    private List<Message> receive(int waitSeconds) {
        return client.receiveMessage(r -> r.queueUrl(queueUrl)
                        .waitTimeSeconds(waitSeconds)
                        .maxNumberOfMessages(10)
                        .messageSystemAttributeNames(MessageSystemAttributeName.ALL))
                .messages();
    }

    private void delete(Message m) {
        client.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
    }

    /** A URL on 127.0.0.1 where nothing listens (a port just bound and released). */
    private static URI closedPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + s.getLocalPort());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
