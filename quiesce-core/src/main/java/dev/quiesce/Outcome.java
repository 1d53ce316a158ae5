package dev.quiesce;

import dev.quiesce.port.OutboxEntry;
import java.util.List;
import java.util.Objects;

/**
 * How a watched run ended: its final state, what was counted, and which of its notifications could not be
 * delivered. {@link #complete()} is the one answer a next job should start on.
 *
 * @param run the run as it ended
 * @param tally what its dataset held when it ended
 * @param undelivered its events that went to the dead letters instead of their notifier
 */
public record Outcome(Observation run, Tally tally, List<OutboxEntry> undelivered) {

    public Outcome {
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(tally, "tally");
        undelivered = List.copyOf(undelivered);
        if (run.state().open()) {
            throw new IllegalArgumentException("run " + run.id() + " has not ended: " + run.state());
        }
    }

    public ObservationState state() {
        return run.state();
    }

    /** Whether every notification of the run reached its notifier. */
    public boolean delivered() {
        return undelivered.isEmpty();
    }

    /** The run completed and everyone who was to be told was told. */
    public boolean complete() {
        return run.state() == ObservationState.COMPLETE && delivered();
    }
}
