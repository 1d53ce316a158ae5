package dev.quiesce.aws.sqs;

import dev.quiesce.port.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Schedules observation checks as delayed SQS messages: each {@link #schedule} sends one
 * {@link CheckMessage} whose {@code DelaySeconds} is the time until it is due, rounded up to whole
 * seconds and clamped to {@code 0..}{@value #MAX_DELAY_SECONDS}.
 *
 * <p>SQS delays a message by at most 15 minutes, so a longer wait is covered in steps: the message
 * arrives before its {@code dueAt}, and the consumer sends it on again with {@link #resendIfEarly}
 * (or reads {@link #remainingWait} and does so itself). The consumer of the queue does:
 *
 * <pre>{@code
 * CheckMessage m = CheckMessage.parse(message.body());
 * if (!scheduler.resendIfEarly(m)) {
 *     observer.check(m.observationId(), m.version());   // stale or duplicated: NOT_DUE / FINISHED, no effect
 * }
 * // delete the message only after this returned normally
 * }</pre>
 *
 * <p>SQS delivers at least once; a duplicated or stale message is harmless because
 * {@link dev.quiesce.engine.Observer#check(String, Long)} ignores a check whose version moved on.
 * The queue must be a standard queue: FIFO queues ignore per-message delays.
 *
 * <p>Failures are not swallowed here: an SDK error becomes a {@link SchedulingFailedException} (a
 * {@link dev.quiesce.StoreException}) with the SDK exception as its cause. The Lambda handlers catch it
 * when the state it follows is already written (the sweep runs the check from its stored due time) and
 * count it as a side job's failure; they fail the message only when the send was the message's own work.
 * {@link #outboxReady()} does nothing: the process that runs checks delivers the outbox after them.
 *
 * <p>Instances are immutable and thread-safe (the {@link SqsClient} is); the clock is the one the
 * observer uses, so {@code dueAt} and "now" agree.
 */
public final class SqsScheduler implements Scheduler {

    /** The longest delay SQS accepts for one message, in seconds (15 minutes). */
    public static final int MAX_DELAY_SECONDS = 900;

    private static final Logger LOG = LoggerFactory.getLogger(SqsScheduler.class);

    private final SqsClient client;
    private final String queueUrl;
    private final Clock clock;

    /**
     * @param client the SQS client; not closed by this scheduler
     * @param queueUrl URL of the standard queue the check consumer reads
     * @param clock the clock {@code dueAt} is measured against
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code queueUrl} is blank or names a FIFO queue
     */
    public SqsScheduler(SqsClient client, String queueUrl, Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (queueUrl.isBlank()) {
            throw new IllegalArgumentException("queueUrl must not be blank");
        }
        if (queueUrl.endsWith(".fifo")) {
            throw new IllegalArgumentException("the scheduler queue must be a standard queue: FIFO queues "
                    + "ignore per-message DelaySeconds, was " + queueUrl);
        }
    }

    /** The queue this scheduler sends to. */
    public String queueUrl() {
        return queueUrl;
    }

    /**
     * Sends a check message delayed until {@code dueAt}, or by {@value #MAX_DELAY_SECONDS} s if that is
     * further away; a {@code dueAt} in the past is sent without delay.
     *
     * @throws NullPointerException if {@code observationId} or {@code dueAt} is null
     * @throws IllegalArgumentException if {@code observationId} is blank or {@code version < 1}
     * @throws SchedulingFailedException if SQS refused the message or could not be reached
     */
    @Override
    public void schedule(String observationId, long version, Instant dueAt) {
        send(new CheckMessage(observationId, version, dueAt), "check.scheduled");
    }

    /**
     * How long the check in {@code message} still has to wait: empty when it is due now or overdue.
     *
     * @throws NullPointerException if {@code message} is null
     */
    public Optional<Duration> remainingWait(CheckMessage message) {
        Objects.requireNonNull(message, "message");
        Duration left = Duration.between(clock.instant(), message.dueAt());
        return left.isNegative() || left.isZero() ? Optional.empty() : Optional.of(left);
    }

    /**
     * Sends {@code message} on again, delayed by what is left of its wait, if it arrived before its
     * {@code dueAt} (as every step but the last of a wait over {@value #MAX_DELAY_SECONDS} s does).
     *
     * @return {@code true} if the message was early and has been sent again (the caller then only
     *     deletes the one it received); {@code false} if it is due and should be checked now
     * @throws NullPointerException if {@code message} is null
     * @throws SchedulingFailedException if it was early and could not be sent again; the caller must
     *     not delete the received message, so SQS delivers it again
     */
    public boolean resendIfEarly(CheckMessage message) {
        if (remainingWait(message).isEmpty()) {
            return false;
        }
        send(message, "check.resent_early");
        return true;
    }

    /** {@code ceil(dueAt - now)} in whole seconds, clamped to {@code 0..MAX_DELAY_SECONDS}. */
    static int delaySeconds(Instant now, Instant dueAt) {
        Duration d = Duration.between(now, dueAt);
        if (d.isNegative() || d.isZero()) {
            return 0;
        }
        if (d.compareTo(Duration.ofSeconds(MAX_DELAY_SECONDS)) >= 0) {
            return MAX_DELAY_SECONDS;
        }
        return (int) (d.getSeconds() + (d.getNano() > 0 ? 1 : 0));
    }

    private void send(CheckMessage message, String eventName) {
        int delay = delaySeconds(clock.instant(), message.dueAt());
        SendMessageRequest request = SendMessageRequest.builder()
                .queueUrl(queueUrl)
                .messageBody(message.toJson())
                .delaySeconds(delay)
                .build();
        String messageId;
        try {
            messageId = client.sendMessage(request).messageId();
        } catch (SdkException e) {
            throw new SchedulingFailedException("could not schedule the check of observation '"
                    + message.observationId() + "' (version " + message.version() + ", due " + message.dueAt()
                    + ") on " + queueUrl + ": " + describe(e), e);
        }
        LOG.debug("{} observation={} version={} dueAt={} delaySeconds={} messageId={}", eventName,
                message.observationId(), message.version(), message.dueAt(), delay, messageId);
    }

    /** The SDK's error code and status when SQS answered, its message otherwise. */
    static String describe(SdkException e) {
        if (e instanceof AwsServiceException) {
            AwsServiceException s = (AwsServiceException) e;
            if (s.awsErrorDetails() != null) {
                return s.awsErrorDetails().errorCode() + " (HTTP " + s.statusCode() + "): "
                        + s.awsErrorDetails().errorMessage();
            }
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
