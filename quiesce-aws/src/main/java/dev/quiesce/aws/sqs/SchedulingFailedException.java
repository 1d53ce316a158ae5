package dev.quiesce.aws.sqs;

import dev.quiesce.StoreException;

/**
 * A check could not be put on the scheduler queue: SQS refused the message or could not be reached.
 * The SDK exception is the cause.
 *
 * <p>It is a {@link StoreException} because the queue is where pending checks are kept: code that
 * reports store failures reports this one too.
 *
 * <p>When it is thrown after an arrival or a check was written, the observation's due time is already
 * stored, so the Lambda handlers log and count it and do not fail the message (a redelivery would find
 * nothing to do); the check is then run by whatever sweeps overdue observations
 * ({@link dev.quiesce.engine.Observer#runDue()} on a timer). An early check message that cannot be re-sent
 * does fail: the re-send is its own work.
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
