package dev.quiesce.aws.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quiesce.DeliveryFailedException;
import io.cloudevents.CloudEvent;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.ResourceNotFoundException;

/**
 * {@link EventBridgeNotifier} against a local HTTP endpoint that records the PutEvents request the SDK
 * really sends and answers as EventBridge does. No EventBridge stand-in exists on Maven Central or npm
 * that we may use here (see {@link AwsEndpoint}), so this checks the wire request and the handling of
 * the documented answers, including a rejected entry in a successful response.
 */
class EventBridgeNotifierTest {

    private static final String JSON_1_1 = "application/x-amz-json-1.1";
    private static final String ACCEPTED =
            "{\"FailedEntryCount\":0,\"Entries\":[{\"EventId\":\"11710aed-b79e-4468-a20b-bb3c0c3b4860\"}]}";
    private static final String REJECTED = "{\"FailedEntryCount\":1,\"Entries\":[{\"ErrorCode\":\"InternalFailure\","
            + "\"ErrorMessage\":\"Internal service failure.\"}]}";

    private AwsEndpoint events;
    private EventBridgeClient client;

    @BeforeEach
    void start() {
        events = AwsEndpoint.start();
        client = EventBridgeClient.builder()
                .endpointOverride(events.uri())
                .region(Region.US_EAST_1)
                .credentialsProvider(AwsEndpoint.CREDENTIALS)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
    }

    @AfterEach
    void stop() {
        client.close();
        events.close();
    }

    @Test
    void putsTheStructuredCloudEventAsTheDetail() {
        events.answer(200, JSON_1_1, ACCEPTED);

        new EventBridgeNotifier(client, "quiesce-bus", "dev.quiesce").deliver(Events.completed());

        AwsEndpoint.Request request = events.onlyRequest();
        assertThat(request.header("X-Amz-Target")).isEqualTo("AWSEvents.PutEvents");
        JsonNode entries = Events.tree(request.body()).get("Entries");
        assertThat(entries).hasSize(1);
        JsonNode entry = entries.get(0);
        assertThat(entry.get("EventBusName").asText()).isEqualTo("quiesce-bus");
        assertThat(entry.get("Source").asText()).isEqualTo("dev.quiesce");
        assertThat(entry.get("DetailType").asText()).isEqualTo("dev.quiesce.observation.completed");
        assertThat(entry.get("Time").asLong()).isEqualTo(Events.COMPLETED_AT.getEpochSecond());
        assertThat(Events.tree(entry.get("Detail").asText()).isObject()).as("detail is a JSON object").isTrue();
        CloudEvent ce = Events.cloudEvent(entry.get("Detail").asText());
        assertThat(ce.getId()).isEqualTo("obs-1/2");
        assertThat(ce.getType()).isEqualTo("dev.quiesce.observation.completed");
        assertThat(ce.getSource()).isEqualTo(URI.create("urn:quiesce"));
        assertThat(ce.getSubject()).isEqualTo("events");
        assertThat(Events.data(ce).get("dataset").asText()).isEqualTo("events");
    }

    @Test
    void usesTheConfiguredCloudEventSourceInsideTheDetail() {
        events.answer(200, JSON_1_1, ACCEPTED);

        new EventBridgeNotifier(client, "default", "dev.quiesce", URI.create("https://quiesce.example.com/prod"))
                .deliver(Events.completed());

        JsonNode entry = Events.tree(events.onlyRequest().body()).get("Entries").get(0);
        assertThat(Events.cloudEvent(entry.get("Detail").asText()).getSource())
                .isEqualTo(URI.create("https://quiesce.example.com/prod"));
    }

    @Test
    void rejectedEntryRaisesDeliveryFailedException() {
        events.answer(200, JSON_1_1, REJECTED);

        assertThatThrownBy(() -> new EventBridgeNotifier(client, "quiesce-bus", "dev.quiesce")
                        .deliver(Events.completed()))
                .isInstanceOf(DeliveryFailedException.class)
                .hasMessage("EventBridge PutEvents rejected event obs-1/2 on bus quiesce-bus: "
                        + "InternalFailure: Internal service failure.");
    }

    @Test
    void errorAnswerRaisesDeliveryFailedExceptionKeepingTheCause() {
        events.answer(400, JSON_1_1, Map.of("x-amzn-ErrorType", "ResourceNotFoundException"),
                "{\"__type\":\"ResourceNotFoundException\",\"message\":\"Event bus no-such-bus does not exist.\"}");

        assertThatThrownBy(() -> new EventBridgeNotifier(client, "no-such-bus", "dev.quiesce")
                        .deliver(Events.completed()))
                .isInstanceOf(DeliveryFailedException.class)
                .hasMessage("EventBridge PutEvents of event obs-1/2 to bus no-such-bus failed: "
                        + "ResourceNotFoundException (HTTP 400): Event bus no-such-bus does not exist.")
                .hasCauseInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void isNamedEventbridgeAndRejectsBadArguments() {
        assertThat(new EventBridgeNotifier(client, "default", "dev.quiesce").name()).isEqualTo("eventbridge");
        assertThatThrownBy(() -> new EventBridgeNotifier(client, "default", "aws.s3"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not start with 'aws.'");
        assertThatThrownBy(() -> new EventBridgeNotifier(client, "default", "s".repeat(257)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("source must be at most 256 characters, was 257");
        assertThatThrownBy(() -> new EventBridgeNotifier(client, "", "dev.quiesce"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("busName must not be blank");
        assertThatThrownBy(() -> new EventBridgeNotifier(client, "default", null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("source");
    }
}
