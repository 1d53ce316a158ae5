package dev.quiesce.policy;

import dev.quiesce.Tally;
import dev.quiesce.Verdict;
import java.time.Duration;
import java.time.Instant;

/**
 * Decides when an active observation's dataset has finished landing.
 *
 * <p>A policy is a pure function of the check and the time it is given: no clock of its own, no
 * state. Implementations are immutable and thread-safe. Combine any policy with {@link Guards}.
 */
public interface Policy {

    /** When the first check is due, given the activation time and the tally that activated it. */
    Instant firstCheckAt(Instant activatedAt, Tally tally);

    /** The verdict at one check: {@link dev.quiesce.Verdict.Wait} with the next check time, or a final verdict. */
    Verdict decide(Check check);

    /** How long to wait before asking again when a guard holds back a completion the policy allowed. */
    Duration recheckInterval();

    /** A canonical text form that {@link PolicySpec#parse} reads back into an equal policy. */
    String spec();

    /** Whether checks need the producers' declarations (read from the expectation store). */
    default boolean needsExpectations() {
        return false;
    }

    /**
     * Whether every new arrival or declaration should trigger a check at once, rather than waiting for
     * the next scheduled one: for exact policies, whose latency is then only event delivery.
     */
    default boolean checksOnArrival() {
        return false;
    }

    /**
     * What is missing, when the deadline passes before completion: the deadline then ends the
     * observation as INCOMPLETE with this text rather than TIMED_OUT. Empty for heuristic policies,
     * which cannot know what is missing.
     */
    default java.util.Optional<String> shortfall(Check check) {
        return java.util.Optional.empty();
    }

    /**
     * The least silence after the last change on which this policy can complete, for checking it against
     * the stream's buffer interval; empty when the policy has no fixed window (exact policies).
     */
    default java.util.Optional<QuietWindow> quietWindow() {
        return java.util.Optional.empty();
    }

    /**
     * How far this policy has come toward completing at this check, most telling goal first, for people
     * watching (the progress line, verbose output): computed as {@link #decide} computes it, never a
     * second opinion. Empty when there is nothing to measure yet. Guards are not included.
     */
    default java.util.List<Goal> progress(Check check) {
        return java.util.List.of();
    }

    /** The founding note's algorithm with its defaults: window 3, constant 30 s. */
    static StableCount stableCount() {
        return StableCount.ofDefaults();
    }
}
