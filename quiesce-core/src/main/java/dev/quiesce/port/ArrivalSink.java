package dev.quiesce.port;

import dev.quiesce.Arrival;

/**
 * Where an {@link ArrivalSource} reports: each arrival, and whether it can currently see all of its
 * location. A source that cannot see (root gone, listing failing, subtree unreadable) or is behind
 * (events overflowed, a pass in progress) says {@link #blind}; once it sees everything again and has
 * reported all it saw, it says {@link #seeing}. A plain lambda is a sink that ignores sight.
 */
@FunctionalInterface
public interface ArrivalSink {

    /** One arrival; may be called again for the same arrival (stores deduplicate). */
    void accept(Arrival arrival);

    /**
     * Several arrivals at once, in order, as {@link #accept} one after the other would take them; a source
     * that finds many files in one pass hands them here so the store can record them together. The default
     * loops over {@link #accept}. When it throws, any of them may or may not have been taken: the source
     * reports them all again (stores deduplicate).
     */
    default void acceptAll(java.util.List<Arrival> arrivals) {
        for (Arrival a : arrivals) {
            accept(a);
        }
    }

    /** The source cannot see all of its location now; repeated calls update the reason. */
    default void blind(String reason) {
    }

    /** The source sees all of its location again and has reported everything it saw. */
    default void seeing() {
    }
}
