package dev.quiesce.aws.metrics;

/**
 * The metrics the Lambda handlers publish, with the names and units CloudWatch shows. The names are part
 * of the deployment's interface: the SAM template's alarms refer to them, so they do not change.
 *
 * <p>Every metric but {@link #COMPLETIONS} is published with the empty dimension set, so an alarm names it
 * by namespace and name alone; {@link #COMPLETIONS} has the one dimension {@value Metrics#OUTCOME}.
 */
public enum Metric {
    /** Arrivals that changed a tally: new objects, overwrites, removals, superseded versions. */
    ARRIVALS_COUNTED("ArrivalsCounted", Unit.COUNT),
    /** Arrivals already counted: redeliveries, which change nothing. */
    ARRIVALS_DUPLICATE("ArrivalsDuplicate", Unit.COUNT),
    /** Messages that can never be counted (malformed, unknown, oversized), dead-lettered at once or failed. */
    ARRIVALS_REJECTED("ArrivalsRejected", Unit.COUNT),
    /** Observation checks that ran (a stale or duplicated check message that found nothing due is not one). */
    CHECKS("Checks", Unit.COUNT),
    /** Runs that ended, by their terminal state in the dimension {@value Metrics#OUTCOME}. */
    COMPLETIONS("Completions", Unit.COUNT),
    /** From the last arrival a completed run saw to its completion, on the detector's clock. */
    DETECTION_LATENCY("DetectionLatency", Unit.MILLISECONDS),
    /** Notification deliveries that failed and will be retried. */
    NOTIFIER_RETRIES("NotifierRetries", Unit.COUNT),
    /** Notifications that failed their last attempt and went to the dead letters. */
    NOTIFIER_DEAD_LETTERS("NotifierDeadLetters", Unit.COUNT),
    /**
     * Work besides a message's own that failed and is left to the sweep (delivering due notifications,
     * sending the next check message after its state was written); the message itself succeeded.
     */
    SIDE_JOB_FAILURES("SideJobFailures", Unit.COUNT),
    /** OVERDUE reports: runs past their soft deadline and still not complete. */
    RUNS_OVERDUE("RunsOverdue", Unit.COUNT);

    /** CloudWatch units used here, spelled as CloudWatch spells them. */
    public enum Unit {
        COUNT("Count"), MILLISECONDS("Milliseconds");

        private final String cloudWatchName;

        Unit(String cloudWatchName) {
            this.cloudWatchName = cloudWatchName;
        }

        /** The unit as CloudWatch names it, e.g. {@code Count}. */
        public String cloudWatchName() {
            return cloudWatchName;
        }
    }

    private final String metricName;
    private final Unit unit;

    Metric(String metricName, Unit unit) {
        this.metricName = metricName;
        this.unit = unit;
    }

    /** The CloudWatch metric name, e.g. {@code ArrivalsCounted}. */
    public String metricName() {
        return metricName;
    }

    public Unit unit() {
        return unit;
    }

    /** Whether the metric is a count summed per invocation (published every flush, zero included). */
    boolean counter() {
        return unit == Unit.COUNT && this != COMPLETIONS;
    }
}
