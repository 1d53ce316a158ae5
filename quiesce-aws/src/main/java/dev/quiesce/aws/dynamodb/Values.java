package dev.quiesce.aws.dynamodb;

import dev.quiesce.StoreException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.core.retry.backoff.FixedDelayBackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;

/** Attribute encodings and error translation shared by the DynamoDB stores. */
final class Values {

    private static final BigInteger BILLION = BigInteger.valueOf(1_000_000_000L);

    private Values() {
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    /**
     * An instant as a number of seconds since the epoch with up to nine decimals: exact to the nanosecond,
     * ordered correctly by DynamoDB (conditions and index sort keys compare numbers numerically).
     */
    static AttributeValue instant(Instant t) {
        BigDecimal seconds = BigDecimal.valueOf(t.getEpochSecond()).add(BigDecimal.valueOf(t.getNano(), 9));
        return AttributeValue.fromN(seconds.stripTrailingZeros().toPlainString());
    }

    static Instant instantOf(AttributeValue v) {
        if (v == null || v.n() == null) {
            return null;
        }
        BigInteger nanos = new BigDecimal(v.n()).movePointRight(9).toBigIntegerExact();
        BigInteger[] qr = nanos.divideAndRemainder(BILLION);
        return Instant.ofEpochSecond(qr[0].longValueExact(), qr[1].longValue());
    }

    static long longOf(AttributeValue v) {
        return v == null || v.n() == null ? 0 : Long.parseLong(v.n());
    }

    static String stringOf(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    /** The first {@code bytes} bytes of the SHA-256 of {@code text}, base64url without padding. */
    static String digest(String text, int bytes) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(hash, bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Translates an SDK failure into the store's exception, keeping the cause. */
    static StoreException failure(String operation, String table, SdkException e) {
        return new StoreException("DynamoDB " + operation + " failed on table '" + table + "': " + e.getMessage(), e);
    }

    /** Creates a table unless it exists, and waits until it is ACTIVE. */
    static boolean createAndWait(DynamoDbClient client, String table, CreateTableRequest request) {
        boolean created;
        try {
            client.createTable(request);
            created = true;
        } catch (ResourceInUseException e) {
            created = false;
        } catch (SdkException e) {
            throw failure("CreateTable", table, e);
        }
        // a waiter built on a given client leaves the client open when it closes
        try (DynamoDbWaiter waiter = DynamoDbWaiter.builder().client(client)
                .overrideConfiguration(WaiterOverrideConfiguration.builder()
                        .backoffStrategy(FixedDelayBackoffStrategy.create(Duration.ofSeconds(1)))
                        .waitTimeout(Duration.ofMinutes(10))
                        .build())
                .build()) {
            waiter.waitUntilTableExists(DescribeTableRequest.builder().tableName(table).build());
        } catch (SdkException e) {
            throw failure("DescribeTable (waiting until ACTIVE)", table, e);
        }
        return created;
    }

    /**
     * Turns on time to live over {@code attribute}; {@code false} when the service has no such operation
     * (dynalite), {@code true} when it is on or already was.
     */
    static boolean enableExpiry(DynamoDbClient client, String table, String attribute) {
        try {
            client.updateTimeToLive(b -> b.tableName(table).timeToLiveSpecification(t -> t.attributeName(attribute)
                    .enabled(true)));
            return true;
        } catch (DynamoDbException e) {
            String code = e.awsErrorDetails() == null ? "" : String.valueOf(e.awsErrorDetails().errorCode());
            if (code.endsWith("UnknownOperationException")) {
                return false;
            }
            if (String.valueOf(e.getMessage()).contains("already enabled")) {
                return true;
            }
            throw failure("UpdateTimeToLive", table, e);
        } catch (SdkException e) {
            throw failure("UpdateTimeToLive", table, e);
        }
    }
}
