package dev.quiesce;

/** The kinds of lifecycle event an observation emits, one per state transition. */
public enum EventType {
    ACTIVATED("dev.quiesce.observation.activated", ObservationState.ACTIVE),
    COMPLETED("dev.quiesce.observation.completed", ObservationState.COMPLETE),
    /** Data arrived after completion, within the lateness: an amendment of a completed run. */
    LATE("dev.quiesce.observation.late", ObservationState.COMPLETE),
    /**
     * The soft deadline ({@code overdue=}) passed before completion: reported once, with what is missing
     * when known, and the run keeps waiting. Not a state change; the state named here is nominal (a run
     * still WAITING stays so).
     */
    OVERDUE("dev.quiesce.observation.overdue", ObservationState.ACTIVE),
    TIMED_OUT("dev.quiesce.observation.timed_out", ObservationState.TIMED_OUT),
    INCOMPLETE("dev.quiesce.observation.incomplete", ObservationState.INCOMPLETE),
    CANCELLED("dev.quiesce.observation.cancelled", ObservationState.CANCELLED),
    /** The source could not see its location for the blind timeout; the run ends without completing. */
    BLIND("dev.quiesce.observation.blind", ObservationState.BLIND),
    /** An object was removed from the dataset and the spec says {@code deletes=fail}; the reason names the key. */
    DELETED("dev.quiesce.observation.deleted", ObservationState.DELETED);

    /** {@link #values()} copies its array on every call; every transition looks its type up here. */
    private static final EventType[] ALL = values();

    private final String cloudEventType;
    private final ObservationState state;

    EventType(String cloudEventType, ObservationState state) {
        this.cloudEventType = cloudEventType;
        this.state = state;
    }

    /** The CloudEvents {@code type} attribute. */
    public String cloudEventType() {
        return cloudEventType;
    }

    /** The state the transition leads to. */
    public ObservationState state() {
        return state;
    }

    /** Whether the observation ends with this event; downstream notifiers act on these by default. */
    public boolean terminal() {
        return !state.open();
    }

    /**
     * Whether notifiers deliver this event unless they choose otherwise: the final events, and OVERDUE,
     * which exists to tell someone.
     */
    public boolean notifiesByDefault() {
        return terminal() || this == OVERDUE;
    }

    /** The event type that leads into {@code state}. */
    public static EventType into(ObservationState state) {
        for (EventType t : ALL) {
            if (t.state == state) {
                return t;
            }
        }
        throw new IllegalArgumentException("no event leads into " + state);
    }
}
