package dev.quiesce.aws.lambda;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.quiesce.MalformedEventException;
import dev.quiesce.UnknownEventTypeException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Processes an SQS batch one message at a time and answers with {@code batchItemFailures} for exactly
 * the messages that failed, so SQS redelivers only those.
 *
 * <p>A message that can never succeed (a {@link MalformedEventException} or {@link UnknownEventTypeException}:
 * malformed, of an unknown type, oversized, a check message that does not parse) is sent to the
 * {@link PoisonQueue} at once and then reported as processed, so SQS deletes it rather than deliver it
 * {@code maxReceiveCount} times. When no poison queue is configured, or sending to it fails, it is reported
 * failed as any other: SQS retries it until the queue's redrive policy moves it to the dead-letter queue.
 * Nothing is lost either way. Any other failure is reported failed, for SQS to redeliver.
 */
final class SqsBatch {

    private static final Logger LOG = LoggerFactory.getLogger(SqsBatch.class);
    /** The log context key of the message being processed. */
    static final String MESSAGE_ID = "messageId";

    /** The work for one message. */
    interface MessageWork {
        void accept(SQSEvent.SQSMessage message);
    }

    private SqsBatch() {
    }

    /**
     * @param rejected told of each message that can never succeed, whether it reached the poison queue or not
     */
    static SQSBatchResponse each(SQSEvent event, String handler, PoisonQueue poison, MessageWork work,
                                 Runnable rejected) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        List<SQSEvent.SQSMessage> records = event == null || event.getRecords() == null ? List.of() : event.getRecords();
        for (SQSEvent.SQSMessage m : records) {
            if (m.getMessageId() != null) {
                MDC.put(MESSAGE_ID, m.getMessageId());
            }
            try {
                work.accept(m);
            } catch (MalformedEventException | UnknownEventTypeException e) {
                rejected.run();
                PoisonQueue.Outcome o = poison.send(m, handler, e);
                if (o.sent()) {
                    LOG.warn("{}.rejected messageId={} reason=\"{}\" action=\"sent to the dead-letter queue\" "
                            + "deadLetterMessageId={}", handler, m.getMessageId(), e.getMessage(), o.messageId());
                } else {
                    // never succeeds on retry, but kept: retried until the redrive policy dead-letters it
                    LOG.warn("{}.rejected messageId={} reason=\"{}\" action=\"retried until the dead-letter queue "
                            + "takes it\" poisonQueue=\"{}\"", handler, m.getMessageId(), e.getMessage(), o.error());
                    failures.add(new SQSBatchResponse.BatchItemFailure(m.getMessageId()));
                }
            } catch (RuntimeException e) {
                LOG.warn("{}.failed messageId={} action=\"redelivered by SQS\"", handler, m.getMessageId(), e);
                failures.add(new SQSBatchResponse.BatchItemFailure(m.getMessageId()));
            } finally {
                MDC.remove(MESSAGE_ID);
            }
        }
        return new SQSBatchResponse(failures);
    }
}
