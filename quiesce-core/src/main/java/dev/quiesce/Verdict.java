package dev.quiesce;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * What a policy decides at a check. Dispatch with {@code instanceof}; the set is closed.
 */
public sealed interface Verdict {

    /**
     * Not done yet: check again at {@code until}.
     *
     * @param until when to check again
     * @param reason why the wait is longer than the policy's own, for people reading logs (a guard holding
     *     back a completion); empty when the policy itself decided to wait
     */
    record Wait(Instant until, String reason) implements Verdict {
        public Wait {
            requireNonNull(until, "until");
            requireNonNull(reason, "reason");
        }

        /** A wait the policy decided, with no reason beyond its own. */
        public Wait(Instant until) {
            this(until, "");
        }
    }

    /** The dataset has finished landing. */
    record Complete(String reason) implements Verdict {
        public Complete {
            requireNonNull(reason, "reason");
        }
    }

    /** A deadline passed before completion. */
    record TimedOut(Instant deadline, String reason) implements Verdict {
        public TimedOut {
            requireNonNull(deadline, "deadline");
            requireNonNull(reason, "reason");
        }
    }

    /** The deadline passed with less landed than producers declared. */
    record Incomplete(String missing) implements Verdict {
        public Incomplete {
            requireNonNull(missing, "missing");
        }
    }
}
