package dev.quiesce;

import static java.util.Objects.requireNonNull;

import dev.quiesce.policy.PolicySpec;
import java.time.Instant;
import java.util.List;

/**
 * One watch over one dataset run: its policy, its state, its progress.
 *
 * <p>Every change makes a new instance with {@code version + 1}; stores write it only if the stored
 * version is still the one it was derived from, so of two racing checks exactly one wins. The
 * {@code transitions} counter numbers the state changes and so the lifecycle events. Instances are
 * immutable.
 *
 * @param id unique observation id
 * @param datasetId the dataset whose tally it reads
 * @param spec policy and guards
 * @param state where it stands
 * @param version optimistic-lock version, 1 when created
 * @param startedAt when it was created
 * @param activatedAt when the first arrival was seen, or {@code null} while WAITING
 * @param finishedAt when it reached a final state, or {@code null}
 * @param nextCheckAt when the next check is due, or {@code null} when none is (finished, or waiting
 *     without guards)
 * @param progress checks and unchanged streak
 * @param transitions state changes so far
 * @param reason why it reached its current state, in words; empty while open
 * @param notifiers names of the notifiers its lifecycle events go to, fixed at the start so that any
 *     engine sharing the store writes the same outbox entries for a transition
 * @param amendments LATE events after completion so far
 * @param overdueReportedAt when the OVERDUE report was made, or {@code null}: it is made once, and this
 *     is how a restarted process knows it was
 */
public record Observation(
        String id,
        String datasetId,
        PolicySpec spec,
        ObservationState state,
        long version,
        Instant startedAt,
        Instant activatedAt,
        Instant finishedAt,
        Instant nextCheckAt,
        Progress progress,
        int transitions,
        String reason,
        List<String> notifiers,
        int amendments,
        Instant overdueReportedAt) {

    /** An observation that has made no OVERDUE report. */
    public Observation(String id, String datasetId, PolicySpec spec, ObservationState state, long version,
                       Instant startedAt, Instant activatedAt, Instant finishedAt, Instant nextCheckAt,
                       Progress progress, int transitions, String reason, List<String> notifiers, int amendments) {
        this(id, datasetId, spec, state, version, startedAt, activatedAt, finishedAt, nextCheckAt, progress,
                transitions, reason, notifiers, amendments, null);
    }

    public Observation {
        requireNonNull(id, "id");
        requireNonNull(datasetId, "datasetId");
        requireNonNull(spec, "spec");
        requireNonNull(state, "state");
        requireNonNull(startedAt, "startedAt");
        requireNonNull(progress, "progress");
        requireNonNull(reason, "reason");
        if (id.isBlank()) {
            throw new IllegalArgumentException("observation id must not be blank");
        }
        if (version < 1) {
            throw new IllegalArgumentException("version must be >= 1, was " + version);
        }
        notifiers = List.copyOf(notifiers);
        if (amendments < 0) {
            throw new IllegalArgumentException("amendments must be >= 0, was " + amendments);
        }
        for (String n : notifiers) {
            if (n.isBlank() || n.contains(",")) {
                throw new IllegalArgumentException("notifier names must be non-blank without commas, was '" + n + "'");
            }
        }
    }

    /** A new WAITING observation; its only scheduled check is the earliest guard time, if any. */
    public static Observation start(String id, String datasetId, PolicySpec spec, List<String> notifiers,
                                    Instant now) {
        Instant first = spec.guards().waitingCheckAt(now).orElse(null);
        Instant overdue = spec.guards().overdueAt(now).orElse(null);
        if (overdue != null && (first == null || overdue.isBefore(first))) {
            first = overdue;
        }
        return new Observation(id, datasetId, spec, ObservationState.WAITING, 1, now, null, null,
                first, Progress.NONE, 0, "", notifiers, 0, null);
    }

    /** A new WAITING observation that notifies nobody. */
    public static Observation start(String id, String datasetId, PolicySpec spec, Instant now) {
        return start(id, datasetId, spec, List.of(), now);
    }

    /** WAITING to ACTIVE at {@code now}, having seen change sequence {@code seenSeq}. */
    public Observation activate(Instant now, Instant firstCheckAt, long seenSeq) {
        return activate(now, firstCheckAt, seenSeq, null);
    }

    /** As {@link #activate(Instant, Instant, long)}, gaps measured from the tally's last arrival then. */
    public Observation activate(Instant now, Instant firstCheckAt, long seenSeq, Instant lastArrival) {
        return new Observation(id, datasetId, spec, ObservationState.ACTIVE, version + 1, startedAt, now, null,
                firstCheckAt, new Progress(0, 0, seenSeq, GapStats.from(lastArrival)), transitions + 1,
                "first arrival", notifiers, amendments, overdueReportedAt);
    }

    /** Same state, new progress and next check. */
    public Observation checked(Progress next, Instant nextCheck) {
        return new Observation(id, datasetId, spec, state, version + 1, startedAt, activatedAt, finishedAt,
                nextCheck, next, transitions, reason, notifiers, amendments, overdueReportedAt);
    }

    /** To a final state. */
    public Observation finish(ObservationState to, Progress last, Instant now, String why) {
        if (to.open()) {
            throw new IllegalArgumentException("not a final state: " + to);
        }
        return new Observation(id, datasetId, spec, to, version + 1, startedAt, activatedAt, now,
                null, last, transitions + 1, why, notifiers, amendments, overdueReportedAt);
    }

    /** To COMPLETE, still watching for late data until {@code sealAt}. */
    public Observation completeWatching(Progress last, Instant now, String why, Instant sealAt) {
        return new Observation(id, datasetId, spec, ObservationState.COMPLETE, version + 1, startedAt, activatedAt, now,
                sealAt, last, transitions + 1, why, notifiers, amendments, overdueReportedAt);
    }

    /** A late amendment of a completed run: one more transition and amendment, the tally seen moves on. */
    public Observation amended(long seenSeq, Instant nextCheck, String why) {
        return new Observation(id, datasetId, spec, state, version + 1, startedAt, activatedAt, finishedAt,
                nextCheck, new Progress(progress.checks(), progress.streak(), seenSeq, progress.gaps()), transitions + 1, why,
                notifiers, amendments + 1, overdueReportedAt);
    }

    /** The one OVERDUE report of an open run: a transition (its event gets its own id), same state. */
    public Observation overdue(Instant now, Instant nextCheck, String why) {
        if (!state.open()) {
            throw new IllegalStateException("only an open observation can be overdue, was " + state);
        }
        return new Observation(id, datasetId, spec, state, version + 1, startedAt, activatedAt, finishedAt,
                nextCheck, progress, transitions + 1, why, notifiers, amendments, now);
    }

    /**
     * Whether it still watches its dataset: WAITING or ACTIVE, or COMPLETE within its lateness (a check
     * is still scheduled). Arrivals for a dataset go to the observations watching it.
     */
    public boolean watching() {
        return state.open() || nextCheckAt != null;
    }
}
