package dev.quiesce.aws.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiesce.Arrival;
import dev.quiesce.Observation;
import dev.quiesce.aws.dynamodb.DynamoDbObservationStore;
import dev.quiesce.aws.dynamodb.DynamoDbTallyStore;
import dev.quiesce.aws.testing.Dynalite;
import dev.quiesce.policy.PolicySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;
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
    @SuppressWarnings("unchecked")
    static CreateTableRequest fromTemplate(String logicalId, String tableName) {
        Map<String, Object> resource = (Map<String, Object>) ((Map<String, Object>) template.get("Resources")).get(logicalId);
        assertThat(resource).as(logicalId + " in the template").isNotNull();
        assertThat(resource.get("Type")).isEqualTo("AWS::DynamoDB::Table");
        Map<String, Object> props = (Map<String, Object>) resource.get("Properties");
        CreateTableRequest.Builder b = CreateTableRequest.builder().tableName(tableName)
                .billingMode(BillingMode.fromValue((String) props.get("BillingMode")))
                .attributeDefinitions(((List<Map<String, Object>>) props.get("AttributeDefinitions")).stream()
                        .map(a -> AttributeDefinition.builder().attributeName((String) a.get("AttributeName"))
                                .attributeType((String) a.get("AttributeType")).build()).toList())
                .keySchema(keys((List<Map<String, Object>>) props.get("KeySchema")));
        List<Map<String, Object>> indexes = (List<Map<String, Object>>) props.get("GlobalSecondaryIndexes");
        if (indexes != null) {
            List<GlobalSecondaryIndex> gsis = new ArrayList<>();
            for (Map<String, Object> i : indexes) {
                Map<String, Object> projection = (Map<String, Object>) i.get("Projection");
                gsis.add(GlobalSecondaryIndex.builder().indexName((String) i.get("IndexName"))
                        .keySchema(keys((List<Map<String, Object>>) i.get("KeySchema")))
                        .projection(Projection.builder().projectionType((String) projection.get("ProjectionType"))
                                .nonKeyAttributes((List<String>) projection.get("NonKeyAttributes")).build())
                        .build());
            }
            b.globalSecondaryIndexes(gsis);
        }
        return b.build();
    }

    private static List<KeySchemaElement> keys(List<Map<String, Object>> schema) {
        return schema.stream().map(k -> KeySchemaElement.builder().attributeName((String) k.get("AttributeName"))
                .keyType((String) k.get("KeyType")).build()).toList();
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
}
