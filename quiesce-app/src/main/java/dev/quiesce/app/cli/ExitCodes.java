package dev.quiesce.app.cli;

import dev.quiesce.ObservationState;

/**
 * The exit codes scripts can rely on ({@code quiesce watch DIR && next-job}). They follow
 * {@code sysexits.h} where one fits: 64 usage, 70 software, 75 temporary failure.
 */
public final class ExitCodes {

    /** The dataset finished landing and every notification of the run was delivered. */
    public static final int COMPLETE = 0;
    /** {@code verify}: the location does not hold what the certificate says was complete. */
    public static final int VERIFICATION_FAILED = 1;
    /** A deadline or first-arrival timeout passed first. */
    public static final int TIMED_OUT = 3;
    /** Less landed than producers declared by the deadline. */
    public static final int INCOMPLETE = 4;
    /** The observation was cancelled. */
    public static final int CANCELLED = 5;
    /** The source could not see the location (gone, unreadable, listing failing) for the blind timeout. */
    public static final int BLIND = 6;
    /** An object was removed from the dataset with {@code --deletes fail}. */
    public static final int DELETED = 7;
    /**
     * Bad options, policy, duration, an unreadable directory, a bad state file, no S3 credentials or bucket,
     * a resumed run owing events to a notifier not given, or a certificate that cannot be read.
     */
    public static final int USAGE = 64;
    /** A bug or an unexpected failure (a store that cannot be opened, say). */
    public static final int INTERNAL = 70;
    /**
     * Unreachable: a notification could not be delivered after every retry (the event is in the dead-letter
     * file), or the storage could not be reached at the start. Worth retrying later.
     */
    public static final int DOWNSTREAM_UNREACHABLE = 75;

    /** Stopped by Ctrl-C (SIGINT): the JVM exits 128 + 2. The run stays open in its state file. */
    public static final int INTERRUPTED = 130;

    private ExitCodes() {
    }

    /** The exit code of an observation that ended in {@code state}. */
    public static int of(ObservationState state) {
        switch (state) {
            case COMPLETE: return COMPLETE;
            case TIMED_OUT: return TIMED_OUT;
            case INCOMPLETE: return INCOMPLETE;
            case CANCELLED: return CANCELLED;
            case BLIND: return BLIND;
            case DELETED: return DELETED;
            default: throw new IllegalArgumentException("not a final state: " + state);
        }
    }
}
