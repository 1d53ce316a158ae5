package dev.quiesce.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quiesce.DeliveryFailedException;
import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonCloudEventData;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WebhookNotifierTest {

    private static final String SECRET = "s3cr3t-shared-with-the-receiver";

    private final HttpReceiver receiver = HttpReceiver.start();

    @AfterEach
    void stopReceiver() {
        receiver.close();
    }

    @Test
    void signatureVerifiesAgainstTheSecretOverTheReceivedBody() {
        var webhook = WebhookNotifier.builder(receiver.url()).secret(SECRET).build();

        webhook.deliver(Events.completed());

        HttpReceiver.Request r = single();
        String header = r.header(WebhookNotifier.SIGNATURE_HEADER);
        assertThat(header).matches("sha256=[0-9a-f]{64}");
        assertThat(WebhookNotifier.verify(r.body(), header, SECRET)).isTrue();
        assertThat(WebhookNotifier.verify(r.body(), header, "another secret")).isFalse();
        byte[] tampered = Arrays.copyOf(r.body(), r.body().length);
        tampered[tampered.length / 2] ^= 1;
        assertThat(WebhookNotifier.verify(tampered, header, SECRET)).isFalse();
    }

    @Test
    void sendsNoSignatureWithoutASecret() {
        var webhook = WebhookNotifier.builder(receiver.url()).secret(null).build();

        webhook.deliver(Events.completed());

        assertThat(single().header(WebhookNotifier.SIGNATURE_HEADER)).isNull();
    }

    @Test
    void postsAStructuredCloudEvent() throws IOException {
        var webhook = WebhookNotifier.builder(receiver.url()).secret(SECRET).build();

        webhook.deliver(Events.completed());

        HttpReceiver.Request r = single();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/hooks/quiesce");
        assertThat(r.header("Content-Type")).startsWith("application/cloudevents+json");

        JsonNode json = new ObjectMapper().readTree(r.body());
        assertThat(json.get("specversion").asText()).isEqualTo("1.0");
        assertThat(json.get("data").isObject()).as("data inline as JSON, not base64").isTrue();

        CloudEvent ce = StructuredCloudEvent.format().deserialize(r.body());
        assertThat(ce.getId()).isEqualTo("obs-1/2");
        assertThat(ce.getType()).isEqualTo("dev.quiesce.observation.completed");
        assertThat(ce.getSource()).isEqualTo(URI.create("urn:quiesce"));
        assertThat(ce.getSubject()).isEqualTo("events");
        assertThat(ce.getTime()).isEqualTo(OffsetDateTime.parse("2024-05-01T00:02:00Z"));
        assertThat(ce.getDataContentType()).isEqualTo("application/json");
        JsonNode data = ((JsonCloudEventData) ce.getData()).getNode();
        assertThat(data.get("id").asText()).isEqualTo("obs-1/2");
        assertThat(data.get("observation").asText()).isEqualTo("obs-1");
        assertThat(data.get("dataset").asText()).isEqualTo("events");
        assertThat(data.get("objects").isIntegralNumber()).isTrue();
        assertThat(data.get("objects").asLong()).isEqualTo(3);
        assertThat(data.get("bytes").asLong()).isEqualTo(30);
        assertThat(data.get("lastArrival").asText()).isEqualTo("2024-05-01T00:00:20Z");
    }

    @Test
    void usesTheConfiguredSource() {
        var webhook = WebhookNotifier.builder(receiver.url())
                .source(URI.create("https://quiesce.example.com/prod")).build();

        webhook.deliver(Events.completed());

        CloudEvent ce = StructuredCloudEvent.format().deserialize(single().body());
        assertThat(ce.getSource()).hasToString("https://quiesce.example.com/prod");
    }

    @Test
    void non2xxFailsWithTheStatusAndABodyExcerpt() {
        receiver.failAlways(503);
        var webhook = WebhookNotifier.builder(receiver.url()).build();

        assertThatThrownBy(() -> webhook.deliver(Events.completed()))
                .isInstanceOf(DeliveryFailedException.class)
                .hasMessageContaining("HTTP 503")
                .hasMessageContaining(HttpReceiver.FAILURE_BODY);
    }

    @Test
    void connectionRefusedFailsWithTheCause() {
        var webhook = WebhookNotifier.builder(HttpReceiver.closedPort()).timeout(Duration.ofSeconds(5)).build();

        assertThatThrownBy(() -> webhook.deliver(Events.completed()))
                .isInstanceOf(DeliveryFailedException.class)
                .hasMessageContaining("could not be reached")
                .hasCauseInstanceOf(java.net.ConnectException.class);
    }

    @Test
    void receiverThatNeverAnswersFailsAfterTheTimeout() {
        receiver.hang();
        var webhook = WebhookNotifier.builder(receiver.url()).timeout(Duration.ofMillis(300)).build();

        assertThatThrownBy(() -> webhook.deliver(Events.completed()))
                .isInstanceOf(DeliveryFailedException.class)
                .hasMessageContaining("timed out after PT0.3S");
    }

    @Test
    void verifyRejectsAbsentAndMalformedHeaders() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        String good = WebhookNotifier.signature(body, SECRET);

        assertThat(WebhookNotifier.verify(body, good, SECRET)).isTrue();
        assertThat(WebhookNotifier.verify(body, good.toUpperCase().replace("SHA256=", "sha256="), SECRET)).isTrue();
        assertThat(WebhookNotifier.verify(body, null, SECRET)).isFalse();
        assertThat(WebhookNotifier.verify(body, good.substring("sha256=".length()), SECRET)).isFalse();
        assertThat(WebhookNotifier.verify(body, "sha256=zz", SECRET)).isFalse();
        assertThat(WebhookNotifier.verify(body, "sha256=", SECRET)).isFalse();
        assertThat(WebhookNotifier.verify(body, good.substring(0, good.length() - 2), SECRET)).isFalse();
    }

    @Test
    void builderRejectsBadSettings() {
        assertThatThrownBy(() -> WebhookNotifier.builder(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> WebhookNotifier.builder(URI.create("ftp://example.com/x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http");
        assertThatThrownBy(() -> WebhookNotifier.builder(URI.create("/relative")))
                .isInstanceOf(IllegalArgumentException.class);
        var builder = WebhookNotifier.builder(receiver.url());
        assertThatThrownBy(() -> builder.secret("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.timeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.timeout(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.source(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void toStringNeverShowsTheSecret() {
        var webhook = WebhookNotifier.builder(receiver.url()).secret(SECRET).build();
        assertThat(webhook.toString()).doesNotContain(SECRET).contains("signed=true");
        assertThat(webhook.name()).isEqualTo("webhook");
        assertThat(webhook.accepts(Events.activated())).isFalse();
    }

    private HttpReceiver.Request single() {
        assertThat(receiver.requests()).hasSize(1);
        return receiver.requests().get(0);
    }
}
