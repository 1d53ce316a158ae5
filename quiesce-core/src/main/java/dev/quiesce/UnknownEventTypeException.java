package dev.quiesce;

/**
 * A well-formed storage event of a kind quiesce does not count (neither an object creation, a removal,
 * nor a known test event). Nothing from it was counted.
 */
public class UnknownEventTypeException extends QuiesceException {

    private final String eventType;

    public UnknownEventTypeException(String eventType, String message) {
        super(message);
        this.eventType = eventType;
    }

    /** The event type as the payload named it. */
    public String eventType() {
        return eventType;
    }
}
