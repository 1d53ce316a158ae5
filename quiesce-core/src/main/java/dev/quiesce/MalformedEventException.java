package dev.quiesce;

/**
 * A storage event that cannot be read: not JSON, a required field missing or of the wrong type, or
 * larger than allowed. The message names what is wrong and where; nothing from it was counted.
 */
public class MalformedEventException extends QuiesceException {

    public MalformedEventException(String message) {
        super(message);
    }

    public MalformedEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
