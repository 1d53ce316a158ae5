package dev.quiesce.policy;

import static java.util.Objects.requireNonNull;

/**
 * How far a policy has come toward completing, at one check: a current value against the target it
 * completes at (quiet 40 s of 90 s, phi 3.2 of 8, streak 2 of 3, 10 of 12 objects). It describes, it
 * does not decide: a reached goal may still wait on another goal or a guard. Immutable.
 *
 * <p>The {@link Unit} says how to read the numbers and where the label goes: a measure leads with its
 * label ({@code streak 2 of 3}); counted things follow the numbers with their noun and then the label
 * ({@code 2 of 3 producers closed}).
 *
 * @param label what is measured ({@code quiet}, {@code phi}, {@code streak}), or what happened to the
 *     counted things ({@code closed}); may be empty for counted things
 * @param current where it stands now (milliseconds for {@link Unit#MILLIS})
 * @param target where the policy completes (milliseconds for {@link Unit#MILLIS})
 * @param unit how the numbers read
 */
public record Goal(String label, double current, double target, Unit unit) {

    /** How a goal's numbers read. */
    public enum Unit {
        /** Consecutive checks or learned samples, whole numbers: {@code streak 2 of 3}. */
        STEPS,
        /** An elapsed time in milliseconds: {@code quiet 40s of 1m 30s}. */
        MILLIS,
        /** A dimensionless score, one decimal: {@code phi 3.2 of 8}. */
        SCORE,
        /** Objects counted: {@code 10 of 12 objects}. */
        OBJECTS,
        /** Bytes counted: {@code 1.5 KiB of 3.0 KiB}. */
        BYTES,
        /** Records counted: {@code 10 of 12 records}. */
        RECORDS,
        /** Producers counted: {@code 2 of 3 producers closed}. */
        PRODUCERS;

        /** Whether the label leads ({@code streak 2 of 3}) rather than follows the counted noun. */
        public boolean labelLeads() {
            return this == STEPS || this == MILLIS || this == SCORE;
        }
    }

    public Goal {
        requireNonNull(label, "label");
        requireNonNull(unit, "unit");
        if (Double.isNaN(current) || Double.isNaN(target)) {
            throw new IllegalArgumentException("goal values must be numbers");
        }
    }

    /** How much of the target is reached, from 0 to 1 (1 when the target is 0 or less). */
    public double fraction() {
        if (target <= 0) {
            return 1;
        }
        return Math.max(0, Math.min(1, current / target));
    }

    /** Whether the current value has reached the target. */
    public boolean reached() {
        return current >= target;
    }
}
