package dev.quiesce;

/** A policy, option or setting that cannot work; the message says what is wrong and how to fix it. */
public class InvalidConfigurationException extends QuiesceException {

    public InvalidConfigurationException(String message) {
        super(message);
    }

    public InvalidConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
