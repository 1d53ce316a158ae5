package dev.quiesce.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quiesce.DeliveryFailedException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonLinesNotifierTest {

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final JsonLinesNotifier notifier =
            new JsonLinesNotifier(new PrintStream(buffer, false, StandardCharsets.UTF_8));

    @Test
    void writesOneJsonObjectPerLineWithCountersAsNumbers() throws IOException {
        notifier.deliver(Events.activated());
        notifier.deliver(Events.completed());

        List<JsonNode> lines = lines();
        assertThat(lines).hasSize(2);
        JsonNode done = lines.get(1);
        assertThat(done.get("id").asText()).isEqualTo("obs-1/2");
        assertThat(done.get("type").asText()).isEqualTo("COMPLETED");
        assertThat(done.get("observation").asText()).isEqualTo("obs-1");
        assertThat(done.get("dataset").asText()).isEqualTo("events");
        assertThat(done.get("objects").isIntegralNumber()).isTrue();
        assertThat(done.get("objects").asLong()).isEqualTo(3);
        assertThat(done.get("bytes").asLong()).isEqualTo(30);
        assertThat(done.get("transition").isIntegralNumber()).isTrue();
        assertThat(done.get("changeSeq").isIntegralNumber()).isTrue();
        assertThat(done.get("checks").isIntegralNumber()).isTrue();
        assertThat(done.get("lastArrival").isTextual()).isTrue();
        assertThat(done.get("lastArrival").asText()).isEqualTo("2024-05-01T00:00:20Z");
        assertThat(done.get("reason").asText()).isEqualTo("stable");
        assertThat(lines.get(0).get("type").asText()).isEqualTo("ACTIVATED");
    }

    @Test
    void keepsTheFieldOrderOfTheEvent() throws IOException {
        notifier.deliver(Events.completed());
        List<String> names = new ArrayList<>();
        lines().get(0).fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactlyElementsOf(Events.completed().fields().keySet());
    }

    @Test
    void acceptsEveryEventIncludingActivated() {
        assertThat(notifier.name()).isEqualTo("stdout");
        assertThat(notifier.accepts(Events.activated())).isTrue();
        assertThat(notifier.accepts(Events.completed())).isTrue();
    }

    @Test
    void failsWhenTheStreamCannotBeWritten() {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("broken pipe");
            }
        };
        var failing = new JsonLinesNotifier(new PrintStream(broken, false, StandardCharsets.UTF_8));

        assertThatThrownBy(() -> failing.deliver(Events.completed()))
                .isInstanceOf(DeliveryFailedException.class)
                .hasMessageContaining("obs-1/2");
    }

    private List<JsonNode> lines() throws IOException {
        String text = buffer.toString(StandardCharsets.UTF_8);
        assertThat(text).endsWith(System.lineSeparator());
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : text.split("\\R")) {
            nodes.add(new ObjectMapper().readTree(line));
        }
        return nodes;
    }
}
