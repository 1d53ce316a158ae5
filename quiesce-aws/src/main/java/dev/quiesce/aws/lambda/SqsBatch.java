package dev.quiesce.aws.lambda;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.quiesce.MalformedEventException;
import dev.quiesce.UnknownEventTypeException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes an SQS batch one message at a time and answers with {@code batchItemFailures} for exactly
 * the messages that failed, so SQS redelivers only those; after the queue's maxReceiveCount a message
 * that keeps failing (a poison message) moves to the dead-letter queue.
 */
final class SqsBatch {

    private static final Logger LOG = LoggerFactory.getLogger(SqsBatch.class);

    /** The work for one message. */
    interface MessageWork {
        void accept(SQSEvent.SQSMessage message);
    }

    private SqsBatch() {
    }

    static SQSBatchResponse each(SQSEvent event, String handler, MessageWork work) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        List<SQSEvent.SQSMessage> records = event.getRecords() == null ? List.of() : event.getRecords();
        for (SQSEvent.SQSMessage m : records) {
            try {
                work.accept(m);
            } catch (MalformedEventException | UnknownEventTypeException e) {
                // never succeeds on retry: reported, retried up to maxReceiveCount, then dead-lettered
                LOG.warn("{}.rejected messageId={} reason=\"{}\" action=\"retried until the dead-letter queue takes it\"",
                        handler, m.getMessageId(), e.getMessage());
                failures.add(new SQSBatchResponse.BatchItemFailure(m.getMessageId()));
            } catch (RuntimeException e) {
                LOG.warn("{}.failed messageId={} action=\"redelivered by SQS\"", handler, m.getMessageId(), e);
                failures.add(new SQSBatchResponse.BatchItemFailure(m.getMessageId()));
            }
        }
        return new SQSBatchResponse(failures);
    }
}
