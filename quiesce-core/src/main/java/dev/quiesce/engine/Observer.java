package dev.quiesce.engine;

import dev.quiesce.Blindness;
import dev.quiesce.Certificate;
import dev.quiesce.Durations;
import dev.quiesce.EventType;
import dev.quiesce.Expectations;
import dev.quiesce.LifecycleEvent;
import dev.quiesce.Observation;
import dev.quiesce.ObservationNotFoundException;
import dev.quiesce.ObservationState;
import dev.quiesce.Progress;
import dev.quiesce.Tally;
import dev.quiesce.Verdict;
import dev.quiesce.policy.Check;
import dev.quiesce.policy.PolicySpec;
import dev.quiesce.port.ExpectationStore;
import dev.quiesce.port.Notifier;
import dev.quiesce.port.ObservationStore;
import dev.quiesce.port.OutboxEntry;
import dev.quiesce.port.Scheduler;
import dev.quiesce.port.TallyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the observation state machine: start, activation at the first arrival, checks, cancel.
 *
 * <p>Every change is one {@link ObservationStore#compareAndSet} carrying the notifications it causes,
 * so a transition and its outbox entries are written together or not at all. A check that is not
 * due, or that loses the version race to another check, changes nothing: duplicated and stale
 * scheduler messages are harmless. Thread-safe; any number of observers may share one store.
 */
public final class Observer {

    private static final Logger LOG = LoggerFactory.getLogger(Observer.class);
    private static final int CAS_ATTEMPTS = 16;

    private final ObservationStore store;
    private final TallyStore tallies;
    private final Scheduler scheduler;
    private final Clock clock;
    /** Only their names are used here: which events each wants is the relay's business. */
    private final List<Notifier> notifiers;
    /** The notifiers' names, made once: every observation started without names of its own gets these. */
    private final List<String> notifierNames;
    private final ExpectationStore expectations;
    private final Sight sight = new Sight();
    private Listeners listeners = new Listeners();
    private volatile Duration blindTimeout = DEFAULT_BLIND_TIMEOUT;

    /** How long a source may stay blind before its runs end BLIND, unless {@link #blindTimeout(Duration)} says otherwise. */
    public static final Duration DEFAULT_BLIND_TIMEOUT = Duration.ofMinutes(10);

    public Observer(ObservationStore store, TallyStore tallies, Scheduler scheduler, Clock clock,
                    List<Notifier> notifiers) {
        this(store, tallies, scheduler, clock, notifiers, null);
    }

    /**
     * @param expectations producers' declarations, for exact policies; {@code null} when none are kept
     */
    public Observer(ObservationStore store, TallyStore tallies, Scheduler scheduler, Clock clock,
                    List<Notifier> notifiers, ExpectationStore expectations) {
        this.expectations = expectations;
        this.store = Objects.requireNonNull(store, "store");
        this.tallies = Objects.requireNonNull(tallies, "tallies");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.notifiers = List.copyOf(notifiers);
        this.notifierNames = List.copyOf(this.notifiers.stream().map(Notifier::name).toList());
    }

    /** What one call to {@link #check} did. */
    public enum Outcome {
        /** No such observation. */
        NOT_FOUND,
        /** Already in a final state: a late or duplicated check. */
        FINISHED,
        /** Its next check is not due yet: a stale or duplicated check. */
        NOT_DUE,
        /** The version moved on under us: another check won. */
        LOST_RACE,
        /** Still WAITING for the first arrival. */
        WAITING,
        /** WAITING became ACTIVE. */
        ACTIVATED,
        /** Checked; not done yet. */
        CHECKED,
        /** Reached a final state at this check. */
        FINISHED_NOW
    }

    /**
     * Starts an observation of a dataset whose events go to every notifier of this observer, or returns
     * the existing one with this id unchanged (so a restarted process resumes it). If the dataset
     * already has arrivals it is activated at once.
     */
    public Observation start(String id, String datasetId, PolicySpec spec) {
        return start(id, datasetId, spec, notifierNames);
    }

    /** As {@link #start(String, String, PolicySpec)}, with the events going to the named notifiers. */
    public Observation start(String id, String datasetId, PolicySpec spec, List<String> notifierNames) {
        Instant now = clock.instant();
        Observation fresh = Observation.start(id, datasetId, spec, notifierNames, now);
        if (store.create(fresh)) {
            if (LOG.isInfoEnabled()) {
                // guarded: three arguments make an array, and the spec's text is built, per start
                LOG.info("observation.started observation={} dataset={} policy=\"{}\"", id, datasetId, spec.text());
            }
            if (fresh.nextCheckAt() != null) {
                scheduler.schedule(id, fresh.version(), fresh.nextCheckAt());
            }
            arrived(datasetId);
        }
        return store.find(id).orElseThrow(() -> new ObservationNotFoundException(id));
    }

    /**
     * Sets how long a dataset's source may be blind before its open runs end {@code BLIND}.
     *
     * @throws IllegalArgumentException if not positive
     */
    /** Who hears this observer's changes (the engine's listeners, shared with its outbox relay). */
    void listeners(Listeners listeners) {
        this.listeners = java.util.Objects.requireNonNull(listeners, "listeners");
    }

    public void blindTimeout(Duration timeout) {
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("blind timeout must be > 0, was " + timeout);
        }
        this.blindTimeout = timeout;
    }

    /**
     * The dataset's source cannot see all of its location: its runs cannot complete and their silence clock
     * stops until {@link #seeing}. At onset each watching run gets a check at the end of the blind timeout.
     */
    public void blind(String datasetId, String reason) {
        Instant now = clock.instant();
        Optional<Blindness> before = sight.blindness(datasetId);
        boolean onset = sight.blind(datasetId, reason, now);
        Optional<Blindness> after = sight.blindness(datasetId);
        if (!after.equals(before)) {
            // listeners hear a new reason too: "gone" becoming "behind" is news to whoever shows it
            after.ifPresent(b -> listeners.each(l -> l.blind(datasetId, b)));
        }
        if (!onset) {
            return;
        }
        if (reason.startsWith(Blindness.BEHIND)) {
            LOG.debug("source.behind dataset={} reason=\"{}\"", datasetId, reason);
        } else {
            LOG.warn("source.blind dataset={} reason=\"{}\" timeout={}", datasetId, reason,
                    Durations.format(blindTimeout));
        }
        for (Observation o : store.openFor(datasetId)) {
            if (o.state().open()) {
                checkAt(o.id(), now.plus(blindTimeout));
            }
        }
    }

    /**
     * The dataset's source sees everything again: quiet resumes counting. Runs whose check was put off while
     * it was blind are checked now; the others keep their schedule (a source briefly behind on every pass
     * must not make a stable count's checks come faster).
     */
    public void seeing(String datasetId) {
        boolean wasBlind = sight.blindness(datasetId).isPresent();
        boolean held = sight.seeing(datasetId, clock.instant());
        if (wasBlind) {
            listeners.each(l -> l.seeing(datasetId));
        }
        if (!held) {
            return;
        }
        LOG.debug("source.seeing dataset={}", datasetId);
        for (Observation o : store.openFor(datasetId)) {
            if (o.state() == ObservationState.ACTIVE) {
                checkBy(o.id(), Duration.ZERO);
            }
        }
    }

    /** Why the dataset's source is blind, and since when; empty while it sees. */
    public Optional<Blindness> blindness(String datasetId) {
        return sight.blindness(datasetId);
    }

    /** Whether the dataset has a WAITING or ACTIVE observation. */
    public boolean hasOpen(String datasetId) {
        return !store.openFor(datasetId).isEmpty();
    }

    /**
     * Activates every WAITING observation of a dataset that now has arrivals.
     *
     * @return how many open observations the dataset has (so a caller can start one when there are none,
     *     without asking the store twice)
     */
    public int arrived(String datasetId) {
        sight.arrived(datasetId, clock.instant());
        List<Observation> open = store.openFor(datasetId);
        for (int i = 0; i < open.size(); i++) {
            Observation o = open.get(i);
            if (o.state() == ObservationState.WAITING) {
                activateWithRetry(o.id(), false);
            } else if (o.state() == ObservationState.COMPLETE) {
                checkBy(o.id(), o.spec().policy().recheckInterval());
            } else if (o.spec().policy().checksOnArrival()) {
                checkBy(o.id(), Duration.ZERO);
            }
        }
        return open.size();
    }

    /**
     * A producer's declaration for the dataset changed: observations with an exact policy are checked at
     * once (a WAITING one is activated first: the declaration is its start signal, even before data).
     */
    public void declared(String datasetId) {
        for (Observation o : store.openFor(datasetId)) {
            if (!o.spec().policy().checksOnArrival()) {
                continue;
            }
            if (o.state() == ObservationState.WAITING) {
                activateWithRetry(o.id(), true);
            } else if (o.state() == ObservationState.ACTIVE) {
                checkBy(o.id(), Duration.ZERO);
            }
        }
    }

    /**
     * An object was removed from the dataset: every open observation whose spec says
     * {@code deletes=fail} ends as DELETED, naming the key. Others take the removal as activity (it moved
     * the change sequence) at their next check.
     *
     * @return how many observations ended
     */
    public int removed(String datasetId, String key) {
        int ended = 0;
        for (Observation o : store.openFor(datasetId)) {
            if (o.spec().guards().deletes() == dev.quiesce.policy.Guards.Deletes.FAIL && endDeleted(o.id(), key)) {
                ended++;
            }
        }
        return ended;
    }

    private boolean endDeleted(String id, String key) {
        for (int i = 0; i < CAS_ATTEMPTS; i++) {
            Observation o = store.find(id).orElseThrow(() -> new ObservationNotFoundException(id));
            if (!o.state().open()) {
                return false;
            }
            Tally tally = tallies.tally(o.datasetId());
            if (transition(o.finish(ObservationState.DELETED, o.progress(), clock.instant(),
                    "removed " + key + " (deletes=fail)"), tally)) {
                return true;
            }
        }
        throw new IllegalStateException("could not end " + id + " as deleted after " + CAS_ATTEMPTS + " version races");
    }

    /** Runs the check of one observation if it is due. */
    public Outcome check(String id) {
        return check(id, null);
    }

    /**
     * Runs the check of one observation if it is due. {@code expectedVersion} is the version a queue
     * message was scheduled for; it is logged, not required: a duplicated or stale message is harmless
     * because a check that already ran moved the due time on, and two racing checks are settled by the
     * version compare-and-set. Running a due check from an older message keeps an observation alive
     * when the message for its current version was lost.
     */
    public Outcome check(String id, Long expectedVersion) {
        Optional<Observation> found = store.find(id);
        if (found.isEmpty()) {
            return Outcome.NOT_FOUND;
        }
        Observation o = found.get();
        Instant now = clock.instant();
        if (!o.watching()) {
            return Outcome.FINISHED;
        }
        if (o.nextCheckAt() == null || now.isBefore(o.nextCheckAt())) {
            return Outcome.NOT_DUE;
        }
        if (expectedVersion != null && o.version() != expectedVersion && LOG.isDebugEnabled()) {
            LOG.debug("observation.check_from_older_message observation={} messageVersion={} version={}",
                    id, expectedVersion, o.version());
        }
        Tally tally = tallies.tally(o.datasetId());
        if (o.state() == ObservationState.WAITING) {
            return reportIfOverdue(o.id(), checkWaiting(o, tally, now), now);
        }
        if (o.state() == ObservationState.COMPLETE) {
            return checkLate(o, tally, now);
        }
        return reportIfOverdue(o.id(), checkActive(o, tally, now), now);
    }

    /**
     * After a check that left the run open: makes its one OVERDUE report if the soft deadline has passed,
     * with the policy's shortfall when it knows one. Run after the check, so a check that completes at
     * the overdue instant completes without a report.
     */
    private Outcome reportIfOverdue(String id, Outcome outcome, Instant now) {
        if (outcome == Outcome.LOST_RACE || outcome == Outcome.FINISHED_NOW) {
            return outcome;
        }
        for (int i = 0; i < CAS_ATTEMPTS; i++) {
            Observation o = store.find(id).orElseThrow(() -> new ObservationNotFoundException(id));
            Optional<Instant> at = o.spec().guards().overdueAt(o.startedAt());
            if (!o.state().open() || o.overdueReportedAt() != null || at.isEmpty() || now.isBefore(at.get())) {
                return outcome;
            }
            Tally tally = tallies.tally(o.datasetId());
            if (commit(o.overdue(now, o.nextCheckAt(), overdueReason(o, tally, now)), tally, EventType.OVERDUE)) {
                return outcome;
            }
        }
        throw new IllegalStateException("could not report " + id + " overdue after " + CAS_ATTEMPTS + " version races");
    }

    private String overdueReason(Observation o, Tally tally, Instant now) {
        boolean fromPeriodEnd = !o.spec().guards().measuredFrom(o.startedAt()).equals(o.startedAt());
        String head = "overdue: not complete " + Durations.human(o.spec().guards().overdue())
                + (fromPeriodEnd ? " after the period's end" : " after the start") + ", still waiting";
        if (o.activatedAt() == null) {
            return head + "; nothing has arrived";
        }
        Expectations declared = o.spec().policy().needsExpectations() && expectations != null
                ? expectations.of(o.datasetId()) : Expectations.NONE;
        Optional<String> missing = o.spec().policy().shortfall(
                new Check(tally, o.progress(), o.startedAt(), o.activatedAt(), now, declared));
        return missing.map(m -> head + "; missing " + m + rollCall(o.datasetId(), declared))
                .orElse(head + "; " + tally.objects() + " objects, " + tally.bytes() + " bytes so far");
    }

    /** {@code "; roll call: ..."} naming who is short, or empty when nobody can be named. */
    private String rollCall(String datasetId, Expectations declared) {
        String names = RollCall.of(datasetId, declared, tallies);
        return names.isEmpty() ? "" : "; roll call: " + names;
    }

    /** Whether the run still owes its OVERDUE report at a moment after {@code now}. */
    private static boolean overduePending(Observation o, Instant now) {
        return o.overdueReportedAt() == null
                && o.spec().guards().overdueAt(o.startedAt()).filter(now::isBefore).isPresent();
    }

    /** {@code until}, or the soft deadline if that comes first and is still to be reported. */
    private static Instant dueBy(Observation o, Instant until) {
        if (o.overdueReportedAt() != null) {
            return until;
        }
        Optional<Instant> at = o.spec().guards().overdueAt(o.startedAt());
        if (at.isEmpty() || (until != null && !at.get().isBefore(until))) {
            return until;
        }
        return at.get();
    }

    /** Runs every check due now; returns how many ran. */
    public int runDue() {
        int ran = 0;
        List<Observation> batch;
        boolean progressed;
        do {
            batch = store.due(clock.instant(), 100);
            progressed = false;
            for (int i = 0; i < batch.size(); i++) {
                Outcome outcome = check(batch.get(i).id());
                if (outcome != Outcome.NOT_DUE && outcome != Outcome.FINISHED && outcome != Outcome.NOT_FOUND) {
                    progressed = true;
                    ran++;
                }
            }
            // an eventually consistent due-time index can list checks that already ran; stop rather than spin
        } while (batch.size() == 100 && progressed);
        return ran;
    }

    /**
     * Cancels an open observation.
     *
     * @return {@code false} if it was already in a final state
     * @throws ObservationNotFoundException if there is no such observation
     */
    public boolean cancel(String id, String reason) {
        for (int i = 0; i < CAS_ATTEMPTS; i++) {
            Observation o = store.find(id).orElseThrow(() -> new ObservationNotFoundException(id));
            if (!o.state().open()) {
                return false;
            }
            Tally tally = tallies.tally(o.datasetId());
            if (transition(o.finish(ObservationState.CANCELLED, o.progress(), clock.instant(), reason), tally)) {
                return true;
            }
        }
        throw new IllegalStateException("could not cancel " + id + " after " + CAS_ATTEMPTS + " version races");
    }

    private Outcome checkWaiting(Observation o, Tally tally, Instant now) {
        if (tally.hasArrivals()) {
            return activate(o, tally, now) ? Outcome.ACTIVATED : Outcome.LOST_RACE;
        }
        Optional<Blindness> blind = sight.blindness(o.datasetId());
        if (blind.isPresent() && blindTooLong(blind.get(), now)) {
            return transition(o.finish(ObservationState.BLIND, o.progress(), now, blindReason(blind.get(), now)), tally)
                    ? Outcome.FINISHED_NOW : Outcome.LOST_RACE;
        }
        Optional<Verdict> v = o.spec().guards().whileWaiting(o.startedAt(), now);
        if (v.isPresent() && v.get() instanceof Verdict.TimedOut) {
            Verdict.TimedOut t = (Verdict.TimedOut) v.get();
            return transition(o.finish(ObservationState.TIMED_OUT, o.progress(), now, t.reason()), tally)
                    ? Outcome.FINISHED_NOW : Outcome.LOST_RACE;
        }
        Instant next = v.map(w -> ((Verdict.Wait) w).until()).filter(now::isBefore).orElse(null);
        next = overduePending(o, now) ? dueBy(o, next) : next;
        if (blind.isPresent()) {
            // keep the check that ends a blindness lasting the timeout
            Instant end = blind.get().since().plus(blindTimeout);
            next = next == null || end.isBefore(next) ? end : next;
        }
        return commit(o.checked(o.progress(), next), tally) ? Outcome.WAITING : Outcome.LOST_RACE;
    }

    private Outcome checkActive(Observation o, Tally tally, Instant now) {
        PolicySpec spec = o.spec();
        Progress progress = o.progress().afterCheck(tally, now);
        Optional<Blindness> blind = sight.blindness(o.datasetId());
        if (blind.isPresent()) {
            return checkBlind(o, tally, progress, blind.get(), now);
        }
        Expectations declared = spec.policy().needsExpectations() && expectations != null
                ? expectations.of(o.datasetId()) : Expectations.NONE;
        // the silence clock stood still while the source was blind: the policy sees quiet without that time
        Duration paused = sight.paused(o.datasetId());
        Check check = paused.isZero() ? new Check(tally, progress, o.startedAt(), o.activatedAt(), now, declared)
                : new Check(tally.withQuietPaused(paused), new Progress(progress.checks(), progress.streak(),
                        progress.lastSeenSeq(), progress.gaps().shifted(paused)), o.startedAt(), o.activatedAt(), now,
                        declared);
        Verdict v = spec.guards().apply(spec.policy().decide(check), check, spec.policy());
        if (LOG.isDebugEnabled()) {
            // guarded: six arguments mean an array and four boxed numbers per check even when nothing is logged
            LOG.debug("observation.checked observation={} checks={} streak={} objects={} changeSeq={} verdict={}",
                    o.id(), progress.checks(), progress.streak(), tally.objects(), tally.changeSeq(), v);
        }
        Observation next;
        if (v instanceof Verdict.Wait) {
            next = o.checked(progress, overduePending(o, now) ? dueBy(o, ((Verdict.Wait) v).until())
                    : ((Verdict.Wait) v).until());
        } else if (v instanceof Verdict.Complete) {
            String why = ((Verdict.Complete) v).reason();
            next = spec.guards().lateness() == null ? o.finish(ObservationState.COMPLETE, progress, now, why)
                    : o.completeWatching(progress, now, why, now.plus(spec.guards().lateness()));
        } else if (v instanceof Verdict.TimedOut) {
            next = o.finish(ObservationState.TIMED_OUT, progress, now, ((Verdict.TimedOut) v).reason());
        } else if (v instanceof Verdict.Incomplete) {
            next = o.finish(ObservationState.INCOMPLETE, progress, now, "missing " + ((Verdict.Incomplete) v).missing()
                    + rollCall(o.datasetId(), declared));
        } else {
            throw new IllegalStateException("unhandled verdict " + v);
        }
        if (!commit(next, tally, next.state().open() ? null : EventType.into(next.state()), declared)) {
            return Outcome.LOST_RACE;
        }
        return next.state().open() ? Outcome.CHECKED : Outcome.FINISHED_NOW;
    }

    /**
     * A check while the source is blind: nothing completes, the unchanged streak starts over (a check that
     * cannot see is no evidence of quiet), and after the blind timeout the run ends BLIND. The deadline still
     * ends it TIMED_OUT first if it comes first.
     */
    private Outcome checkBlind(Observation o, Tally tally, Progress seen, Blindness blind, Instant now) {
        Progress progress = new Progress(seen.checks(), 0, seen.lastSeenSeq(), seen.gaps());
        sight.held(o.datasetId());
        Optional<Instant> deadline = o.spec().guards().deadlineAt(o.startedAt());
        if (deadline.isPresent() && !now.isBefore(deadline.get())) {
            return commit(o.finish(ObservationState.TIMED_OUT, progress, now, "deadline passed while the source was blind: "
                    + Durations.humanize(blind.reason())), tally, EventType.TIMED_OUT)
                    ? Outcome.FINISHED_NOW : Outcome.LOST_RACE;
        }
        if (blindTooLong(blind, now)) {
            return commit(o.finish(ObservationState.BLIND, progress, now, blindReason(blind, now)), tally, EventType.BLIND)
                    ? Outcome.FINISHED_NOW : Outcome.LOST_RACE;
        }
        Instant next = blind.since().plus(blindTimeout);
        if (deadline.isPresent() && deadline.get().isBefore(next)) {
            next = deadline.get();
        }
        return commit(o.checked(progress, next), tally) ? Outcome.CHECKED : Outcome.LOST_RACE;
    }

    private boolean blindTooLong(Blindness blind, Instant now) {
        return !now.isBefore(blind.since().plus(blindTimeout));
    }

    private String blindReason(Blindness blind, Instant now) {
        return "source blind for " + Durations.human(Duration.between(blind.since(), now))
                + " (blind timeout " + Durations.human(blindTimeout) + "): " + Durations.humanize(blind.reason());
    }

    /** A check of a completed run within its lateness: one LATE event if the tally moved, sealed at the end. */
    private Outcome checkLate(Observation o, Tally tally, Instant now) {
        Instant sealAt = o.finishedAt().plus(o.spec().guards().lateness());
        Instant next = now.isBefore(sealAt) ? sealAt : null;
        if (tally.changeSeq() != o.progress().lastSeenSeq()) {
            String why = "late data: amendment " + (o.amendments() + 1) + ", tally now " + tally.objects()
                    + " objects, " + tally.bytes() + " bytes";
            return commit(o.amended(tally.changeSeq(), next, why), tally, EventType.LATE)
                    ? Outcome.CHECKED : Outcome.LOST_RACE;
        }
        if (!commit(o.checked(o.progress(), next), tally)) {
            return Outcome.LOST_RACE;
        }
        if (next == null && LOG.isInfoEnabled()) {
            LOG.info("observation.sealed observation={} dataset={} amendments={}", o.id(), o.datasetId(), o.amendments());
        }
        return Outcome.CHECKED;
    }

    private void activateWithRetry(String id, boolean evenWithoutArrivals) {
        for (int i = 0; i < CAS_ATTEMPTS; i++) {
            Observation o = store.find(id).orElseThrow(() -> new ObservationNotFoundException(id));
            if (o.state() != ObservationState.WAITING) {
                return;
            }
            Tally tally = tallies.tally(o.datasetId());
            if ((!tally.hasArrivals() && !evenWithoutArrivals) || activate(o, tally, clock.instant())) {
                return;
            }
        }
        throw new IllegalStateException("could not activate " + id + " after " + CAS_ATTEMPTS + " version races");
    }

    /**
     * Brings a watching observation's next check forward to {@code within} from now, if it is later (a
     * lost race is retried: a check may have pushed it out). Late arrivals wait one recheck interval, so
     * a burst of them makes one LATE event, not one per object.
     */
    private void checkBy(String id, Duration within) {
        moveCheck(id, null, within);
    }

    /** Moves an open (WAITING included) observation's next check to {@code at}, if that is earlier. */
    private void checkAt(String id, Instant at) {
        moveCheck(id, at, null);
    }

    /**
     * Moves a watching observation's next check to {@code at} (or {@code within} from now, WAITING ones left
     * alone: they are checked when data arrives), if that is earlier; lost races are retried.
     */
    private void moveCheck(String id, Instant at, Duration within) {
        for (int i = 0; i < CAS_ATTEMPTS; i++) {
            Observation o = store.find(id).orElseThrow(() -> new ObservationNotFoundException(id));
            Instant by = at != null ? at : clock.instant().plus(within);
            if ((at == null && o.state() == ObservationState.WAITING) || !o.watching()
                    || (o.nextCheckAt() != null && !o.nextCheckAt().isAfter(by))) {
                return;
            }
            if (commit(o.checked(o.progress(), by), tallies.tally(o.datasetId()))) {
                return;
            }
        }
        throw new IllegalStateException("could not move the check of " + id + " forward after "
                + CAS_ATTEMPTS + " version races");
    }

    private boolean activate(Observation o, Tally tally, Instant now) {
        Instant first = o.spec().policy().firstCheckAt(now, tally);
        Optional<Instant> deadline = o.spec().guards().deadlineAt(o.startedAt());
        if (deadline.isPresent() && deadline.get().isBefore(first)) {
            first = deadline.get();
        }
        first = overduePending(o, now) ? dueBy(o, first) : first;
        Instant seen = tally.lastSeen() != null && tally.lastSeen().isBefore(now) ? tally.lastSeen() : now;
        return transition(o.activate(now, first, tally.changeSeq(), seen), tally);
    }

    /** Writes a change within a state: progress and the next check. */
    private boolean commit(Observation next, Tally tally) {
        return commit(next, tally, null);
    }

    /** Writes a state transition together with its event's outbox entries. */
    private boolean transition(Observation next, Tally tally) {
        return commit(next, tally, EventType.into(next.state()));
    }

    private boolean commit(Observation next, Tally tally, EventType type) {
        return commit(next, tally, type, Expectations.NONE);
    }

    /**
     * Writes the change and, when it is a transition, its event's outbox entries, in one step; a
     * completion's event carries its certificate, with the declarations the deciding check read.
     */
    private boolean commit(Observation next, Tally tally, EventType type, Expectations declared) {
        List<OutboxEntry> entries = List.of();
        LifecycleEvent event = null;
        if (type != null) {
            entries = new ArrayList<>(next.notifiers().size());
            Instant at = type == EventType.LATE || type == EventType.OVERDUE ? clock.instant()
                    : next.finishedAt() != null ? next.finishedAt() : next.activatedAt();
            event = new LifecycleEvent(LifecycleEvent.idOf(next.id(), next.transitions()),
                    type, next.id(), next.datasetId(), next.transitions(), at, tally,
                    next.progress().checks(), next.reason(), next.startedAt(), next.activatedAt(),
                    type == EventType.LATE ? next.amendments() : 0,
                    type == EventType.COMPLETED ? Certificate.of(next, tally, declared) : null);
            for (String n : next.notifiers()) {
                entries.add(OutboxEntry.pending(event, n));
            }
        }
        if (!store.compareAndSet(next, entries)) {
            if (LOG.isDebugEnabled()) {
                LOG.debug("observation.race_lost observation={} version={}", next.id(), next.version() - 1);
            }
            return false;
        }
        if (event != null && LOG.isInfoEnabled()) {
            // guarded: the arguments (a lower-cased name, boxed counters, an array) cost on every transition
            LOG.info("observation.{} observation={} dataset={} transition={} checks={} objects={} bytes={} reason=\"{}\"",
                    event.type().name().toLowerCase(java.util.Locale.ROOT), next.id(), next.datasetId(),
                    next.transitions(), next.progress().checks(), tally.objects(), tally.bytes(), next.reason());
        }
        // told before scheduling: the change is written, and a scheduler that fails must not hide it
        if (!listeners.isEmpty()) {
            LifecycleEvent told = event;
            listeners.each(told != null ? l -> l.transitioned(next, told) : l -> l.checked(next, tally));
        }
        if (next.nextCheckAt() != null) {
            scheduler.schedule(next.id(), next.version(), next.nextCheckAt());
        }
        if (!entries.isEmpty()) {
            scheduler.outboxReady();
        }
        return true;
    }
}
