package dev.quiesce;

import java.util.List;

/**
 * A run is resumed without a notifier it owes events to: its pending deliveries (or the events it will
 * emit) would wait forever. Carries the notifiers' names so a command can name the option to add.
 */
public final class MissingNotifierException extends InvalidConfigurationException {

    private final String runId;
    private final List<String> notifiers;

    public MissingNotifierException(String runId, List<String> notifiers) {
        super("run " + runId + " owes events to notifier(s) " + String.join(", ", notifiers)
                + ", which this process does not have: configure them again to deliver");
        this.runId = runId;
        this.notifiers = List.copyOf(notifiers);
    }

    public String runId() {
        return runId;
    }

    /** The names of the notifiers missing, as {@link dev.quiesce.port.Notifier#name()} gives them. */
    public List<String> notifiers() {
        return notifiers;
    }
}
