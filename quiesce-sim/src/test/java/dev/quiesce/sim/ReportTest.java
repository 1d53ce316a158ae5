package dev.quiesce.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTest {

    @Test
    void rowsKeepTheLatencyDistributionAtEveryPercentile() {
        Report report = Simulator.builder().runs(6).seed(7).threads(1)
                .policies(List.of("stable window=3 delay=constant:30s", "inactivity period=90s")).build()
                .run(List.of(Scenarios.named("bursty"))).report();
        for (Report.Row row : report.rows()) {
            assertThat(row.hasLatency()).isTrue();
            assertThat(row.latency()).hasSameSizeAs(Report.LATENCY_PERCENTILES).isSorted();
            assertThat(row.p50()).isEqualTo(row.latencyAt(50));
            assertThat(row.p99()).isEqualTo(row.latency().get(Report.LATENCY_PERCENTILES.indexOf(99.0)));
            assertThat(row.max()).isEqualTo(row.latency().get(row.latency().size() - 1)).isPositive();
            assertThat(row.latencyAt(0)).isLessThanOrEqualTo(row.p50());
        }
    }

    @Test
    void aRowWithoutCorrectCompletionsHasNoLatency() {
        Report.Row none = row("fast", "p", List.of());
        assertThat(none.hasLatency()).isFalse();
        assertThat(none.p50()).isEqualTo(-1);
        assertThat(none.max()).isEqualTo(-1);
        assertThat(new Report(1, 1, List.of(none)).toMarkdown()).contains("| – | – | – | – |");
    }

    @Test
    void latencyMustHaveOneNonDecreasingValuePerPercentile() {
        assertThatThrownBy(() -> row("fast", "p", List.of(1L, 2L))).isInstanceOf(IllegalArgumentException.class);
        List<Long> decreasing = new java.util.ArrayList<>(quantiles(1000));
        decreasing.set(3, 0L);
        assertThatThrownBy(() -> row("fast", "p", decreasing)).hasMessageContaining("must not decrease");
        assertThatThrownBy(() -> row("fast", "p", quantiles(1000)).latencyAt(42))
                .hasMessageContaining("no latency kept at percentile 42");
    }

    /** A distribution rising linearly from {@code step} ms, one step per percentile. */
    static List<Long> quantiles(long step) {
        return Report.LATENCY_PERCENTILES.stream().map(p -> step + (long) (p * step)).toList();
    }

    static Report.Row row(String scenario, String policy, List<Long> latency) {
        return new Report.Row(scenario, policy, 10, 1, 10, 10, 0, 0, 0, latency, 50, 100, 60, 40, 45, 300, 5_000, 9_000);
    }
}
