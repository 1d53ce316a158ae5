package dev.quiesce.aws.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiesce.DeliveryFailedException;
import dev.quiesce.LifecycleEvent;
import io.cloudevents.CloudEvent;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.NotFoundException;

/**
 * {@link SnsNotifier} against a local HTTP endpoint that records the Publish request the SDK really
 * sends and answers as SNS does. No SNS stand-in exists on Maven Central or npm that we may use here
 * (see {@link AwsEndpoint}), so this checks the wire request and the handling of the documented answers.
 */
class SnsNotifierTest {

    private static final String TOPIC = "arn:aws:sns:us-east-1:123456789012:quiesce-events";
    private static final String FIFO_TOPIC = "arn:aws:sns:us-east-1:123456789012:quiesce-events.fifo";

    /** The PublishResponse document from the SNS API reference. */
    private static final String PUBLISHED = """
            <PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
              <PublishResult>
                <MessageId>567910cd-659e-55d4-8ccb-5aaf14679dc0</MessageId>
              </PublishResult>
              <ResponseMetadata>
                <RequestId>d74b8436-ae13-5ab4-a9ff-ce54dfea72a0</RequestId>
              </ResponseMetadata>
            </PublishResponse>
            """;

    /** The error document SNS sends for a topic that does not exist. */
    private static final String TOPIC_NOT_FOUND = """
            <ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
              <Error>
                <Type>Sender</Type>
                <Code>NotFound</Code>
                <Message>Topic does not exist</Message>
              </Error>
              <RequestId>9dd01905-5012-5f99-8663-4b3ecd0dfaef</RequestId>
            </ErrorResponse>
            """;

    private AwsEndpoint sns;
    private SnsClient client;

    @BeforeEach
    void start() {
        sns = AwsEndpoint.start();
        client = clientFor(sns.uri());
    }

    @AfterEach
    void stop() {
        client.close();
        sns.close();
    }

    @Test
    void publishesTheStructuredCloudEventWithFilterAttributes() {
        sns.answer(200, "text/xml", PUBLISHED);

        new SnsNotifier(client, TOPIC).deliver(Events.completed());

        AwsEndpoint.Request request = sns.onlyRequest();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.header("Content-Type")).startsWith("application/x-www-form-urlencoded");
        Map<String, String> form = request.form();
        assertThat(form).containsEntry("Action", "Publish").containsEntry("TopicArn", TOPIC)
                .doesNotContainKeys("MessageGroupId", "MessageDeduplicationId");
        CloudEvent ce = Events.cloudEvent(form.get("Message"));
        assertThat(ce.getSpecVersion().toString()).isEqualTo("1.0");
        assertThat(ce.getId()).isEqualTo("obs-1/2");
        assertThat(ce.getType()).isEqualTo("dev.quiesce.observation.completed");
        assertThat(ce.getSource()).isEqualTo(URI.create("urn:quiesce"));
        assertThat(ce.getSubject()).isEqualTo("events");
        assertThat(Events.data(ce).get("objects").asLong()).isEqualTo(3);
        assertThat(attributes(form)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "ce_type", "String:dev.quiesce.observation.completed",
                "ce_id", "String:obs-1/2",
                "ce_subject", "String:events"));
    }

    @Test
    void fifoTopicGroupsByDatasetAndDeduplicatesByEventId() {
        sns.answer(200, "text/xml", PUBLISHED);

        new SnsNotifier(client, FIFO_TOPIC).deliver(Events.completed());

        assertThat(sns.onlyRequest().form())
                .containsEntry("MessageGroupId", "events")
                .containsEntry("MessageDeduplicationId", "obs-1/2");
    }

    @Test
    void fifoIdsSnsWouldRejectAreReplacedByTheirSha256() {
        sns.answer(200, "text/xml", PUBLISHED);
        LifecycleEvent event = Events.completed("obs-1", "ventes d’été/" + "x".repeat(200));

        new SnsNotifier(client, FIFO_TOPIC).deliver(event);

        assertThat(sns.onlyRequest().form().get("MessageGroupId")).matches("sha256-[0-9a-f]{64}");
        assertThat(sns.onlyRequest().form()).containsEntry("MessageDeduplicationId", "obs-1/2");
    }

    @Test
    void usesTheConfiguredCloudEventSource() {
        sns.answer(200, "text/xml", PUBLISHED);

        new SnsNotifier(client, TOPIC, URI.create("https://quiesce.example.com/prod")).deliver(Events.completed());

        assertThat(Events.cloudEvent(sns.onlyRequest().form().get("Message")).getSource())
                .isEqualTo(URI.create("https://quiesce.example.com/prod"));
    }

    @Test
    void errorAnswerRaisesDeliveryFailedExceptionKeepingTheCause() {
        sns.answer(404, "text/xml", TOPIC_NOT_FOUND);

        assertThatThrownBy(() -> new SnsNotifier(client, TOPIC).deliver(Events.completed()))
                .isInstanceOf(DeliveryFailedException.class)
                .hasMessage("SNS Publish of event obs-1/2 to " + TOPIC
                        + " failed: NotFound (HTTP 404): Topic does not exist")
                .hasCauseInstanceOf(NotFoundException.class);
    }

    @Test
    void unreachableSnsRaisesDeliveryFailedException() {
        URI closed = sns.uri();
        sns.close();
        try (SnsClient nowhere = clientFor(closed)) {
            assertThatThrownBy(() -> new SnsNotifier(nowhere, TOPIC).deliver(Events.completed()))
                    .isInstanceOf(DeliveryFailedException.class)
                    .hasMessageStartingWith("SNS Publish of event obs-1/2 to " + TOPIC + " failed: SdkClientException")
                    .hasCauseInstanceOf(SdkClientException.class);
        }
    }

    @Test
    void isNamedSnsAndRejectsBadArguments() {
        assertThat(new SnsNotifier(client, TOPIC).name()).isEqualTo("sns");
        assertThatThrownBy(() -> new SnsNotifier(client, " ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("topicArn must not be blank");
        assertThatThrownBy(() -> new SnsNotifier(null, TOPIC)).isInstanceOf(NullPointerException.class)
                .hasMessage("client");
        assertThatThrownBy(() -> new SnsNotifier(client, TOPIC, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("source");
    }

    /** {@code MessageAttributes.entry.N.*} of a Publish form as name to {@code DataType:StringValue}. */
    private static Map<String, String> attributes(Map<String, String> form) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 1; form.containsKey("MessageAttributes.entry." + i + ".Name"); i++) {
            String p = "MessageAttributes.entry." + i;
            out.put(form.get(p + ".Name"), form.get(p + ".Value.DataType") + ":" + form.get(p + ".Value.StringValue"));
        }
        return out;
    }

    private static SnsClient clientFor(URI endpoint) {
        return SnsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(AwsEndpoint.CREDENTIALS)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
    }
}
