package dev.quiesce;

/** A notifier could not deliver an event; the outbox retries it and dead-letters it after the last attempt. */
public class DeliveryFailedException extends QuiesceException {

    public DeliveryFailedException(String message) {
        super(message);
    }

    public DeliveryFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
