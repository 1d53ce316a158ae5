package dev.quiesce.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What one simulated run of one policy over one workload came to: for each dataset when its
 * observation completed and when its last object became visible, and the run's cost counters.
 *
 * <p><b>False completion</b>: an observation completed at a time strictly before its dataset's last
 * object first became visible to the monitor (the first delivery of its storage event). From that
 * moment on the tally never changes again, so a completion at or after it read the whole dataset and
 * one before it called the dataset done while data was still to come; a downstream job started on
 * it would read a partial dataset. Arrivals visible at the same instant as a check are counted first,
 * so a completion at exactly that instant is not false. <b>Detection latency</b> is the time from
 * that moment to a (correct) completion. Immutable.
 */
public final class RunResult {

    /** How a dataset's observation ended. */
    public enum Ending {
        /** COMPLETED. */
        COMPLETED,
        /** Another final state (timed out, incomplete) by a guard of the policy. */
        ENDED_OTHERWISE,
        /** Still open when the run's horizon passed, or never saw an arrival. */
        UNFINISHED
    }

    private final String scenario;
    private final String policy;
    private final int run;
    private final long[] completedAt;
    private final Ending[] endings;
    private final long[] lastVisible;
    private final long[] checks;
    private final long[] quietGap;
    final long arrivals;
    final long tallyReads;
    final long tallyWrites;
    final long observationReads;
    final long observationWrites;
    final long polls;
    final long schedulerMessages;
    final long wakeUps;
    final long notifications;

    RunResult(String scenario, String policy, int run, long[] completedAt, Ending[] endings, long[] lastVisible,
              long[] checks, long[] quietGap, long arrivals, long tallyReads, long tallyWrites, long observationReads,
              long observationWrites, long polls, long schedulerMessages, long wakeUps, long notifications) {
        this.scenario = scenario;
        this.policy = policy;
        this.run = run;
        this.completedAt = completedAt;
        this.endings = endings;
        this.lastVisible = lastVisible;
        this.checks = checks;
        this.quietGap = quietGap;
        this.arrivals = arrivals;
        this.tallyReads = tallyReads;
        this.tallyWrites = tallyWrites;
        this.observationReads = observationReads;
        this.observationWrites = observationWrites;
        this.polls = polls;
        this.schedulerMessages = schedulerMessages;
        this.wakeUps = wakeUps;
        this.notifications = notifications;
    }

    /** The workload's name. */
    public String scenario() {
        return scenario;
    }

    /** The policy spec text as given. */
    public String policy() {
        return policy;
    }

    /** The run's index (its seed is derived from the simulator's seed and this). */
    public int run() {
        return run;
    }

    /** Datasets in the run. */
    public int datasets() {
        return endings.length;
    }

    /** How dataset {@code d}'s observation ended. */
    public Ending ending(int d) {
        return endings[d];
    }

    /** When dataset {@code d}'s observation completed, if it did. */
    public Optional<Instant> completedAt(int d) {
        return endings[d] == Ending.COMPLETED ? Optional.of(Simulator.ORIGIN.plusMillis(completedAt[d]))
                : Optional.empty();
    }

    /** When dataset {@code d}'s last object first became visible to the monitor; {@code null} if none landed. */
    public Instant lastVisibleAt(int d) {
        return lastVisible[d] < 0 ? null : Simulator.ORIGIN.plusMillis(lastVisible[d]);
    }

    /** Whether dataset {@code d} completed before its last object became visible (see the class comment). */
    public boolean falseCompletion(int d) {
        return endings[d] == Ending.COMPLETED && completedAt[d] < lastVisible[d];
    }

    /** Time from the last object becoming visible to a correct completion; empty if none or false. */
    public Optional<Duration> latency(int d) {
        return endings[d] == Ending.COMPLETED && !falseCompletion(d)
                ? Optional.of(Duration.ofMillis(completedAt[d] - lastVisible[d])) : Optional.empty();
    }

    /** Checks dataset {@code d}'s observation made. */
    public long checks(int d) {
        return checks[d];
    }

    /**
     * Dataset {@code d}'s longest quiet gap before its last object, in ms: a heuristic waiting for less
     * silence than this could be fooled in this run.
     */
    public long longestQuietGapMillis(int d) {
        return quietGap[d];
    }

    /** Storage-event deliveries the monitor accepted (duplicates included). */
    public long arrivals() {
        return arrivals;
    }

    /** Store reads: tally reads plus observation-store lookups (polls for the next due time excluded). */
    public long storeReads() {
        return tallyReads + observationReads;
    }

    /** Store writes: arrivals recorded plus observation and outbox writes. */
    public long storeWrites() {
        return tallyWrites + observationWrites;
    }

    /** Check messages the observer asked its scheduler for (an SQS message each, in a Lambda deployment). */
    public long schedulerMessages() {
        return schedulerMessages;
    }

    /** Times the engine was woken to run due work (in-process scheduler wake-ups). */
    public long wakeUps() {
        return wakeUps;
    }

    /** Final-state notifications delivered; one per finished observation, never more. */
    public long notifications() {
        return notifications;
    }

    long completedMillis(int d) {
        return completedAt[d];
    }

    long lastVisibleMillis(int d) {
        return lastVisible[d];
    }
}
