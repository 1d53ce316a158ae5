package dev.quiesce.app.cli;

import java.io.PrintWriter;

/**
 * What {@code watch} does when it is stopped by a signal (Ctrl-C, {@code kill}): end the live line, say how
 * to resume, and remove a temporary state. The JVM then exits with 128 + the signal's number: 130 for
 * Ctrl-C (SIGINT), 143 for SIGTERM, as shells report it.
 */
final class Interruption {

    private final ProgressLine progress;
    private final StateFile state;
    private final PrintWriter err;
    private final Thread hook;
    private volatile boolean armed;

    Interruption(ProgressLine progress, StateFile state, PrintWriter err) {
        this.progress = progress;
        this.state = state;
        this.err = err;
        this.hook = new Thread(this::interrupted, "quiesce-interrupted");
    }

    /** From now until {@link #disarm()} a signal is reported as an interruption. */
    void arm() {
        if (armed) {
            return;
        }
        armed = true;
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** The run ended on its own: exits from here on are its own. */
    void disarm() {
        if (!armed) {
            return;
        }
        armed = false;
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run: it has said what there was to say
        }
    }

    private void interrupted() {
        if (!armed) {
            return;
        }
        progress.interrupted();
        if (state.named()) {
            err.println("quiesce: interrupted; resume with --state " + state.path());
        } else if (state.kept()) {
            err.println("quiesce: interrupted; the state is kept in " + state.path() + ": resume with --state "
                    + state.path());
        } else {
            err.println("quiesce: interrupted; the run's temporary state was removed (give --state FILE to make a"
                    + " run resumable)");
        }
        err.flush();
        state.removeIfTemporary();
    }
}
