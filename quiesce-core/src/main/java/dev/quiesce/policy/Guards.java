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
 *   <li>{@code deadline}: measured from the observation's start, ends it as TIMED_OUT;
 *   <li>{@code firstArrivalTimeout}: measured from the start, ends a still-WAITING observation as TIMED_OUT;
 *   <li>{@code lateness}: how long after COMPLETE arrivals are still watched and reported as LATE
 *       amendments, once per check; after it the observation is sealed;
 *   <li>{@code overdue}: a soft deadline, measured from the start: one OVERDUE report, and the run keeps
 *       waiting (it must fall before {@code deadline} when both are set);
 *   <li>{@code buffer}: the stream's buffer interval, when known: a policy whose quiet window is shorter
 *       is refused (see {@link QuietWindow}) unless {@code allowShortWindow};
 *   <li>{@code deletes}: whether a removal inside the dataset is activity ({@link Deletes#ALLOW}) or ends
 *       the run as DELETED ({@link Deletes#FAIL}).
 * </ul>
 *
 * <p>Absent durations are {@code null}. Instances are immutable.
 *
 * @param minObjects objects required before completion; 0 for none
 * @param deadline time allowed from start to completion, or {@code null}
 * @param firstArrivalTimeout time allowed from start to the first arrival, or {@code null}
 * @param lateness time after completion during which late arrivals are reported, or {@code null}
 * @param overdue time from start after which one OVERDUE report is made while waiting goes on, or {@code null}
 * @param buffer the stream's buffer interval, or {@code null} when unknown
 * @param allowShortWindow accept a quiet window shorter than {@code buffer}
 * @param deletes what a removal inside the dataset means
 */
public record Guards(long minObjects, Duration deadline, Duration firstArrivalTimeout, Duration lateness,
                     Duration overdue, Duration buffer, boolean allowShortWindow, Deletes deletes) {

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
        return new Guards(n, deadline, firstArrivalTimeout, lateness, overdue, buffer, allowShortWindow, deletes);
    }

    public Guards withDeadline(Duration d) {
        return new Guards(minObjects, d, firstArrivalTimeout, lateness, overdue, buffer, allowShortWindow, deletes);
    }

    public Guards withFirstArrivalTimeout(Duration d) {
        return new Guards(minObjects, deadline, d, lateness, overdue, buffer, allowShortWindow, deletes);
    }

    public Guards withLateness(Duration d) {
        return new Guards(minObjects, deadline, firstArrivalTimeout, d, overdue, buffer, allowShortWindow, deletes);
    }

    public Guards withOverdue(Duration d) {
        return new Guards(minObjects, deadline, firstArrivalTimeout, lateness, d, buffer, allowShortWindow, deletes);
    }

    public Guards withBuffer(Duration d) {
        return new Guards(minObjects, deadline, firstArrivalTimeout, lateness, overdue, d, allowShortWindow, deletes);
    }

    public Guards withAllowShortWindow(boolean allow) {
        return new Guards(minObjects, deadline, firstArrivalTimeout, lateness, overdue, buffer, allow, deletes);
    }

    public Guards withDeletes(Deletes d) {
        return new Guards(minObjects, deadline, firstArrivalTimeout, lateness, overdue, buffer, allowShortWindow, d);
    }

    /** When the soft deadline falls for an observation started at {@code startedAt}. */
    public Optional<Instant> overdueAt(Instant startedAt) {
        return Optional.ofNullable(overdue).map(startedAt::plus);
    }

    /** When the deadline falls for an observation started at {@code startedAt}. */
    public Optional<Instant> deadlineAt(Instant startedAt) {
        return Optional.ofNullable(deadline).map(startedAt::plus);
    }

    /** When a still-WAITING observation must next be checked: the earliest of its guard times. */
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
            return Optional.of(new Verdict.TimedOut(dl.get(), "deadline " + Durations.human(deadline)
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
     * {@code minObjects}, turns a passed deadline into TIMED_OUT (or INCOMPLETE, when the policy knows
     * what is missing), and never lets a wait run past the deadline.
     */
    public Verdict apply(Verdict verdict, Check check, Policy policy) {
        Verdict v = verdict;
        if (v instanceof Verdict.Complete && check.tally().objects() < minObjects) {
            v = new Verdict.Wait(check.now().plus(policy.recheckInterval()));
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
            String why = check.tally().objects() < minObjects
                    ? "deadline " + Durations.human(deadline) + " passed with " + check.tally().objects()
                            + " of at least " + minObjects + " objects"
                    : "deadline " + Durations.human(deadline) + " passed before the data settled";
            return new Verdict.TimedOut(dl.get(), why);
        }
        Verdict.Wait w = (Verdict.Wait) v;
        return w.until().isAfter(dl.get()) ? new Verdict.Wait(dl.get()) : w;
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
        return String.join(" ", parts);
    }

    private static void requirePositive(Duration d, String name) {
        if (d != null && (d.isZero() || d.isNegative())) {
            throw new InvalidConfigurationException(name + " must be > 0, was " + Durations.format(d));
        }
    }
}
