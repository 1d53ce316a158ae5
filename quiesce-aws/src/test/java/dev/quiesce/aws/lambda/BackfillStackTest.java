package dev.quiesce.aws.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quiesce.aws.testing.Dynalite;
import dev.quiesce.aws.testing.ElasticMq;
import dev.quiesce.aws.testing.SnsTopics;
import dev.quiesce.s3.testing.S3Server;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The template's backfill function on the deployed stack ({@link TemplateStack}): objects that were in the
 * bucket before its notifications, listed page by page while the monitor counts live events for some of the
 * same objects and for new ones, interleaved step by step. Each object counts once and the day's run
 * completes once; a second backfill writes nothing.
 */
class BackfillStackTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DAY = "events/2024/05/01/";

    private static Dynalite dynalite;
    private static ElasticMq sqs;
    private static S3Server s3;
    private static SnsTopics sns;
    /** The stack whose bucket notifies; null while "the notifications are not set up yet". */
    private static volatile TemplateStack notifying;

    private TemplateStack stack;
    private String bucket;
    private String subscriber;
    private long bytes;

    @BeforeAll
    static void startStandIns() {
        dynalite = Dynalite.start();
        sqs = ElasticMq.start();
        sns = SnsTopics.start(sqs.client());
        s3 = S3Server.start(event -> {
            TemplateStack s = notifying;
            if (s != null) {
                s.s3Event(event);
            }
        });
    }

    @AfterAll
    static void stopStandIns() {
        for (AutoCloseable c : new AutoCloseable[] {s3, sns, sqs, dynalite}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // closing stand-ins is best effort; the result stands
            }
        }
    }

    @Test
    void aBackfillInterleavedWithLiveEventsCountsEachObjectOnceAndTheRunCompletesOnce() throws Exception {
        stack = TemplateStack.deploy("quiesce-backfill-1", Map.of("LandingBucketName", "quiesce-backfill-1-landing",
                "Policy", "stable window=2 delay=constant:1s", "FirehoseBufferSeconds", "0"), dynalite, sqs, s3, sns,
                Clock.systemUTC());
        bucket = stack.ref("LandingBucket");
        subscriber = sqs.createQueue("quiesce-backfill-1-subscriber");
        sns.subscribe(stack.ref("NotificationTopic"), subscriber);

        // there before the notifications: no event will ever tell of these
        for (int i = 0; i < 5; i++) {
            put("k" + i);
        }
        notifying = stack;

        put("k1");                                       // the same content again: an event, the same version
        JsonNode page1 = backfill("{\"prefix\":\"" + DAY + "\",\"pageSize\":3,\"maxPages\":1}");
        assertThat(page1.get("listed").asInt()).isEqualTo(3);
        assertThat(page1.get("recorded").asInt()).isEqualTo(3); // k1's event is not counted yet
        assertThat(page1.get("done").asBoolean()).isFalse();
        drainArrivals();                                 // k1's event: the same object, a second sighting

        put("k3");                                       // an event before the listing reaches k3
        put("k5");                                       // a new object
        drainArrivals();
        put("k6");                                       // lands now, listed (page 3) before its event is counted
        JsonNode page2 = backfill("{\"prefix\":\"" + DAY + "\",\"pageSize\":3,\"maxPages\":1,\"continuation\":"
                + JSON.writeValueAsString(page1.get("continuation").asText()) + "}");
        assertThat(page2.get("listed").asInt()).isEqualTo(3);
        assertThat(page2.get("recorded").asInt()).isEqualTo(1); // k4; k3 and k5 were counted from their events
        assertThat(page2.get("alreadyCounted").asInt()).isEqualTo(2);
        assertThat(page2.get("done").asBoolean()).isFalse();

        JsonNode page3 = backfill("{\"prefix\":\"" + DAY + "\",\"pageSize\":3,\"continuation\":"
                + JSON.writeValueAsString(page2.get("continuation").asText()) + "}");
        assertThat(page3.get("recorded").asInt()).isEqualTo(1);
        assertThat(page3.get("done").asBoolean()).isTrue();
        assertThat(page3.get("continuation").isNull()).isTrue();
        drainArrivals();

        JsonNode completion = observeUntilCompletion();
        assertThat(completion.get("subject").asText()).isEqualTo("events/2024-05-01");
        assertThat(completion.get("data").get("objects").asLong()).isEqualTo(7);
        assertThat(completion.get("data").get("bytes").asLong()).isEqualTo(bytes);

        // the whole prefix again, after the run completed: nothing written, so no late data and no second run
        int writesBefore = tallyWrites();
        JsonNode again = backfill("{\"prefix\":\"" + DAY + "\"}");
        assertThat(again.get("listed").asInt()).isEqualTo(7);
        assertThat(again.get("recorded").asInt()).isZero();
        assertThat(again.get("alreadyCounted").asInt()).isEqualTo(7);
        assertThat(tallyWrites()).isEqualTo(writesBefore);
        assertNoSecondCompletion();
        assertEveryRequestAllowed();
    }

    @Test
    void aPrefixOutsideTheLandingPrefixIsNotTheFunctionsToList() {
        TemplateStack s = TemplateStack.deploy("quiesce-backfill-2", Map.of("LandingBucketName", "quiesce-backfill-2-landing"),
                dynalite, sqs, s3, sns, Clock.systemUTC());
        RolePolicies role = RolePolicies.of(s, "BackfillFunction");
        String bucketArn = "arn:aws:s3:::quiesce-backfill-2-landing";
        assertThat(role.allows("s3:ListBucket", bucketArn, Map.of("s3:prefix", DAY))).isTrue();
        assertThat(role.allows("s3:ListBucket", bucketArn, Map.of("s3:prefix", "errors/2024/"))).isFalse();
        assertThat(role.allows("s3:ListBucket", bucketArn, Map.of())).as("the whole bucket").isFalse();
        assertThat(role.allows("s3:GetObject", bucketArn + "/" + DAY + "k0.json")).isFalse();
        assertThat(role.allows("dynamodb:UpdateItem", s.attribute("ObservationTable", "Arn"))).isTrue(); // runs it wakes
        assertThat(role.allows("dynamodb:DeleteItem", s.attribute("TallyTable", "Arn"))).isFalse();
        assertThat(s.function("BackfillFunction").environment.get("QUIESCE_TALLY_TABLE")).isEqualTo(s.ref("TallyTable"));
    }

    // ------------------------------------------------------------------------------------------ the world

    private void put(String name) {
        String body = "{\"object\":\"" + name + "\"}\n";
        boolean rewrite = s3.client().listObjectsV2(l -> l.bucket(bucket).prefix(DAY + name + ".json")).keyCount() > 0;
        s3.client().putObject(p -> p.bucket(bucket).key(DAY + name + ".json"), RequestBody.fromString(body));
        if (!rewrite) {
            bytes += body.length();
        }
    }

    private JsonNode backfill(String input) throws Exception {
        return JSON.readTree(stack.invoke("BackfillFunction", input));
    }

    private int tallyWrites() {
        String table = stack.attribute("TallyTable", "Arn");
        return (int) stack.function("BackfillFunction").calls.stream()
                .filter(c -> c.resource().equals(table) && !c.action().equals("dynamodb:GetItem")).count();
    }

    private void drainArrivals() {
        String queue = stack.ref("ArrivalQueue");
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            stack.poll("MonitorFunction", 1, 1);
            Map<String, String> a = sqs.client().getQueueAttributes(r -> r.queueUrl(queue).attributeNamesWithStrings(
                    "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")).attributesAsStrings();
            return "0".equals(a.get("ApproximateNumberOfMessages")) && "0".equals(a.get("ApproximateNumberOfMessagesNotVisible"));
        });
    }

    private JsonNode observeUntilCompletion() throws Exception {
        List<Message> completions = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            stack.poll("ObserverFunction", 1, 1);
            completions.addAll(sqs.client().receiveMessage(r -> r.queueUrl(subscriber).maxNumberOfMessages(10)).messages());
            return !completions.isEmpty();
        });
        assertThat(completions).hasSize(1);
        sqs.client().deleteMessage(x -> x.queueUrl(subscriber).receiptHandle(completions.get(0).receiptHandle()));
        return JSON.readTree(completions.get(0).body());
    }

    private void assertNoSecondCompletion() {
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> {
            stack.poll("ObserverFunction", 0, 1);
            return sqs.client().receiveMessage(r -> r.queueUrl(subscriber).maxNumberOfMessages(10)).messages().isEmpty();
        });
        assertThat(sns.published().stream().filter(p -> p.topicArn().equals(stack.ref("NotificationTopic")))).hasSize(1);
    }

    private void assertEveryRequestAllowed() {
        assertThat(stack.function("BackfillFunction").calls).extracting(TemplateStack.Call::action)
                .contains("s3:ListBucket", "dynamodb:UpdateItem");
        for (String fn : List.of("BackfillFunction", "MonitorFunction", "ObserverFunction")) {
            RolePolicies role = RolePolicies.of(stack, fn);
            assertThat(stack.function(fn).calls).as(fn + "'s requests, against its role's grants " + role.grants())
                    .allSatisfy(c -> assertThat(role.allows(c)).as(c.toString()).isTrue());
        }
    }
}
