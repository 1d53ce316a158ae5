package dev.quiesce.aws.dynamodb;

import static dev.quiesce.aws.dynamodb.Values.failure;
import static dev.quiesce.aws.dynamodb.Values.instant;
import static dev.quiesce.aws.dynamodb.Values.instantOf;
import static dev.quiesce.aws.dynamodb.Values.n;
import static dev.quiesce.aws.dynamodb.Values.s;

import dev.quiesce.Attribution;
import dev.quiesce.Expectation;
import dev.quiesce.Expectations;
import dev.quiesce.Sent;
import dev.quiesce.port.ExpectationStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * An {@link ExpectationStore} in one DynamoDB table: producers' declarations, so that exact completion
 * can run where no process keeps them in memory (the Lambda deployment).
 *
 * <p><b>Items.</b> One item per producer and dataset: partition key {@code dataset}, sort key {@code producer};
 * its first appearance ({@code seq}), open and close times, what it declared it sent ({@code records},
 * {@code bytes}, {@code objects}, -1 for not declared) and which objects are its ({@code keys}, {@code prefix}).
 * A dataset's declarations are one consistent {@code Query} of its partition.
 *
 * <p><b>Idempotence without transactions.</b> Opening is a {@code PutItem} on condition that the producer is
 * unknown; closing is one {@code UpdateItem} on condition that it has not closed, which also sets the open
 * time and appearance if the close came first. Redelivered or racing declarations therefore change the item
 * once: the first close wins, whatever it said.
 *
 * <p><b>Order.</b> Producers are listed in the order they first appeared, by {@code seq}: the writer's clock in
 * microseconds, kept strictly increasing within a process; writers in different processes are ordered by
 * their clocks, ties by producer id.
 *
 * <p>An item holds at most 400 KB, so a producer's attribution holds some thousands of keys; a larger
 * producer should attribute by prefix. Thread-safe; SDK failures surface as {@link dev.quiesce.StoreException}.
 */
public final class DynamoDbExpectationStore implements ExpectationStore {

    private static final String DATASET = "dataset";
    private static final String PRODUCER = "producer";
    private static final String SEQ = "seq";
    private static final String OPENED = "openedAt";
    private static final String CLOSED = "closedAt";
    private static final String RECORDS = "records";
    private static final String BYTES = "bytes";
    private static final String OBJECTS = "objects";
    private static final String KEYS = "keys";
    private static final String PREFIX = "prefix";

    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbExpectationStore.class);

    private final DynamoDbClient client;
    private final String table;
    private final Clock clock;
    private final AtomicLong lastSeq = new AtomicLong();

    /**
     * A store over an existing table (see {@link #createTable}).
     *
     * @param client the client to use; the store does not close it
     * @param tableName the table
     */
    public DynamoDbExpectationStore(DynamoDbClient client, String tableName) {
        this(client, tableName, Clock.systemUTC());
    }

    /** As {@link #DynamoDbExpectationStore(DynamoDbClient, String)}, ordering first appearances by {@code clock}. */
    public DynamoDbExpectationStore(DynamoDbClient client, String tableName, Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.table = Objects.requireNonNull(tableName, "tableName");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Creates the table (partition key {@code dataset}, sort key {@code producer}, strings; on-demand billing)
     * unless it exists, and waits until it is active.
     *
     * @throws dev.quiesce.StoreException if DynamoDB refuses
     */
    public static void createTable(DynamoDbClient client, String tableName) {
        boolean created = Values.createAndWait(client, tableName, CreateTableRequest.builder()
                .tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        AttributeDefinition.builder().attributeName(DATASET).attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName(PRODUCER).attributeType(ScalarAttributeType.S).build())
                .keySchema(
                        KeySchemaElement.builder().attributeName(DATASET).keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName(PRODUCER).keyType(KeyType.RANGE).build())
                .build());
        LOG.info("dynamodb.table_ready table={} kind=expectations created={}", tableName, created);
    }

    @Override
    public boolean open(String datasetId, String producerId, Instant at) {
        Objects.requireNonNull(at, "at");
        Map<String, AttributeValue> item = new HashMap<>(key(datasetId, producerId));
        item.put(SEQ, n(nextSeq()));
        item.put(OPENED, instant(at));
        try {
            client.putItem(b -> b.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(#p)")
                    .expressionAttributeNames(Map.of("#p", PRODUCER)));
            LOG.debug("expectation.opened dataset={} producer={}", datasetId, producerId);
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        } catch (SdkException e) {
            throw failure("PutItem (open producer " + producerId + " of " + datasetId + ")", table, e);
        }
    }

    @Override
    public boolean close(String datasetId, String producerId, Sent sent, Attribution attribution, Instant at) {
        Objects.requireNonNull(sent, "sent");
        Objects.requireNonNull(attribution, "attribution");
        Objects.requireNonNull(at, "at");
        Map<String, String> names = new HashMap<>(Map.of("#seq", SEQ, "#o", OPENED, "#c", CLOSED, "#r", RECORDS,
                "#b", BYTES, "#n", OBJECTS));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":seq", n(nextSeq()), ":at", instant(at),
                ":r", n(sent.records()), ":b", n(sent.bytes()), ":n", n(sent.objects())));
        StringBuilder set = new StringBuilder(
                "SET #seq = if_not_exists(#seq, :seq), #o = if_not_exists(#o, :at), #c = :at, #r = :r, #b = :b, #n = :n");
        if (!attribution.keys().isEmpty()) {
            names.put("#k", KEYS);
            values.put(":k", AttributeValue.fromL(attribution.keys().stream().map(Values::s).toList()));
            set.append(", #k = :k");
        }
        if (attribution.prefix() != null) {
            names.put("#pre", PREFIX);
            values.put(":pre", s(attribution.prefix()));
            set.append(", #pre = :pre");
        }
        try {
            client.updateItem(b -> b.tableName(table).key(key(datasetId, producerId))
                    .updateExpression(set.toString())
                    .conditionExpression("attribute_not_exists(#c)")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values));
            LOG.debug("expectation.closed dataset={} producer={}", datasetId, producerId);
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        } catch (SdkException e) {
            if (String.valueOf(e.getMessage()).contains("Item size")) {
                throw new dev.quiesce.StoreException("producer " + producerId + " of " + datasetId + " attributes more keys"
                        + " than one DynamoDB item holds (400 KB): attribute them by prefix", e);
            }
            throw failure("UpdateItem (close producer " + producerId + " of " + datasetId + ")", table, e);
        }
    }

    @Override
    public Expectations of(String datasetId) {
        Objects.requireNonNull(datasetId, "datasetId");
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse r;
            try {
                r = client.query(b -> b.tableName(table).consistentRead(true)
                        .keyConditionExpression("#d = :d")
                        .expressionAttributeNames(Map.of("#d", DATASET))
                        .expressionAttributeValues(Map.of(":d", s(datasetId)))
                        .exclusiveStartKey(from));
            } catch (SdkException e) {
                throw failure("Query (declarations of " + datasetId + ")", table, e);
            }
            items.addAll(r.items());
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
        if (items.isEmpty()) {
            return Expectations.NONE;
        }
        items.sort(Comparator.<Map<String, AttributeValue>>comparingLong(i -> Values.longOf(i.get(SEQ)))
                .thenComparing(i -> i.get(PRODUCER).s()));
        return new Expectations(items.stream().map(i -> expectation(datasetId, i)).toList());
    }

    private static Expectation expectation(String datasetId, Map<String, AttributeValue> item) {
        Instant closed = instantOf(item.get(CLOSED));
        Sent sent = closed == null ? Sent.NOTHING_DECLARED
                : new Sent(Values.longOf(item.get(RECORDS)), Values.longOf(item.get(BYTES)), Values.longOf(item.get(OBJECTS)));
        AttributeValue keys = item.get(KEYS);
        Attribution attribution = new Attribution(keys == null ? List.of() : keys.l().stream().map(AttributeValue::s).toList(),
                Values.stringOf(item, PREFIX));
        return new Expectation(datasetId, item.get(PRODUCER).s(), instantOf(item.get(OPENED)), closed, sent, attribution);
    }

    private static Map<String, AttributeValue> key(String datasetId, String producerId) {
        Objects.requireNonNull(datasetId, "datasetId");
        Objects.requireNonNull(producerId, "producerId");
        return Map.of(DATASET, s(datasetId), PRODUCER, s(producerId));
    }

    /** Microseconds of the clock, strictly increasing within this process. */
    private long nextSeq() {
        Instant t = clock.instant();
        long now = t.getEpochSecond() * 1_000_000 + t.getNano() / 1000;
        return lastSeq.updateAndGet(last -> Math.max(last + 1, now));
    }
}
