package dev.quiesce.aws.lambda;

import dev.quiesce.aws.metrics.Metric;
import dev.quiesce.aws.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Work a handler does besides its messages' own, whose failure must not fail them: delivering the
 * notifications that are due, and sending the next check message once its state is written. The stored
 * state (the outbox, the observation's due time) keeps what is owed, and the sweep catches up from it; so
 * a failure is logged once at WARN with what will retry it, counted as {@link Metric#SIDE_JOB_FAILURES},
 * and not thrown.
 */
final class SideJob {

    /** What the sweep does about an undelivered notification. */
    static final String RELAY_RETRY = "the next invocation or the sweep delivers the due notifications";
    /** What the sweep does about a check message that was not sent. */
    static final String CHECK_RETRY = "the state is written; the sweep runs the check at its stored due time";

    private static final Logger LOG = LoggerFactory.getLogger(SideJob.class);

    private SideJob() {
    }

    /** Runs {@code work}; returns {@code false} if it failed (logged and counted). */
    static boolean run(String handler, String job, String retry, Metrics metrics, Runnable work) {
        try {
            work.run();
            return true;
        } catch (RuntimeException e) {
            failed(handler, job, retry, metrics, e);
            return false;
        }
    }

    /** Logs and counts a side job's failure. */
    static void failed(String handler, String job, String retry, Metrics metrics, RuntimeException e) {
        metrics.increment(Metric.SIDE_JOB_FAILURES);
        LOG.warn("{}.side_job_failed job={} action=\"{}\" error=\"{}\"", handler, job, retry,
                e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
    }
}
