package dev.quiesce.engine;

import dev.quiesce.Blindness;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the observer knows of its sources' sight, per dataset: whether the source is blind now, and how
 * long it was blind since the dataset's latest arrival. The silence clock does not run while blind, so a
 * policy's quiet is measured from the latest arrival plus the blind time after it. Kept in memory: a
 * restarted source is behind until its first pass ends, and says so. Thread-safe.
 */
final class Sight {

    /** A dataset's sight: blind now (or not) and the blind time accumulated since its latest arrival. */
    private record State(Blindness blind, Duration paused) {
    }

    private static final State CLEAR = new State(null, Duration.ZERO);

    private final Map<String, State> states = new ConcurrentHashMap<>();

    /** Marks the dataset blind from {@code now}, or updates the reason if it already is; true on onset. */
    boolean blind(String datasetId, String reason, Instant now) {
        boolean[] onset = {false};
        states.compute(datasetId, (k, s) -> {
            State current = s == null ? CLEAR : s;
            if (current.blind != null) {
                return current.blind.reason().equals(reason) ? current
                        : new State(new Blindness(reason, current.blind.since()), current.paused);
            }
            onset[0] = true;
            return new State(new Blindness(reason, now), current.paused);
        });
        return onset[0];
    }

    /** Ends the dataset's blindness, adding its length to the pause; true if it was blind. */
    boolean seeing(String datasetId, Instant now) {
        boolean[] was = {false};
        states.computeIfPresent(datasetId, (k, s) -> {
            if (s.blind == null) {
                return s;
            }
            was[0] = true;
            Duration length = Duration.between(s.blind.since(), now);
            return new State(null, s.paused.plus(length.isNegative() ? Duration.ZERO : length));
        });
        return was[0];
    }

    /**
     * A distinct arrival was recorded at {@code now}: quiet starts again from it, so blind time before it no
     * longer matters (a blind spell still going on counts from now).
     */
    void arrived(String datasetId, Instant now) {
        states.computeIfPresent(datasetId, (k, s) -> s.blind == null ? null
                : new State(new Blindness(s.blind.reason(), now), Duration.ZERO));
    }

    /** The dataset's blindness now, if its source is blind. */
    Optional<Blindness> blindness(String datasetId) {
        State s = states.get(datasetId);
        return s == null ? Optional.empty() : Optional.ofNullable(s.blind);
    }

    /** Blind time since the latest arrival that the silence clock must not count. */
    Duration paused(String datasetId) {
        State s = states.get(datasetId);
        return s == null ? Duration.ZERO : s.paused;
    }
}
