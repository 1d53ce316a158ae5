package dev.quiesce.policy;

import dev.quiesce.Durations;
import dev.quiesce.InvalidConfigurationException;
import dev.quiesce.Tally;
import dev.quiesce.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Completes once nothing has arrived for {@code period}, as Airflow's S3KeysUnchangedSensor does.
 *
 * <p>Quiet is measured from when the monitor last <em>saw</em> a distinct arrival ({@link Tally#lastSeen}),
 * never from storage's event times: a backlog of late notifications is lag, not silence. Rather than
 * poking on a fixed interval, the next check is due exactly at {@code lastSeen + period}: the earliest
 * moment completion is possible. Instances are immutable and thread-safe.
 */
public final class InactivityPeriod implements Policy {

    private final Duration period;

    private InactivityPeriod(Duration period) {
        this.period = period;
    }

    /** @throws InvalidConfigurationException if the period is not positive */
    public static InactivityPeriod of(Duration period) {
        Objects.requireNonNull(period, "period");
        if (period.isZero() || period.isNegative()) {
            throw new InvalidConfigurationException("inactivity period must be > 0, was " + period);
        }
        return new InactivityPeriod(period);
    }

    public Duration period() {
        return period;
    }

    @Override
    public Instant firstCheckAt(Instant activatedAt, Tally tally) {
        return tally.lastActivity() == null ? activatedAt.plus(period) : tally.lastActivity().plus(period);
    }

    @Override
    public Verdict decide(Check check) {
        Instant last = lastChange(check);
        Instant quietAt = last.plus(period);
        if (!check.now().isBefore(quietAt)) {
            return new Verdict.Complete("no arrival for " + Durations.human(Duration.between(last, check.now()))
                    + " (period " + Durations.human(period) + ")");
        }
        return new Verdict.Wait(quietAt);
    }

    /** The quiet so far against the period: {@code quiet 40s of 1m 30s}. */
    @Override
    public java.util.List<Goal> progress(Check check) {
        long quiet = Math.max(0, Duration.between(lastChange(check), check.now()).toMillis());
        return java.util.List.of(new Goal("quiet", quiet, period.toMillis(), Goal.Unit.MILLIS));
    }

    /** Where the silence is measured from: the last arrival seen, or the activation for an old tally without one. */
    private static Instant lastChange(Check check) {
        return check.tally().lastActivity() == null ? check.activatedAt() : check.tally().lastActivity();
    }

    @Override
    public java.util.Optional<QuietWindow> quietWindow() {
        return java.util.Optional.of(new QuietWindow(period, "inactivity period " + Durations.format(period),
                "period (--inactivity)"));
    }

    @Override
    public Duration recheckInterval() {
        return period;
    }

    @Override
    public String spec() {
        return "inactivity period=" + Durations.format(period);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InactivityPeriod && ((InactivityPeriod) o).period.equals(period);
    }

    @Override
    public int hashCode() {
        return period.hashCode();
    }

    @Override
    public String toString() {
        return spec();
    }
}
