package dev.quiesce;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * That a source cannot see all of what it watches, since when and why: its root is gone or unreadable, a
 * listing fails, a subtree cannot be read, or it is behind (a watch overflowed, a rescan is in progress,
 * files found are not yet recorded). While a dataset's source is blind its runs cannot complete and the
 * silence clock does not run.
 *
 * @param reason what the source cannot see, in words, for the progress line, the log and the event
 * @param since when it went blind, on the detector's clock
 */
public record Blindness(String reason, Instant since) {

    /** Reasons that start with this say the source is only behind (a long pass, files still being written). */
    public static final String BEHIND = "behind: ";

    public Blindness {
        requireNonNull(reason, "reason");
        requireNonNull(since, "since");
    }

    /**
     * Whether the source is only behind, which is routine on a big or busy tree, rather than unable to see;
     * both hold the run, but only the latter is worth a warning.
     */
    public boolean behind() {
        return reason.startsWith(BEHIND);
    }
}
