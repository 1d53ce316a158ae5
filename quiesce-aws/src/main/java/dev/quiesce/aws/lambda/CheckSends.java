package dev.quiesce.aws.lambda;

import dev.quiesce.aws.metrics.Metrics;
import dev.quiesce.aws.sqs.SchedulingFailedException;
import dev.quiesce.aws.sqs.SqsScheduler;
import dev.quiesce.port.Scheduler;
import java.time.Instant;

/**
 * The engine's scheduler in the Lambda deployment: check messages go through the {@link SqsScheduler}, and a
 * send that fails is a side job's failure ({@link SideJob}) rather than the caller's. The engine asks for a
 * check only after writing the run's next due time, which the sweep reads from the table's {@code due}
 * index; so a lost message delays a check by at most one sweep and never loses it, while failing the arrival
 * or check that caused it would only get that message redelivered to find nothing left to do.
 *
 * <p>An early check message re-sent for the rest of its wait is not sent through here: that re-send is the
 * message's own work, so {@link SqsScheduler#resendIfEarly} keeps failing it.
 */
final class CheckSends implements Scheduler {

    private final SqsScheduler sqs;
    private final Metrics metrics;

    CheckSends(SqsScheduler sqs, Metrics metrics) {
        this.sqs = sqs;
        this.metrics = metrics;
    }

    @Override
    public void schedule(String observationId, long version, Instant dueAt) {
        try {
            sqs.schedule(observationId, version, dueAt);
        } catch (SchedulingFailedException e) {
            SideJob.failed("scheduler", "schedule", SideJob.CHECK_RETRY, metrics, e);
        }
    }

    @Override
    public void outboxReady() {
        sqs.outboxReady();
    }
}
