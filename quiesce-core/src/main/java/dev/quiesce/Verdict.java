package dev.quiesce;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * What a policy decides at a check. Dispatch with {@code instanceof}; the set is closed.
 */
public sealed interface Verdict {

    /** Not done yet: check again at {@code until}. */
    record Wait(Instant until) implements Verdict {
        public Wait {
            requireNonNull(until, "until");
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
