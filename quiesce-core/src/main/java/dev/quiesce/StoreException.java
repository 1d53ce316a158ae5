package dev.quiesce;

/** A store failed for a reason of its own (I/O, SQL, a corrupt or newer schema); the cause is kept. */
public class StoreException extends QuiesceException {

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
