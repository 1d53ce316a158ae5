package dev.quiesce.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiesce.InvalidConfigurationException;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyTemplateTest {

    @Test
    void fillsTheBufferIntervalAndTheProducerCount() {
        Workload w = Scenarios.named("steady-firehose-60s");
        assertThat(PolicyTemplate.resolve("adaptive hint={buffer-interval}", w)).isEqualTo("adaptive hint=1m");
        assertThat(PolicyTemplate.resolve("expected unit=records producers={producers}", w))
                .isEqualTo("expected unit=records producers=50");
        assertThat(PolicyTemplate.resolve("adaptive hint={buffer-interval} threshold=3", w))
                .isEqualTo("adaptive hint=1m threshold=3");
        assertThat(PolicyTemplate.resolve("stable window=3", w)).isEqualTo("stable window=3");
    }

    @Test
    void dropsAnOptionTheWorkloadCannotFill() {
        assertThat(PolicyTemplate.resolve("adaptive hint={buffer-interval}", Scenarios.named("fast")))
                .as("zero buffering").isEqualTo("adaptive");
        Workload explicit = Workload.explicit("list", List.of(Workload.PlannedArrival.at(0, "a", 1)));
        assertThat(PolicyTemplate.resolve("adaptive hint={buffer-interval} threshold=3", explicit))
                .isEqualTo("adaptive threshold=3");
    }

    @Test
    void refusesUnknownOrMisplacedPlaceholders() {
        Workload w = Scenarios.named("fast");
        assertThatThrownBy(() -> PolicyTemplate.resolve("adaptive hint={interval}", w))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("unknown placeholder {interval}");
        assertThatThrownBy(() -> PolicyTemplate.resolve("{producers}", w))
                .hasMessageContaining("placeholders go in option values");
    }
}
