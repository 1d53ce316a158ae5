package dev.quiesce.aws.lambda.logging;

import com.amazonaws.services.lambda.runtime.LambdaRuntime;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.LoggingEventAware;
import org.slf4j.spi.MDCAdapter;

/**
 * An SLF4J logger writing {@link JsonLogFormat} lines through the Lambda runtime's logger
 * ({@link LambdaRuntime#getLogger()}), the way {@code aws-lambda-java-log4j2}'s appender does: in Lambda
 * each line is one log event with its level (so the function's application log level filters it), and
 * elsewhere the runtime library prints it to standard output. Thread-safe.
 */
final class JsonLogger extends LegacyAbstractLogger implements LoggingEventAware {

    private static final long serialVersionUID = 1L;

    private final transient Level threshold;
    private final transient MDCAdapter mdc;
    private final transient Clock clock;

    JsonLogger(String name, Level threshold, MDCAdapter mdc, Clock clock) {
        this.name = name;
        this.threshold = threshold;
        this.mdc = mdc;
        this.clock = clock;
    }

    private boolean enabled(Level level) {
        return level.toInt() >= threshold.toInt();
    }

    @Override
    public boolean isTraceEnabled() {
        return enabled(Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return enabled(Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return enabled(Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return enabled(Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return enabled(Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                               Throwable throwable) {
        emit(level, MessageFormatter.basicArrayFormat(pattern, arguments), Map.of(), throwable);
    }

    /** The fluent API's events: their key-value pairs become fields. */
    @Override
    public void log(LoggingEvent event) {
        if (!enabled(event.getLevel())) {
            return;
        }
        Map<String, Object> pairs = new LinkedHashMap<>();
        List<KeyValuePair> kv = event.getKeyValuePairs();
        if (kv != null) {
            for (KeyValuePair p : kv) {
                pairs.put(p.key, p.value);
            }
        }
        emit(event.getLevel(), MessageFormatter.basicArrayFormat(event.getMessage(), event.getArgumentArray()), pairs,
                event.getThrowable());
    }

    private void emit(Level level, String message, Map<String, Object> pairs, Throwable throwable) {
        Map<String, String> context = mdc.getCopyOfContextMap();
        byte[] line = JsonLogFormat.format(clock.instant(), level, name, message,
                context == null ? Map.of() : context, pairs, throwable);
        LambdaRuntime.getLogger().log(line, lambdaLevel(level));
    }

    private static LogLevel lambdaLevel(Level level) {
        switch (level) {
            case TRACE:
                return LogLevel.TRACE;
            case DEBUG:
                return LogLevel.DEBUG;
            case INFO:
                return LogLevel.INFO;
            case WARN:
                return LogLevel.WARN;
            default:
                return LogLevel.ERROR;
        }
    }
}
