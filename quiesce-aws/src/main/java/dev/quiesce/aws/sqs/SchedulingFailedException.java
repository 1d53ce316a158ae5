package dev.quiesce.aws.sqs;

import dev.quiesce.StoreException;

/**
 * A check could not be put on the scheduler queue: SQS refused the message or could not be reached.
 * The SDK exception is the cause.
 *
 * <p>It is a {@link StoreException} because the queue is where pending checks are kept: code that
 * reports store failures reports this one too. In the Lambda deployment it fails the invocation, so
 * SQS delivers the triggering message again.
 *
 * <p>When it is thrown from inside a check, the observation's new version is already written, so the
 * redelivered message is stale and does nothing; the check is then run by whatever sweeps overdue
 * observations ({@link dev.quiesce.engine.Observer#runDue()} on a timer).
 */
public class SchedulingFailedException extends StoreException {

    /**
     * @param message what could not be scheduled, where, and the SDK's error
     * @param cause the SDK exception
     */
    public SchedulingFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
