package dev.quiesce.aws.dynamodb;

import dev.quiesce.aws.testing.Dynalite;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * One dynalite for one test class, started on first use and stopped by the class's {@code @AfterAll}
 * (JUnit) and {@code @AfterContainer} (jqwik) hooks; a later use starts it again. Tests take a fresh
 * table each ({@link #newTableName}), which is far quicker than a fresh process. Thread-safe.
 */
final class SharedDynalite {

    private static final AtomicInteger TABLES = new AtomicInteger();

    private Dynalite dynalite;
    private DynamoDbClient client;

    /** The running dynalite, started if need be. */
    synchronized Dynalite dynalite() {
        if (dynalite == null) {
            dynalite = Dynalite.start();
            client = dynalite.client();
        }
        return dynalite;
    }

    /** A client shared by the class's tests; closed with the dynalite. */
    synchronized DynamoDbClient client() {
        dynalite();
        return client;
    }

    /** A table name not used before in this JVM. */
    static String newTableName(String prefix) {
        return prefix + "-" + TABLES.incrementAndGet();
    }

    synchronized void close() {
        if (dynalite != null) {
            dynalite.close();
            dynalite = null;
            client = null;
        }
    }
}
