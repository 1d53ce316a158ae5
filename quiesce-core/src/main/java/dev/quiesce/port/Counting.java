package dev.quiesce.port;

import dev.quiesce.Arrival;
import dev.quiesce.KeyDigest;
import dev.quiesce.Tally;
import dev.quiesce.port.TallyStore.Effect;
import java.time.Instant;

/**
 * The counting rules every {@link TallyStore} applies, as pure functions, so all stores agree.
 *
 * <p>A store keeps, per dataset, the set of (key, dedupe token) pairs recorded and the latest
 * version of each key (a tombstone after a removal). For an arrival not yet recorded it asks
 * {@link #apply} what changes, then adds the deltas to its counters with {@link #add}.
 */
public final class Counting {

    private Counting() {
    }

    /**
     * What a new (not yet recorded) arrival changes.
     *
     * @param effect what happened
     * @param objects change in present objects
     * @param bytes change in bytes of present objects
     * @param removals change in removal events
     * @param latest the key's latest version afterwards
     * @param records change in counted records of present objects
     * @param digest what to add (mod 2<sup>64</sup>) to the {@link dev.quiesce.KeyDigest key-set digest}
     */
    public record Change(Effect effect, long objects, long bytes, long removals, Arrival latest, long records,
                         long digest) {
    }

    private static long counted(Arrival a) {
        return a.records() == Arrival.UNCOUNTED ? 0 : a.records();
    }

    /**
     * Applies a new arrival to its key's latest recorded version ({@code null} if the key was never seen).
     */
    public static Change apply(Arrival current, Arrival arrival) {
        return apply(current, KeyDigest.of(current), arrival);
    }

    /**
     * As {@link #apply(Arrival, Arrival)}, for a store that keeps the current version's term of the key-set
     * digest ({@link KeyDigest#of(Arrival)}) rather than its listing version.
     */
    public static Change apply(Arrival current, long currentTerm, Arrival arrival) {
        boolean removal = arrival.kind() == Arrival.Kind.REMOVED;
        if (current != null && Arrival.VERSION_ORDER.compare(arrival, current) < 0) {
            return new Change(Effect.SUPERSEDED, 0, 0, removal ? 1 : 0, current, 0, 0);
        }
        boolean present = current != null && current.kind() == Arrival.Kind.CREATED;
        long digest = KeyDigest.of(arrival) - currentTerm;
        if (removal) {
            return present
                    ? new Change(Effect.REMOVED, -1, -current.size(), 1, arrival, -counted(current), digest)
                    : new Change(Effect.REMOVED, 0, 0, 1, arrival, 0, digest);
        }
        return present
                ? new Change(Effect.OVERWRITTEN, 0, arrival.size() - current.size(), 0, arrival,
                        counted(arrival) - counted(current), digest)
                : new Change(Effect.CREATED, 1, arrival.size(), 0, arrival, counted(arrival), digest);
    }

    /**
     * The tally after a new arrival's change: counters moved, sequence + 1, first/last event time widened,
     * last seen moved on to {@code seenAt} (never back: clocks of processes sharing a store differ).
     */
    public static Tally add(Tally t, Change c, Instant eventTime, Instant seenAt) {
        Instant first = t.firstArrival() == null || eventTime.isBefore(t.firstArrival()) ? eventTime : t.firstArrival();
        Instant last = t.lastArrival() == null || eventTime.isAfter(t.lastArrival()) ? eventTime : t.lastArrival();
        Instant seen = t.lastSeen() == null || seenAt.isAfter(t.lastSeen()) ? seenAt : t.lastSeen();
        return new Tally(t.objects() + c.objects(), t.bytes() + c.bytes(), t.removals() + c.removals(),
                t.changeSeq() + 1, first, last, t.records() + c.records(), seen, t.digest() + c.digest());
    }
}
