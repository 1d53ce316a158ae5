package dev.quiesce.aws.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiesce.Arrival;
import dev.quiesce.Observation;
import dev.quiesce.Sent;
import dev.quiesce.aws.dynamodb.DynamoDbExpectationStore;
import dev.quiesce.aws.dynamodb.DynamoDbObservationStore;
import dev.quiesce.aws.dynamodb.DynamoDbTallyStore;
import dev.quiesce.aws.testing.Dynalite;
import dev.quiesce.policy.PolicySpec;
import dev.quiesce.ObservationState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * The tables as {@code template.yaml} declares them, created on dynalite from the template itself: they must be
 * what the stores' {@code createTable} helpers make (one source of truth, checked), and the stores must work on
 * them — the tally table once had a sort key the code never writes, the observation table none of its indexes.
 */
class TemplateTablesTest {

    private static Dynalite dynalite;
    private static DynamoDbClient client;
    private static Map<String, Object> template;

    @BeforeAll
    static void start() throws Exception {
        template = SamTemplate.load();
        dynalite = Dynalite.start();
        client = dynalite.client();
    }

    @AfterAll
    static void stop() {
        dynalite.close();
    }

    /** The table a resource of the template declares, as CloudFormation would create it, under {@code tableName}. */
    static CreateTableRequest fromTemplate(String logicalId, String tableName) {
        Map<String, Object> resource = TemplateStack.map(TemplateStack.map(template.get("Resources")).get(logicalId));
        assertThat(resource).as(logicalId + " in the template").isNotEmpty();
        assertThat(resource.get("Type")).isEqualTo("AWS::DynamoDB::Table");
        return TemplateStack.createTableRequest(TemplateStack.map(resource.get("Properties")), tableName);
    }

    /** The attribute the template's time to live of a table names, which must be enabled. */
    private static String ttlAttribute(String logicalId) {
        Map<String, Object> props = TemplateStack.map(TemplateStack.map(TemplateStack.map(template.get("Resources"))
                .get(logicalId)).get("Properties"));
        Map<String, Object> ttl = TemplateStack.map(props.get("TimeToLiveSpecification"));
        assertThat(ttl.get("Enabled")).as(logicalId + " TTL enabled").isEqualTo(true);
        return (String) ttl.get("AttributeName");
    }

    private static void createFromTemplate(String logicalId, String tableName) {
        client.createTable(fromTemplate(logicalId, tableName));
        client.waiter().waitUntilTableExists(r -> r.tableName(tableName));
    }

    /** What makes two tables the same table: keys, attribute types, indexes with their keys and projections. */
    private static Map<String, Object> shape(String tableName) {
        TableDescription t = client.describeTable(r -> r.tableName(tableName)).table();
        Map<String, Object> shape = new TreeMap<>();
        shape.put("keys", t.keySchema().stream().map(k -> k.attributeName() + ":" + k.keyTypeAsString()).toList());
        shape.put("attributes", t.attributeDefinitions().stream()
                .map(a -> a.attributeName() + ":" + a.attributeTypeAsString()).collect(Collectors.toSet()));
        Map<String, String> indexes = new TreeMap<>();
        t.globalSecondaryIndexes().forEach(i -> indexes.put(i.indexName(), i.keySchema().stream()
                .map(k -> k.attributeName() + ":" + k.keyTypeAsString()).toList() + " " + i.projection().projectionTypeAsString()
                + " " + i.projection().nonKeyAttributes()));
        t.localSecondaryIndexes().forEach(i -> indexes.put("local " + i.indexName(), i.keySchema().stream()
                .map(k -> k.attributeName() + ":" + k.keyTypeAsString()).toList() + " " + i.projection().projectionTypeAsString()
                + " " + i.projection().nonKeyAttributes()));
        shape.put("indexes", indexes);
        return shape;
    }

    @Test
    void theTallyTableIsWhatTheStoreCreatesAndTheStoreCountsOnIt() {
        createFromTemplate("TallyTable", "template-tally");
        DynamoDbTallyStore.createTable(client, "code-tally");
        assertThat(shape("template-tally")).isEqualTo(shape("code-tally"));

        DynamoDbTallyStore tallies = new DynamoDbTallyStore(client, "template-tally");
        tallies.record("events", Arrival.created("landing", "events/a.json", 5, Instant.now(), "t1"), Instant.now());
        assertThat(tallies.tally("events").objects()).isEqualTo(1);
    }

    @Test
    void theObservationTableIsWhatTheStoreCreatesAndItsIndexesAnswer() {
        createFromTemplate("ObservationTable", "template-observations");
        DynamoDbObservationStore.createTable(client, "code-observations");
        assertThat(shape("template-observations")).isEqualTo(shape("code-observations"));
        @SuppressWarnings("unchecked")
        Map<String, String> indexes = (Map<String, String>) shape("template-observations").get("indexes");
        assertThat(indexes.keySet()).isEqualTo(Set.of(DynamoDbObservationStore.DUE_INDEX,
                DynamoDbObservationStore.OUTBOX_INDEX, DynamoDbObservationStore.OPEN_INDEX,
                DynamoDbObservationStore.START_INDEX));

        DynamoDbObservationStore store = new DynamoDbObservationStore(client, "template-observations");
        Instant now = Instant.now();
        Observation o = Observation.start("events/2026-12-01", "events", PolicySpec.defaults(), List.of("sns"), now);
        assertThat(store.create(o)).isTrue();
        // each index the code queries: open runs of a dataset, due checks, runs by start
        assertThat(store.openFor("events")).extracting(Observation::id).containsExactly(o.id());
        assertThat(store.list(10)).extracting(Observation::id).contains(o.id());
        assertThat(store.due(now.plusSeconds(3600), 10)).isNotNull();
        assertThat(store.nextAttemptAt()).isEmpty();
    }

    @Test
    void theDeclarationTableIsWhatTheStoreCreatesAndTheStoreKeepsDeclarationsOnIt() {
        createFromTemplate("DeclarationTable", "template-declarations");
        DynamoDbExpectationStore.createTable(client, "code-declarations");
        assertThat(shape("template-declarations")).isEqualTo(shape("code-declarations"));

        DynamoDbExpectationStore store = new DynamoDbExpectationStore(client, "template-declarations");
        Instant now = Instant.now();
        assertThat(store.open("events/2024-05-01", "loader-1", now)).isTrue();
        assertThat(store.close("events/2024-05-01", "loader-1", new Sent(Sent.UNKNOWN, Sent.UNKNOWN, 3), now)).isTrue();
        assertThat(store.of("events/2024-05-01").declared(Sent.Unit.OBJECTS)).isEqualTo(3);
    }

    @Test
    void theTablesExpireWhatTheStoresMarkAndOnlyThat() {
        // dynalite has no UpdateTimeToLive, so the template's TTL is held against the stores' attribute by name
        assertThat(ttlAttribute("TallyTable")).isEqualTo(DynamoDbTallyStore.EXPIRY_ATTRIBUTE);
        assertThat(ttlAttribute("ObservationTable")).isEqualTo(DynamoDbObservationStore.EXPIRY_ATTRIBUTE);
        createFromTemplate("TallyTable", "expiring-tally");
        createFromTemplate("ObservationTable", "expiring-observations");
        Duration retention = Duration.ofDays(90);
        Instant now = Instant.parse("2024-05-02T00:03:00Z");

        DynamoDbTallyStore tallies = DynamoDbTallyStore.builder(client, "expiring-tally").shards(1)
                .retention(retention, id -> id.startsWith("events/")).clock(Clock.fixed(now, ZoneOffset.UTC)).build();
        tallies.record("events/2024-05-01", Arrival.created("landing", "events/2024/05/01/a", 5, now, "t1"), now);
        tallies.record("events/2024-05-01", Arrival.created("landing", "events/2024/05/01/a", 6, now.plusSeconds(1),
                "t1b"), now); // an overwrite: a head and a spill
        tallies.record("everything", Arrival.created("landing", "other/a", 5, now, "t2"), now);
        List<Map<String, AttributeValue>> dated = client.scan(r -> r.tableName("expiring-tally")).items().stream()
                .filter(i -> i.get("pk").s().startsWith("events/")).toList();
        assertThat(dated).hasSize(2).allSatisfy(i -> assertThat(i.get(DynamoDbTallyStore.EXPIRY_ATTRIBUTE).n())
                .isEqualTo(String.valueOf(now.plus(retention).getEpochSecond())));
        assertThat(client.scan(r -> r.tableName("expiring-tally")).items().stream()
                .filter(i -> i.get("pk").s().startsWith("everything")).toList())
                .as("an undated tally is all a dataset holds")
                .hasSize(1).allSatisfy(i -> assertThat(i).doesNotContainKey(DynamoDbTallyStore.EXPIRY_ATTRIBUTE));

        DynamoDbObservationStore runs = new DynamoDbObservationStore(client, "expiring-observations", retention);
        Observation open = Observation.start("events/2024-05-01", "events/2024-05-01", PolicySpec.defaults(),
                List.of("sns"), now.minusSeconds(600));
        assertThat(runs.create(open)).isTrue();
        assertThat(item("expiring-observations", "id", open.id())).as("an open run never expires")
                .doesNotContainKey(DynamoDbObservationStore.EXPIRY_ATTRIBUTE);
        Observation done = open.finish(ObservationState.TIMED_OUT, open.progress(), now, "test");
        assertThat(runs.compareAndSet(done, List.of())).isTrue();
        assertThat(item("expiring-observations", "id", open.id()).get(DynamoDbObservationStore.EXPIRY_ATTRIBUTE).n())
                .isEqualTo(String.valueOf(now.plus(retention).getEpochSecond()));
    }

    private static Map<String, AttributeValue> item(String table, String keyName, String key) {
        return client.getItem(r -> r.tableName(table).key(Map.of(keyName, AttributeValue.fromS(key)))).item();
    }
}
