package dev.quiesce.aws.lambda.logging;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J provider of the Lambda deployment: every log line is one JSON object (see {@link JsonLogFormat})
 * written through the Lambda runtime's logger, so with the functions' {@code LogFormat: JSON} CloudWatch
 * gets structured lines whose {@code key=value} pairs are fields to query, each carrying the request id.
 *
 * <p>The level is the first of: the system property {@value #LEVEL_PROPERTY}; the environment variable
 * {@code AWS_LAMBDA_LOG_LEVEL} (the function's application log level, which Lambda sets with the JSON log
 * format); the {@code level} in a {@value #LEVEL_RESOURCE} file on the class path (the tests' quieter
 * setting); {@code INFO}. {@code FATAL} counts as {@code ERROR}. One level for every logger.
 *
 * <p>Why not log4j2 with {@code aws-lambda-java-log4j2}: it adds about 2.6 MB to a deployment jar of 14 MB
 * (log4j-core alone is 2 MB) and log4j2's start-up to every cold start, its plugin caches need merging in
 * the shaded jar, and turning the {@code key=value} messages into fields would still take a plugin of our
 * own. This provider is a few small classes over Jackson, which the jar already has.
 */
public final class JsonLogServiceProvider implements SLF4JServiceProvider {

    /** The system property that sets the level, e.g. {@code -Dquiesce.log.level=debug}. */
    public static final String LEVEL_PROPERTY = "quiesce.log.level";
    /** The class path resource that may set the level ({@code level=warn}). */
    public static final String LEVEL_RESOURCE = "quiesce-logging.properties";

    private ILoggerFactory loggerFactory;
    private IMarkerFactory markerFactory;
    private MDCAdapter mdcAdapter;

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggerFactory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markerFactory;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdcAdapter;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        markerFactory = new BasicMarkerFactory();
        mdcAdapter = new BasicMDCAdapter();
        Level threshold = threshold(System.getProperty(LEVEL_PROPERTY), System.getenv("AWS_LAMBDA_LOG_LEVEL"),
                resourceLevel());
        MDCAdapter mdc = mdcAdapter;
        Clock clock = Clock.systemUTC();
        Map<String, Logger> loggers = new ConcurrentHashMap<>();
        loggerFactory = name -> loggers.computeIfAbsent(name, n -> new JsonLogger(n, threshold, mdc, clock));
    }

    /** The first of the given level names that is set, read case-insensitively; INFO if none is. */
    static Level threshold(String... candidates) {
        for (String c : candidates) {
            if (c == null || c.isBlank()) {
                continue;
            }
            String v = c.trim().toUpperCase(Locale.ROOT);
            if (v.equals("FATAL")) {
                return Level.ERROR;
            }
            for (Level l : Level.values()) {
                if (l.name().equals(v)) {
                    return l;
                }
            }
        }
        return Level.INFO;
    }

    private static String resourceLevel() {
        try (InputStream in = JsonLogServiceProvider.class.getClassLoader().getResourceAsStream(LEVEL_RESOURCE)) {
            if (in == null) {
                return null;
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("level");
        } catch (IOException e) {
            return null;
        }
    }
}
