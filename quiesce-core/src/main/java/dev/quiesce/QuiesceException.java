package dev.quiesce;

/** The root of quiesce's own unchecked exceptions; each subclass names one kind of failure. */
public abstract class QuiesceException extends RuntimeException {

    protected QuiesceException(String message) {
        super(message);
    }

    protected QuiesceException(String message, Throwable cause) {
        super(message, cause);
    }
}
