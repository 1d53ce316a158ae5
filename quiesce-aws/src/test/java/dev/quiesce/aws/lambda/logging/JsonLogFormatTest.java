package dev.quiesce.aws.lambda.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

class JsonLogFormatTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T = Instant.parse("2024-05-01T00:05:00.123456Z");

    private static JsonNode line(String message, Map<String, String> context, Throwable error) throws Exception {
        byte[] bytes = JsonLogFormat.format(T, Level.WARN, "dev.quiesce.aws.lambda.SqsBatch", message, context,
                Map.of(), error);
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertThat(text).endsWith("\n").doesNotContain("\n{");
        assertThat(text.trim()).doesNotContain("\n");
        return JSON.readTree(text);
    }

    @Test
    void keyValuePairsBecomeFieldsBesideTheWholeMessage() throws Exception {
        JsonNode j = line("monitor.rejected messageId=m-1 reason=\"check message lacks field 'version'\" "
                + "action=\"sent to the dead-letter queue\" attempts=3 again=false id=007", Map.of(), null);
        assertThat(j.get("timestamp").asText()).isEqualTo("2024-05-01T00:05:00.123Z");
        assertThat(j.get("level").asText()).isEqualTo("WARN");
        assertThat(j.get("logger").asText()).isEqualTo("dev.quiesce.aws.lambda.SqsBatch");
        assertThat(j.get("message").asText()).startsWith("monitor.rejected messageId=m-1 reason=");
        assertThat(j.get("event").asText()).isEqualTo("monitor.rejected");
        assertThat(j.get("messageId").asText()).isEqualTo("m-1");
        assertThat(j.get("reason").asText()).isEqualTo("check message lacks field 'version'");
        assertThat(j.get("action").asText()).isEqualTo("sent to the dead-letter queue");
        assertThat(j.get("attempts").isNumber()).isTrue();
        assertThat(j.get("attempts").asLong()).isEqualTo(3);
        assertThat(j.get("again").isBoolean()).isTrue();
        assertThat(j.get("id").asText()).isEqualTo("007");
    }

    @Test
    void theRequestIdAndTheFailureAreFields() throws Exception {
        JsonNode j = line("sweep.done checks=1 delivered=0", Map.of("AWSRequestId", "8f5e-1"),
                new IllegalStateException("boom", new RuntimeException("cause")));
        assertThat(j.get("AWSRequestId").asText()).isEqualTo("8f5e-1");
        assertThat(j.get("checks").asLong()).isEqualTo(1);
        assertThat(j.get("errorType").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(j.get("errorMessage").asText()).isEqualTo("boom");
        assertThat(j.get("stackTrace").asText()).contains("IllegalStateException: boom").contains("Caused by");
    }

    @Test
    void aPairCannotHideTheLinesOwnFields() throws Exception {
        JsonNode j = line("odd.event level=low message=\"quoted \"inner\" text\" plain words here", Map.of(), null);
        assertThat(j.get("level").asText()).isEqualTo("WARN");
        assertThat(j.get("_level").asText()).isEqualTo("low");
        assertThat(j.get("_message").asText()).isEqualTo("quoted \"inner\" text");
        assertThat(j.has("plain")).isFalse();
    }

    @Test
    void aMessageWithoutAnEventNameHasNone() throws Exception {
        JsonNode j = line("Started ElasticMQ on port 9324", Map.of(), null);
        assertThat(j.has("event")).isFalse();
        assertThat(j.get("message").asText()).isEqualTo("Started ElasticMQ on port 9324");
    }

    @Test
    void thisProviderIsTheOnlyOneOnTheClassPath() {
        assertThat(LoggerFactory.getLogger(JsonLogFormatTest.class)).isInstanceOf(JsonLogger.class);
    }

    @Test
    void theLevelComesFromTheFirstSettingGiven() {
        assertThat(JsonLogServiceProvider.threshold(null, "DEBUG", "warn")).isEqualTo(Level.DEBUG);
        assertThat(JsonLogServiceProvider.threshold("error", "DEBUG")).isEqualTo(Level.ERROR);
        assertThat(JsonLogServiceProvider.threshold(null, " ", null)).isEqualTo(Level.INFO);
        assertThat(JsonLogServiceProvider.threshold("FATAL")).isEqualTo(Level.ERROR);
    }
}
