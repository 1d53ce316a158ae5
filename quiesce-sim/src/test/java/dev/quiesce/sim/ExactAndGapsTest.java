package dev.quiesce.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiesce.Arrival;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Producers' declarations and the exact policy in the simulator, and the longest quiet gap it measures. */
class ExactAndGapsTest {

    private static final String EXACT = "expected unit=records producers={producers}";

    @Test
    void everyProducerOpensThenClosesWithTheRecordsThatLand() {
        Workload w = Scenarios.named("straggler");
        Traffic t = Traffic.generate(w, 1, 0);
        Map<String, Long> opened = new HashMap<>();
        long declared = 0;
        for (Traffic.Declaration d : t.declarations()) {
            if (d.closes()) {
                assertThat(opened).as("opened before closing").containsKey(d.producer());
                assertThat(d.atMillis()).isGreaterThanOrEqualTo(opened.get(d.producer()));
                declared += d.records();
            } else {
                opened.put(d.producer(), d.atMillis());
            }
        }
        assertThat(opened).hasSize(20);
        long landed = 0;
        for (int d = 0; d < t.deliveryCount(); d++) {
            if (!t.deliveries().get(d).duplicate()) {
                landed += t.arrivalOf(d).records();
            }
        }
        assertThat(landed).isEqualTo(declared).isPositive();
        // the straggler returns ten minutes after the others, while its last records still sit in the buffer
        long lastClose = t.declarations().get(t.declarations().size() - 1).atMillis();
        assertThat(lastClose).isLessThan(t.lastVisibleMillis());
    }

    @Test
    void exactCompletionIsNeitherFalseNorLateWhereNoHeuristicIsRight() {
        for (String scenario : List.of("producer-stall", "straggler", "heavy-tail-events", "large-multipart")) {
            Report r = Simulator.builder().policies(List.of(EXACT, "stable window=3 delay=constant:30s")).runs(5)
                    .build().run(Scenarios.named(scenario)).report();
            Report.Row exact = r.row(scenario, EXACT).orElseThrow();
            assertThat(exact.falseCompletions()).as(scenario).isZero();
            assertThat(exact.completed()).as(scenario).isEqualTo(exact.observations());
            // checks run on every arrival and declaration: the completion is the last object's check
            assertThat(exact.max()).as(scenario).isZero();
        }
    }

    @Test
    void explicitArrivalsAreCountedWithoutRecordsAndHaveNoDeclarations() {
        Workload w = Workload.explicit("list", List.of(Workload.PlannedArrival.at(0, "a", 1),
                Workload.PlannedArrival.at(10, "b", 1), Workload.PlannedArrival.at(50, "c", 1),
                Workload.PlannedArrival.at(60, "d", 1)));
        Traffic t = Traffic.generate(w, 1, 0);
        assertThat(t.declarations()).isEmpty();
        assertThat(t.arrivalOf(0).records()).isEqualTo(Arrival.UNCOUNTED);
        assertThat(t.longestQuietGapMillis(0)).isEqualTo(40_000);
        RunResult run = Simulator.builder().build().play(w, "stable window=3 delay=constant:30s", 0);
        assertThat(run.longestQuietGapMillis(0)).isEqualTo(40_000);
        assertThat(run.falseCompletion(0)).isFalse();
    }

    @Test
    void theReportShowsEachScenariosLongestQuietGap() {
        Report r = Simulator.builder().policies(List.of("inactivity period=1h")).runs(3).build()
                .run(Scenarios.named("steady-firehose-60s")).report();
        Report.Row row = r.rows().get(0);
        // the final flush waits out Firehose's 60 s buffer interval after the last size-triggered one
        assertThat(row.quietGapP50()).isBetween(55_000L, 65_000L);
        assertThat(row.quietGapMax()).isGreaterThanOrEqualTo(row.quietGapP50());
        assertThat(r.toMarkdown()).contains("| steady-firehose-60s | " + String.format(java.util.Locale.ROOT, "%.1f",
                row.quietGapP50() / 1000.0) + " / ");
    }
}
