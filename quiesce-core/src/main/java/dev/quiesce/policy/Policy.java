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

    /** The founding note's algorithm with its defaults: window 3, constant 30 s. */
    static StableCount stableCount() {
        return StableCount.ofDefaults();
    }
}
