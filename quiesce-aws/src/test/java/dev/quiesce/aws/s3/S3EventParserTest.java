package dev.quiesce.aws.s3;

import static dev.quiesce.aws.s3.Fixtures.event;
import static dev.quiesce.aws.s3.Fixtures.record;
import static dev.quiesce.aws.s3.Fixtures.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quiesce.Arrival;
import dev.quiesce.MalformedEventException;
import dev.quiesce.UnknownEventTypeException;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class S3EventParserTest {

    private final S3EventParser parser = S3EventParser.create();

    private static String pad(String sequencer) {
        return S3EventParser.padSequencer(sequencer);
    }

    // ---------------------------------------------------------------- envelopes

    @Test
    void readsTheLambdaDocsPutEventWithItsKeyDecoded() {
        S3EventParser.Parsed parsed = parser.parse(event("s3-put.json"));

        assertThat(parsed.arrivals()).usingRecursiveFieldByFieldElementComparatorIgnoringFields("sequencer", "version")
                .containsExactly(Arrival.created("example-bucket", "test/key", 1024,
                Instant.parse("1970-01-01T00:00:00Z"), "0A1B2C3D4E5F67890100000000000000"));
        assertThat(parsed.ignored()).isZero();
        assertThat(parsed.notes()).isEmpty();
    }

    @Test
    void readsEveryObjectEventTypeOfTheS3Docs() {
        S3EventParser.Parsed parsed = parser.parse(event("s3-all-object-events.json"));

        String bucket = "amzn-s3-demo-bucket";
        assertThat(parsed.arrivals()).usingRecursiveFieldByFieldElementComparatorIgnoringFields("sequencer", "version").containsExactly(
                Arrival.created(bucket, "landing/2024/05/01/part-0000.json.gz", 1305107,
                        Instant.parse("2024-05-01T10:00:00Z"), pad("0066321F7E3B2A5D2C")),
                Arrival.created(bucket, "landing/2024/05/01/part-0001.json.gz", 134217728,
                        Instant.parse("2024-05-01T10:00:01.500Z"), pad("0066321F7F0005924200")),
                Arrival.created(bucket, "landing/2024/05/01/red flower.jpg", 5,
                        Instant.parse("2024-05-01T10:00:02Z"), pad("0066321F80C1D2E3F4")),
                Arrival.created(bucket, "uploads/c++ notes.txt", 0,
                        Instant.parse("2024-05-01T10:00:03Z"), pad("0066321F81AA")),
                Arrival.removed(bucket, "landing/2024/05/01/part-0000.json.gz",
                        Instant.parse("2024-05-01T10:00:04Z"), pad("0066321F823A7F0C11")),
                Arrival.removed(bucket, "landing/2024/05/01/part-0001.json.gz",
                        Instant.parse("2024-05-01T10:00:05Z"), pad("0066321F83B4C5D6E7")));
    }

    @Test
    void unwrapsAnSnsNotificationDeliveredToSqs() {
        assertThat(parser.parse(event("sns-s3-put.json")))
                .isEqualTo(parser.parse(event("s3-put.json")));
    }

    @Test
    void unwrapsAnSnsEventDeliveredToLambda() {
        assertThat(parser.parse(event("lambda-sns-s3-put.json")).arrivals())
                .isEqualTo(parser.parse(event("s3-put.json")).arrivals());
    }

    @Test
    void ignoresTheS3TestEvent() {
        S3EventParser.Parsed parsed = parser.parse(event("s3-test-event.json"));

        assertThat(parsed.arrivals()).isEmpty();
        assertThat(parsed.ignored()).isEqualTo(1);
        assertThat(parsed.notes()).singleElement().asString().contains("test event");
    }

    @Test
    void ignoresTheS3TestEventInsideAnSnsNotification() {
        S3EventParser.Parsed parsed = parser.parse(event("sns-s3-test-event.json"));

        assertThat(parsed.arrivals()).isEmpty();
        assertThat(parsed.ignored()).isEqualTo(1);
    }

    @Test
    void readsAnEventBridgeObjectCreatedEvent() {
        assertThat(parser.parse(event("eventbridge-object-created.json")).arrivals()).usingRecursiveFieldByFieldElementComparatorIgnoringFields("sequencer", "version").containsExactly(
                Arrival.created("amzn-s3-demo-bucket1", "example-key", 5, Instant.parse("2021-11-12T00:00:00Z"),
                        pad("00617F08299329D189")));
    }

    @Test
    void readsAnEventBridgeObjectDeletedEvent() {
        assertThat(parser.parse(event("eventbridge-object-deleted.json")).arrivals()).usingRecursiveFieldByFieldElementComparatorIgnoringFields("sequencer", "version").containsExactly(
                Arrival.removed("amzn-s3-demo-bucket1", "example-key", Instant.parse("2021-11-12T00:00:00Z"),
                        pad("00617F0837EB35D4E1")));
    }

    @Test
    void rejectsOtherEventBridgeS3EventsNamingTheirType() {
        assertThatThrownBy(() -> parser.parse(event("eventbridge-object-restore-initiated.json")))
                .isInstanceOfSatisfying(UnknownEventTypeException.class,
                        e -> assertThat(e.eventType()).isEqualTo("aws.s3:Object Restore Initiated"))
                .hasMessageContaining("Object Restore Initiated");
    }

    @Test
    void readsAMinioWebhookPayloadDecodingTheRecordKey() {
        S3EventParser.Parsed parsed = parser.parse(event("minio-webhook-put.json"));

        assertThat(parsed.arrivals()).usingRecursiveFieldByFieldElementComparatorIgnoringFields("sequencer", "version").containsExactly(Arrival.created("images", "2024/my photo+1.jpg", 488,
                Instant.parse("2024-05-01T09:41:12.123Z"), pad("17CBD2A1C7B9E6A8")));
        assertThat(parsed.notes()).isEmpty();
    }

    @Test
    void readsAMinioWebhookRemoval() {
        assertThat(parser.parse(event("minio-webhook-delete.json")).arrivals()).usingRecursiveFieldByFieldElementComparatorIgnoringFields("sequencer", "version").containsExactly(
                Arrival.removed("images", "2024/my photo+1.jpg", Instant.parse("2024-05-01T09:45:00.500Z"),
                        pad("17CBD2D5A10C3F11")));
    }

    @Test
    void readsMinioListenApiRecordsWhoseKeysAreNotEncoded() {
        assertThat(parser.parse(event("minio-listen-put.json")).arrivals())
                .isEqualTo(parser.parse(event("minio-webhook-put.json")).arrivals());
    }

    @Test
    void usesAMinioRecordKeyUnchangedWhenTheEnvelopeKeyShowsItWasNotEncoded() {
        ObjectNode r = record("s3:ObjectCreated:Put", "a+b.csv");
        r.put("eventSource", "minio:s3");
        String json = "{\"EventName\":\"s3:ObjectCreated:Put\",\"Key\":\"landing/a+b.csv\",\"Records\":["
                + r + "]}";

        assertThat(parser.parse(json).arrivals()).extracting(Arrival::key).containsExactly("a+b.csv");
    }

    @Test
    void notesAMinioEnvelopeKeyThatAgreesWithNoReadingOfTheRecordKey() {
        ObjectNode r = record("s3:ObjectCreated:Put", "a%2Bb.csv");
        r.put("eventSource", "minio:s3");
        String json = "{\"EventName\":\"s3:ObjectCreated:Put\",\"Key\":\"landing/other.csv\",\"Records\":["
                + r + "]}";

        S3EventParser.Parsed parsed = parser.parse(json);

        assertThat(parsed.arrivals()).extracting(Arrival::key).containsExactly("a+b.csv");
        assertThat(parsed.notes()).singleElement().asString().contains("MinIO envelope Key disagrees");
    }

    @Test
    void readsACephNotificationWithItsSizeAsAString() {
        assertThat(parser.parse(event("ceph-put.json")).arrivals()).usingRecursiveFieldByFieldElementComparatorIgnoringFields("sequencer", "version").containsExactly(
                Arrival.created("mybucket1", "myimage1.jpg", 1024, Instant.parse("2019-11-22T13:47:35.124724Z"),
                        pad("F7E6D75DC742D108")));
    }

    @Test
    void readsCephKeysAsStoredAndS3PrefixedEventNames() {
        assertThat(parser.parse(event("ceph-s3-prefixed-put.json")).arrivals())
                .extracting(Arrival::key).containsExactly("reports/q1 summary+final.csv");
    }

    @Test
    void countsACephMultipartUploadOnceAtItsCompletion() {
        S3EventParser.Parsed initiated = parser.parse(event("ceph-multipart-initiated.json"));
        S3EventParser.Parsed completed = parser.parse(event("ceph-multipart-completed.json"));

        assertThat(initiated.arrivals()).isEmpty();
        assertThat(initiated.ignored()).isEqualTo(1);
        assertThat(initiated.notes()).singleElement().asString()
                .contains("Records[0]", "firehose/2021/03/02/batch-0007.gz", "multipart upload");
        assertThat(completed.arrivals()).usingRecursiveFieldByFieldElementComparatorIgnoringFields("sequencer", "version").containsExactly(Arrival.created("mybucket1",
                "firehose/2021/03/02/batch-0007.gz", 26214400, Instant.parse("2021-03-02T10:15:42.318207Z"),
                pad("4A1B3E60004DB213")));
    }

    @Test
    void countsAnEmptyObjectPostedWithAnEtag() {
        ObjectNode r = record("ObjectCreated:Post", "empty.txt");
        ((ObjectNode) r.get("s3").get("object")).put("size", 0);

        assertThat(parser.parse(records(r)).arrivals()).hasSize(1);
    }

    @Test
    void rejectsAnSqsLambdaEventAskingForItsBodies() {
        String sqsEvent = "{\"Records\":[{\"messageId\":\"059f36b4-87a3-44ab-83d2-661975830a7d\","
                + "\"body\":\"{}\",\"eventSource\":\"aws:sqs\",\"awsRegion\":\"us-east-1\"}]}";

        assertThatThrownBy(() -> parser.parse(sqsEvent)).isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("Records[0]").hasMessageContaining("aws:sqs").hasMessageContaining("body");
    }

    // ---------------------------------------------------------------- event types

    @ParameterizedTest
    @ValueSource(strings = {"ObjectCreated:Put", "ObjectCreated:Post", "ObjectCreated:Copy",
        "ObjectCreated:CompleteMultipartUpload", "s3:ObjectCreated:Put", "s3:ObjectCreated:CompleteMultipartUpload"})
    void countsEveryObjectCreatedVariant(String eventName) {
        List<Arrival> arrivals = parser.parse(records(record(eventName, "data/file.csv"))).arrivals();

        assertThat(arrivals).usingRecursiveFieldByFieldElementComparatorIgnoringFields("sequencer", "version").containsExactly(Arrival.created("landing", "data/file.csv", 42,
                Instant.parse("2024-05-01T12:00:00Z"), pad("0066321F7E3B2A5D2C")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ObjectRemoved:Delete", "ObjectRemoved:DeleteMarkerCreated", "s3:ObjectRemoved:Delete"})
    void countsEveryObjectRemovedVariantWithSizeZero(String eventName) {
        List<Arrival> arrivals = parser.parse(records(record(eventName, "data/file.csv"))).arrivals();

        assertThat(arrivals).usingRecursiveFieldByFieldElementComparatorIgnoringFields("sequencer", "version").containsExactly(Arrival.removed("landing", "data/file.csv",
                Instant.parse("2024-05-01T12:00:00Z"), pad("0066321F7E3B2A5D2C")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ObjectRestore:Post", "ObjectTagging:Put", "LifecycleExpiration:Delete",
        "s3:ObjectAccessed:Get", "ReducedRedundancyLostObject", "ObjectCreated:", "Replication:OperationFailedReplication"})
    void rejectsOtherEventTypesNamingThem(String eventName) {
        String json = records(record("ObjectCreated:Put", "a.csv"), record(eventName, "b.csv"));

        assertThatThrownBy(() -> parser.parse(json))
                .isInstanceOfSatisfying(UnknownEventTypeException.class,
                        e -> assertThat(e.eventType()).isEqualTo(eventName))
                .hasMessageContaining("Records[1]").hasMessageContaining(eventName);
    }

    // ---------------------------------------------------------------- keys

    @Test
    void decodesPlusAsSpaceAndPercent2BAsPlus() {
        List<Arrival> arrivals = parser.parse(records(record("ObjectCreated:Put", "a+b%2Bc/d%20e%C3%A9.csv"))).arrivals();

        assertThat(arrivals).extracting(Arrival::key).containsExactly("a b+c/d eé.csv");
    }

    @Test
    void rejectsAKeyThatIsNotValidUrlEncoding() {
        assertThatThrownBy(() -> parser.parse(records(record("ObjectCreated:Put", "bad%zzkey"))))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("Records[0].s3.object.key").hasMessageContaining("URL-encoded");
    }

    // ---------------------------------------------------------------- dedupe tokens

    @Test
    void usesTheVersionIdWhenThereIsNoSequencer() {
        ObjectNode r = record("ObjectCreated:Put", "a.csv");
        ObjectNode object = (ObjectNode) r.get("s3").get("object");
        object.remove("sequencer");
        object.put("versionId", "3HL4kqtJlcpXroDTDmJ");

        assertThat(parser.parse(records(r)).arrivals()).extracting(Arrival::dedupeToken)
                .containsExactly("3HL4kqtJlcpXroDTDmJ");
    }

    @Test
    void usesEtagAndSizeWhenThereIsNeitherSequencerNorVersionId() {
        ObjectNode r = record("ObjectCreated:Put", "a.csv");
        ((ObjectNode) r.get("s3").get("object")).remove("sequencer");

        assertThat(parser.parse(records(r)).arrivals()).extracting(Arrival::dedupeToken)
                .containsExactly("9b2cf535f27731c974343645a3985328:42");
    }

    @Test
    void derivesARemovalTokenFromTimeAndRequestIdWhenNothingElseIdentifiesIt() {
        ObjectNode r = record("ObjectRemoved:Delete", "a.csv");
        ((ObjectNode) r.get("s3").get("object")).remove("sequencer");
        r.putObject("responseElements").put("x-amz-request-id", "C3D13FE58DE4C810");
        ObjectNode bare = record("ObjectRemoved:Delete", "a.csv");
        ((ObjectNode) bare.get("s3").get("object")).remove("sequencer");

        assertThat(parser.parse(records(r, bare)).arrivals()).extracting(Arrival::dedupeToken)
                .containsExactly("removed:2024-05-01T12:00:00Z/C3D13FE58DE4C810", "removed:2024-05-01T12:00:00Z");
    }

    @Test
    void giveARemovalWithTheDeletedVersionsIdADifferentTokenThanItsCreation() {
        ObjectNode created = record("ObjectCreated:Put", "a.csv");
        ObjectNode removed = record("ObjectRemoved:Delete", "a.csv");
        for (ObjectNode r : List.of(created, removed)) {
            ObjectNode object = (ObjectNode) r.get("s3").get("object");
            object.remove("sequencer");
            object.put("versionId", "v1");
        }

        assertThat(parser.parse(records(created, removed)).arrivals()).extracting(Arrival::dedupeToken)
                .containsExactly("v1", "removed:v1");
    }

    @Test
    void padsSequencersSoThatStringOrderIsS3Order() {
        // S3's rule: pad the shorter sequencer with zeros on the right, then compare.
        assertThat(pad("0066321F81AA")).isGreaterThan(pad("0066321F7E3B2A5D2C"));
        assertThat(pad("0a1b")).isEqualTo("0A1B0000000000000000000000000000");
    }

    @Test
    void keepsASequencerLongerThanThePaddingWidthWithANote() {
        ObjectNode r = record("ObjectCreated:Put", "a.csv");
        String longSequencer = "0123456789ABCDEF0123456789ABCDEF01";
        ((ObjectNode) r.get("s3").get("object")).put("sequencer", longSequencer);

        S3EventParser.Parsed parsed = parser.parse(records(r));

        assertThat(parsed.arrivals()).extracting(Arrival::dedupeToken).containsExactly(longSequencer);
        assertThat(parsed.notes()).singleElement().asString().contains("sequencer");
    }

    // ---------------------------------------------------------------- malformed payloads

    @Test
    void rejectsTextThatIsNotJson() {
        assertThatThrownBy(() -> parser.parse("{\"Records\": [")).isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("not valid JSON").hasMessageContaining("line 1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "[]", "42", "\"Records\"", "{\"Records\":[]} trailing", "{\"hello\":1}",
        "{\"Records\":{}}", "{\"Records\":[17]}", "{\"a\":1,\"a\":2}"})
    void rejectsPayloadsThatAreNoEnvelope(String json) {
        assertThatThrownBy(() -> parser.parse(json)).isInstanceOf(MalformedEventException.class);
    }

    @Test
    void namesTheTopLevelFieldsOfAnUnknownEnvelope() {
        assertThatThrownBy(() -> parser.parse("{\"hello\":1,\"world\":2}"))
                .hasMessageContaining("not a storage event envelope").hasMessageContaining("[hello, world]");
    }

    @Test
    void acceptsAnEmptyRecordListAsNothingToCount() {
        // An empty Records array is well-formed: nothing to count, nothing ignored.
        assertThat(parser.parse("{\"Records\":[]}").arrivals()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"eventName", "eventTime"})
    void namesAMissingRecordField(String field) {
        ObjectNode bad = record("ObjectCreated:Put", "b.csv");
        bad.remove(field);

        assertThatThrownBy(() -> parser.parse(records(record("ObjectCreated:Put", "a.csv"), bad)))
                .isInstanceOf(MalformedEventException.class)
                .hasMessage("Records[1]." + field + " is missing");
    }

    @Test
    void namesAMissingBucketName() {
        assertMalformed(r -> ((ObjectNode) r.get("s3").get("bucket")).remove("name"),
                "Records[0].s3.bucket.name is missing");
    }

    @Test
    void namesAMissingKey() {
        assertMalformed(r -> ((ObjectNode) r.get("s3").get("object")).remove("key"),
                "Records[0].s3.object.key is missing");
    }

    @Test
    void namesAnEmptyKey() {
        assertMalformed(r -> ((ObjectNode) r.get("s3").get("object")).put("key", ""),
                "Records[0].s3.object.key is empty");
    }

    @Test
    void namesAMissingS3Section() {
        assertMalformed(r -> r.remove("s3"), "Records[0].s3 is missing");
    }

    @Test
    void namesAMissingSizeOfACreation() {
        assertMalformed(r -> ((ObjectNode) r.get("s3").get("object")).remove("size"),
                "Records[0].s3.object.size is missing; an ObjectCreated event must give the object's size");
    }

    @Test
    void namesAKeyOfTheWrongType() {
        assertMalformed(r -> ((ObjectNode) r.get("s3").get("object")).put("key", 7),
                "Records[0].s3.object.key must be a string, was number");
    }

    @Test
    void namesAnEventNameOfTheWrongType() {
        assertMalformed(r -> r.putArray("eventName"), "Records[0].eventName must be a string, was array");
    }

    @Test
    void namesABucketOfTheWrongType() {
        assertMalformed(r -> ((ObjectNode) r.get("s3")).put("bucket", "landing"),
                "Records[0].s3.bucket must be an object, was string");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.5", "-1", "true", "\"12kb\"", "\"\"", "99999999999999999999999"})
    void namesASizeThatIsNotAWholeNumberOfBytes(String size) {
        assertThatThrownBy(() -> parser.parse(records(record("ObjectCreated:Put", "a.csv"))
                .replace("\"size\":42", "\"size\":" + size)))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("Records[0].s3.object.size");
    }

    @Test
    void namesAnEventTimeThatIsNotIso8601() {
        assertMalformed(r -> r.put("eventTime", "yesterday"),
                "Records[0].eventTime must be an ISO-8601 time such as 2024-05-01T12:00:00.000Z, was 'yesterday'");
    }

    @Test
    void acceptsAnEventTimeWithAnOffset() {
        ObjectNode r = record("ObjectCreated:Put", "a.csv");
        r.put("eventTime", "2024-05-01T14:00:00+02:00");

        assertThat(parser.parse(records(r)).arrivals()).extracting(Arrival::eventTime)
                .containsExactly(Instant.parse("2024-05-01T12:00:00Z"));
    }

    @Test
    void namesASequencerThatIsNotHex() {
        assertMalformed(r -> ((ObjectNode) r.get("s3").get("object")).put("sequencer", "Happy Sequencer"),
                "Records[0].s3.object.sequencer must be hexadecimal, was 'Happy Sequencer'");
    }

    @Test
    void namesTheFieldOfABadRecordInsideAnSnsMessage() {
        ObjectNode bad = record("ObjectCreated:Put", "a.csv");
        ((ObjectNode) bad.get("s3").get("bucket")).remove("name");
        ObjectNode sns = Fixtures.JSON.createObjectNode();
        sns.put("Type", "Notification");
        sns.put("Message", records(bad));

        assertThatThrownBy(() -> parser.parse(sns.toString())).isInstanceOf(MalformedEventException.class)
                .hasMessage("Message: Records[0].s3.bucket.name is missing");
    }

    @Test
    void rejectsSnsMessagesOtherThanNotifications() {
        String confirmation = "{\"Type\":\"SubscriptionConfirmation\",\"Message\":\"You have chosen to subscribe\"}";

        assertThatThrownBy(() -> parser.parse(confirmation))
                .isInstanceOfSatisfying(UnknownEventTypeException.class,
                        e -> assertThat(e.eventType()).isEqualTo("sns:SubscriptionConfirmation"));
    }

    @Test
    void namesAMissingEventBridgeObjectKey() {
        String json = event("eventbridge-object-created.json").replace("\"key\": \"example-key\",", "");

        assertThatThrownBy(() -> parser.parse(json)).isInstanceOf(MalformedEventException.class)
                .hasMessage("detail.object.key is missing");
    }

    // ---------------------------------------------------------------- size limit

    @Test
    void rejectsAPayloadLargerThanTheDefaultLimit() {
        String json = records(record("ObjectCreated:Put", "a.csv"));
        String oversized = json + " ".repeat(S3EventParser.DEFAULT_MAX_PAYLOAD_BYTES - json.length() + 1);

        assertThatThrownBy(() -> parser.parse(oversized)).isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("larger than 262144 bytes");
        assertThat(parser.parse(oversized.substring(0, oversized.length() - 1)).arrivals()).hasSize(1);
    }

    @Test
    void countsTheLimitInUtf8Bytes() {
        String json = records(record("ObjectCreated:Put", "é".repeat(100))); // 100 chars, 200 bytes
        S3EventParser small = S3EventParser.create(json.length() + 50);

        assertThatThrownBy(() -> small.parse(json)).isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("larger than " + (json.length() + 50) + " bytes");
        assertThat(S3EventParser.create(json.length() + 100).parse(json).arrivals()).hasSize(1);
    }

    @Test
    void rejectsANonPositiveLimit() {
        assertThatThrownBy(() -> S3EventParser.create(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxPayloadBytes must be >= 1, was 0");
    }

    private void assertMalformed(Consumer<ObjectNode> breakIt, String message) {
        ObjectNode r = record("ObjectCreated:Put", "a.csv");
        breakIt.accept(r);
        assertThatThrownBy(() -> parser.parse(records(r))).isInstanceOf(MalformedEventException.class)
                .hasMessage(message);
    }

    @Test
    void setsTheSequencerThatOrdersAKeysEventsAndTheVersionAListingShows() {
        Arrival a = parser.parse(event("s3-put.json")).arrivals().get(0);
        assertThat(a.sequencer()).isEqualTo("0A1B2C3D4E5F67890100000000000000");
        assertThat(a.version()).isEqualTo("0123456789abcdef0123456789abcdef:1024");
    }
}
