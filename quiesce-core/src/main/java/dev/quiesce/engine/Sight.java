package dev.quiesce.engine;

import dev.quiesce.Blindness;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the observer knows of its sources' sight, per dataset: whether the source is blind now (since when
 * and why), and how long it was blind since the dataset's latest arrival. The silence clock does not run
 * while blind, so a policy's quiet is measured from the latest arrival plus the blind time after it. Kept
 * in memory: a restarted source is behind until its first pass ends, and says so. Thread-safe.
 *
 * @see Observer#blind
 */
final class Sight {

    /**
     * A dataset's sight.
     *
     * @param blind blind now, with the onset that the blind timeout counts from; {@code null} when seeing
     * @param pauseFrom where the current blind spell starts counting as paused: its onset, or the latest
     *     arrival during it
     * @param paused blind time since the latest arrival, of spells that ended
     * @param held a check found the source blind during the current spell and was put off
     */
    private record State(Blindness blind, Instant pauseFrom, Duration paused, boolean held) {
    }

    private final Map<String, State> states = new ConcurrentHashMap<>();

    /** Marks the dataset blind from {@code now}, or updates the reason if it already is; true on onset. */
    boolean blind(String datasetId, String reason, Instant now) {
        boolean[] onset = {false};
        states.compute(datasetId, (k, s) -> {
            if (s != null && s.blind != null) {
                return s.blind.reason().equals(reason) ? s
                        : new State(new Blindness(reason, s.blind.since()), s.pauseFrom, s.paused, s.held);
            }
            onset[0] = true;
            return new State(new Blindness(reason, now), now, s == null ? Duration.ZERO : s.paused, false);
        });
        return onset[0];
    }

    /**
     * Ends the dataset's blindness, adding the spell to the pause; true if a check was put off during it
     * (so the run should be checked now rather than at the blind timeout).
     */
    boolean seeing(String datasetId, Instant now) {
        boolean[] held = {false};
        states.computeIfPresent(datasetId, (k, s) -> {
            if (s.blind == null) {
                return s;
            }
            held[0] = s.held;
            Duration spell = Duration.between(s.pauseFrom, now);
            return new State(null, null, s.paused.plus(spell.isNegative() ? Duration.ZERO : spell), false);
        });
        return held[0];
    }

    /** A check found the dataset's source blind and was put off. */
    void held(String datasetId) {
        states.computeIfPresent(datasetId, (k, s) -> s.blind == null ? s : new State(s.blind, s.pauseFrom, s.paused, true));
    }

    /**
     * A distinct arrival was recorded at {@code now}: quiet starts again from it, so blind time before it no
     * longer matters (a blind spell still going on pauses quiet from now; its onset, which the blind timeout
     * counts from, stays).
     */
    void arrived(String datasetId, Instant now) {
        states.computeIfPresent(datasetId, (k, s) -> s.blind == null ? null
                : new State(s.blind, now, Duration.ZERO, s.held));
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
