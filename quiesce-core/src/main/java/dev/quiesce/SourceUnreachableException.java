package dev.quiesce;

/**
 * A source could not reach its storage at the start (connection refused, unknown host, timeout): nothing
 * was seen, so nothing can be judged. Worth retrying later, unlike a configuration error; the command
 * exits 75 (temporary failure) with it.
 */
public class SourceUnreachableException extends QuiesceException {

    public SourceUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
