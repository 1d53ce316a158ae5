package dev.quiesce.policy;

import dev.quiesce.Durations;
import dev.quiesce.InvalidConfigurationException;
import dev.quiesce.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Limits that combine with any policy.
 *
 * <ul>
 *   <li>{@code minObjects}: no completion before this many objects are present;
 *   <li>{@code deadline}: measured from the observation's start (or from {@code periodEnd}, when that is
 *       later), ends it as TIMED_OUT;
 *   <li>{@code firstArrivalTimeout}: measured from the start, ends a still-WAITING observation as TIMED_OUT;
 *   <li>{@code lateness}: how long after COMPLETE arrivals are still watched and reported as LATE
 *       amendments, once per check; after it the observation is sealed;
 *   <li>{@code overdue}: a soft deadline, measured like {@code deadline}: one OVERDUE report, and the run
 *       keeps waiting (it must fall before {@code deadline} when both are set);
 *   <li>{@code buffer}: the stream's buffer interval, when known: a policy whose quiet window is shorter
 *       is refused (see {@link QuietWindow}) unless {@code allowShortWindow};
 *   <li>{@code deletes}: whether a removal inside the dataset is activity ({@link Deletes#ALLOW}) or ends
 *       the run as DELETED ({@link Deletes#FAIL});
 *   <li>{@code periodEnd}: the end of the period a dated run covers ({@code events/2024-05-01} ends at
 *       {@code 2024-05-02T00:00:00Z}). Until {@code periodEnd + buffer} a completion is held back as one
 *       wait to that instant (a pause in a continuous stream is not its end, and the period's last objects
 *       land up to a buffer interval after it), except for a policy that
 *       {@linkplain Policy#needsExpectations() needs expectations}, whose completion is exact. Deadline and
 *       overdue then count from the period's end, so a day's run does not time out during its day.
 * </ul>
 *
 * <p>Absent durations are {@code null}. Instances are immutable.
 *
 * @param minObjects objects required before completion; 0 for none
 * @param deadline time allowed from start (or the period's end) to completion, or {@code null}
 * @param firstArrivalTimeout time allowed from start to the first arrival, or {@code null}
 * @param lateness time after completion during which late arrivals are reported, or {@code null}
 * @param overdue time from start (or the period's end) after which one OVERDUE report is made while waiting
 *     goes on, or {@code null}
 * @param buffer the stream's buffer interval, or {@code null} when unknown
 * @param allowShortWindow accept a quiet window shorter than {@code buffer}
 * @param deletes what a removal inside the dataset means
 * @param periodEnd the end of the run's period, or {@code null} when the run covers no period
 */
public record Guards(long minObjects, Duration deadline, Duration firstArrivalTimeout, Duration lateness,
                     Duration overdue, Duration buffer, boolean allowShortWindow, Deletes deletes,
                     Instant periodEnd) {

    /** What a removal inside the watched dataset means. */
    public enum Deletes {
        /** A removal is activity, like an arrival: it moves the change sequence. */
        ALLOW,
        /** A removal ends the run as DELETED, naming the key: the data set being read was changed under it. */
        FAIL
    }

    /** No guards. */
    public static final Guards NONE = new Guards(0, null, null, null);

    /** Guards without lateness. */
    public Guards(long minObjects, Duration deadline, Duration firstArrivalTimeout) {
        this(minObjects, deadline, firstArrivalTimeout, null);
    }

    /** Guards without the soft deadline, buffer interval or delete rule. */
    public Guards(long minObjects, Duration deadline, Duration firstArrivalTimeout, Duration lateness) {
        this(minObjects, deadline, firstArrivalTimeout, lateness, null, null, false, Deletes.ALLOW);
    }

    /** Guards without a period. */
    public Guards(long minObjects, Duration deadline, Duration firstArrivalTimeout, Duration lateness,
                  Duration overdue, Duration buffer, boolean allowShortWindow, Deletes deletes) {
        this(minObjects, deadline, firstArrivalTimeout, lateness, overdue, buffer, allowShortWindow, deletes, null);
    }

    public Guards {
        if (minObjects < 0) {
            throw new InvalidConfigurationException("min-objects must be >= 0, was " + minObjects);
        }
        requirePositive(deadline, "deadline");
        requirePositive(firstArrivalTimeout, "first-arrival-timeout");
        requirePositive(lateness, "lateness");
        requirePositive(overdue, "overdue");
        requirePositive(buffer, "buffer");
        if (overdue != null && deadline != null && overdue.compareTo(deadline) >= 0) {
            throw new InvalidConfigurationException("overdue (" + Durations.format(overdue)
                    + ") must be shorter than deadline (" + Durations.format(deadline)
                    + "): lower overdue or raise deadline");
        }
        if (deletes == null) {
            deletes = Deletes.ALLOW;
        }
    }

    public Guards withMinObjects(long n) {
        return new Guards(n, deadline, firstArrivalTimeout, lateness, overdue, buffer, allowShortWindow,
                deletes, periodEnd);
    }

    public Guards withDeadline(Duration d) {
        return new Guards(minObjects, d, firstArrivalTimeout, lateness, overdue, buffer, allowShortWindow,
                deletes, periodEnd);
    }

    public Guards withFirstArrivalTimeout(Duration d) {
        return new Guards(minObjects, deadline, d, lateness, overdue, buffer, allowShortWindow, deletes, periodEnd);
    }

    public Guards withLateness(Duration d) {
        return new Guards(minObjects, deadline, firstArrivalTimeout, d, overdue, buffer, allowShortWindow,
                deletes, periodEnd);
    }

    public Guards withOverdue(Duration d) {
        return new Guards(minObjects, deadline, firstArrivalTimeout, lateness, d, buffer, allowShortWindow,
                deletes, periodEnd);
    }

    public Guards withBuffer(Duration d) {
        return new Guards(minObjects, deadline, firstArrivalTimeout, lateness, overdue, d, allowShortWindow,
                deletes, periodEnd);
    }

    public Guards withAllowShortWindow(boolean allow) {
        return new Guards(minObjects, deadline, firstArrivalTimeout, lateness, overdue, buffer, allow,
                deletes, periodEnd);
    }

    public Guards withDeletes(Deletes d) {
        return new Guards(minObjects, deadline, firstArrivalTimeout, lateness, overdue, buffer, allowShortWindow,
                d, periodEnd);
    }

    /** These guards for a run whose period ends at {@code end}, or for no period when {@code null}. */
    public Guards withPeriodEnd(Instant end) {
        return new Guards(minObjects, deadline, firstArrivalTimeout, lateness, overdue, buffer, allowShortWindow,
                deletes, end);
    }

    /**
     * What deadline and overdue count from for a run started at {@code startedAt}: the start, or the period's
     * end when that is later (a run started after its period ended, a next run {@code #2}, counts from its
     * start).
     */
    public Instant measuredFrom(Instant startedAt) {
        return periodEnd != null && periodEnd.isAfter(startedAt) ? periodEnd : startedAt;
    }

    /**
     * Until when a completion the policy allows at {@code now} is held back for the period: {@code periodEnd}
     * plus the buffer interval (zero when unknown), while {@code now} is before it. Empty when there is no
     * period, the hold is over, or the policy needs expectations (its completion is exact).
     */
    public Optional<Instant> holdsUntil(Instant now, Policy policy) {
        if (periodEnd == null || policy.needsExpectations()) {
            return Optional.empty();
        }
        Instant until = buffer == null ? periodEnd : periodEnd.plus(buffer);
        return now.isBefore(until) ? Optional.of(until) : Optional.empty();
    }

    /**
     * When the soft deadline falls for an observation started at {@code startedAt}: {@code overdue} after
     * {@link #measuredFrom(Instant) the start or the period's end}.
     */
    public Optional<Instant> overdueAt(Instant startedAt) {
        return Optional.ofNullable(overdue).map(measuredFrom(startedAt)::plus);
    }

    /**
     * When the deadline falls for an observation started at {@code startedAt}: {@code deadline} after
     * {@link #measuredFrom(Instant) the start or the period's end}.
     */
    public Optional<Instant> deadlineAt(Instant startedAt) {
        return Optional.ofNullable(deadline).map(measuredFrom(startedAt)::plus);
    }

    /**
     * When a still-WAITING observation must next be checked: the earliest of its guard times (the
     * first-arrival timeout counts from the start, the deadline as {@link #deadlineAt} says).
     */
    public Optional<Instant> waitingCheckAt(Instant startedAt) {
        Optional<Instant> fat = Optional.ofNullable(firstArrivalTimeout).map(startedAt::plus);
        Optional<Instant> dl = deadlineAt(startedAt);
        if (fat.isPresent() && dl.isPresent()) {
            return Optional.of(fat.get().isBefore(dl.get()) ? fat.get() : dl.get());
        }
        return fat.isPresent() ? fat : dl;
    }

    /** The verdict for a WAITING observation at {@code now}: timed out, or wait for the next guard time (if any). */
    public Optional<Verdict> whileWaiting(Instant startedAt, Instant now) {
        Optional<Instant> dl = deadlineAt(startedAt);
        if (dl.isPresent() && !now.isBefore(dl.get())) {
            return Optional.of(new Verdict.TimedOut(dl.get(), deadlineWords(startedAt)
                    + " passed before any arrival"));
        }
        if (firstArrivalTimeout != null && !now.isBefore(startedAt.plus(firstArrivalTimeout))) {
            return Optional.of(new Verdict.TimedOut(startedAt.plus(firstArrivalTimeout),
                    "no arrival within first-arrival-timeout " + Durations.human(firstArrivalTimeout)));
        }
        return waitingCheckAt(startedAt).map(Verdict.Wait::new);
    }

    /**
     * Applies the guards to what the policy decided at an active check: holds back a completion below
     * {@code minObjects} or before the period's end plus the buffer interval (one wait until then, with a
     * reason), turns a passed deadline into TIMED_OUT (or INCOMPLETE, when the policy knows what is
     * missing), and never lets a wait run past the deadline. The policy's own waits are left as they are.
     */
    public Verdict apply(Verdict verdict, Check check, Policy policy) {
        Verdict v = verdict;
        if (v instanceof Verdict.Complete && check.tally().objects() < minObjects) {
            v = new Verdict.Wait(check.now().plus(policy.recheckInterval()));
        }
        boolean held = false;
        if (v instanceof Verdict.Complete) {
            Optional<Instant> hold = holdsUntil(check.now(), policy);
            if (hold.isPresent()) {
                v = new Verdict.Wait(hold.get(), holdReason(hold.get()));
                held = true;
            }
        }
        Optional<Instant> dl = deadlineAt(check.startedAt());
        if (dl.isEmpty() || v instanceof Verdict.Complete || v instanceof Verdict.TimedOut
                || v instanceof Verdict.Incomplete) {
            return v;
        }
        if (!check.now().isBefore(dl.get())) {
            Optional<String> missing = policy.shortfall(check);
            if (missing.isPresent()) {
                return new Verdict.Incomplete(missing.get());
            }
            String deadlineWords = deadlineWords(check.startedAt());
            String why = check.tally().objects() < minObjects
                    ? deadlineWords + " passed with " + check.tally().objects() + " of at least " + minObjects
                            + " objects"
                    : held ? deadlineWords + " passed while completion was held: " + ((Verdict.Wait) v).reason()
                    : deadlineWords + " passed before the data settled";
            return new Verdict.TimedOut(dl.get(), why);
        }
        Verdict.Wait w = (Verdict.Wait) v;
        return w.until().isAfter(dl.get()) ? new Verdict.Wait(dl.get(), w.reason()) : w;
    }

    /** {@code deadline 6h}, saying what it counts from when that is the period's end. */
    private String deadlineWords(Instant startedAt) {
        String words = "deadline " + Durations.human(deadline);
        return measuredFrom(startedAt).equals(startedAt) ? words : words + " after the period's end " + periodEnd;
    }

    private String holdReason(Instant until) {
        String why = "period ends at " + periodEnd + "; holding completion until " + until;
        return buffer == null ? why : why + " (+ buffer " + Durations.human(buffer) + ")";
    }

    /** A canonical text form: space-separated {@code key=value} pairs, empty for {@link #NONE}. */
    public String spec() {
        List<String> parts = new ArrayList<>();
        if (minObjects > 0) {
            parts.add("min-objects=" + minObjects);
        }
        if (deadline != null) {
            parts.add("deadline=" + Durations.format(deadline));
        }
        if (firstArrivalTimeout != null) {
            parts.add("first-arrival-timeout=" + Durations.format(firstArrivalTimeout));
        }
        if (lateness != null) {
            parts.add("lateness=" + Durations.format(lateness));
        }
        if (overdue != null) {
            parts.add("overdue=" + Durations.format(overdue));
        }
        if (buffer != null) {
            parts.add("buffer=" + Durations.format(buffer));
        }
        if (allowShortWindow) {
            parts.add("allow-short-window");
        }
        if (deletes == Deletes.FAIL) {
            parts.add("deletes=fail");
        }
        if (periodEnd != null) {
            parts.add("period-end=" + periodEnd);
        }
        return String.join(" ", parts);
    }

    private static void requirePositive(Duration d, String name) {
        if (d != null && (d.isZero() || d.isNegative())) {
            throw new InvalidConfigurationException(name + " must be > 0, was " + Durations.format(d));
        }
    }
}
