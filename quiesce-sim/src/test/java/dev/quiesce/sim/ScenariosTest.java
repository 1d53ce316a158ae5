package dev.quiesce.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiesce.InvalidConfigurationException;
import org.junit.jupiter.api.Test;

class ScenariosTest {

    @Test
    void everyScenarioLoadsUnderItsOwnNameAndLandsSomething() {
        for (Workload w : Scenarios.catalog()) {
            assertThat(Scenarios.NAMES).contains(w.name());
            assertThat(w.description()).isNotBlank();
            Traffic t = Traffic.generate(w, 1, 0);
            for (int d = 0; d < t.datasets(); d++) {
                assertThat(t.lastVisibleMillis(d)).as(w.name() + " dataset " + d).isNotNegative();
            }
        }
    }

    @Test
    void catalogHasTheIssuesScenarios() {
        assertThat(Scenarios.NAMES).contains("steady-firehose-60s", "steady-firehose-300s", "fast", "bursty",
                "slow-trickle", "producer-stall", "straggler", "heavy-tail-events", "large-multipart",
                "many-small-datasets");
        assertThat(Scenarios.named("many-small-datasets").datasets()).isEqualTo(10_000);
        assertThat(Scenarios.named("steady-firehose-60s").producers().get(0).count()).isEqualTo(50);
    }

    @Test
    void unknownScenarioListsTheCatalog() {
        assertThatThrownBy(() -> Scenarios.named("nope"))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("fast");
    }
}
