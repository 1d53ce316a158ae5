package dev.quiesce.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiesce.InvalidConfigurationException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulatorTest {

    private static final Instant T0 = Simulator.ORIGIN;

    /** The founding note's arrivals: objects at t = 0, 10, 40 and 70 s, visible at once. */
    private static final Workload NOTE = Workload.explicit("founding-note", List.of(
            Workload.PlannedArrival.at(0, "part-0", 100),
            Workload.PlannedArrival.at(10, "part-1", 100),
            Workload.PlannedArrival.at(40, "part-2", 100),
            Workload.PlannedArrival.at(70, "part-3", 100)));

    private static Instant completion(String policy) {
        RunResult r = Simulator.builder().policies(List.of(policy)).build().play(NOTE, policy, 0);
        assertThat(r.notifications()).isEqualTo(1);
        return r.completedAt(0).orElseThrow();
    }

    @Test
    void explicitArrivalsCompleteWhenTheFoundationsHandComputedTimelinesSay() {
        // the same engine as FoundingNoteTimelineTest in quiesce-core, so the same numbers
        assertThat(completion("stable window=3 delay=constant:30s")).isEqualTo(T0.plusSeconds(180));
        assertThat(completion("stable window=3 delay=divided:30s")).isEqualTo(T0.plusSeconds(165));
        assertThat(completion("stable window=3 delay=decay:30s")).isEqualTo(T0.plusSeconds(137));
        assertThat(completion("inactivity period=45s")).isEqualTo(T0.plusSeconds(115));
    }

    @Test
    void explicitRunReportsLatencyFromTheLastVisibleArrival() {
        RunResult r = Simulator.builder().build().play(NOTE, "stable window=3 delay=constant:30s", 0);
        assertThat(r.lastVisibleAt(0)).isEqualTo(T0.plusSeconds(70));
        assertThat(r.falseCompletion(0)).isFalse();
        assertThat(r.latency(0)).hasValue(java.time.Duration.ofSeconds(110));
        assertThat(r.checks(0)).isEqualTo(6);
        assertThat(r.arrivals()).isEqualTo(4);
    }

    @Test
    void sameSeedGivesTheSameReportByteForByteWhateverTheThreads() {
        List<Workload> some = List.of(Scenarios.named("slow-trickle"), Scenarios.named("bursty"),
                Scenarios.named("heavy-tail-events"));
        Report one = Simulator.builder().runs(8).seed(42).threads(1).build().run(some).report();
        Report two = Simulator.builder().runs(8).seed(42).threads(2).build().run(some).report();
        assertThat(two.toMarkdown()).isEqualTo(one.toMarkdown());
        assertThat(two).isEqualTo(one);
        Report other = Simulator.builder().runs(8).seed(43).threads(2).build().run(some).report();
        assertThat(other.toMarkdown()).isNotEqualTo(one.toMarkdown());
    }

    @Test
    void theNotesConstantSettingCompletesFalselyOnSlowTrickleAndProducerStall() {
        String note = "stable window=3 delay=constant:30s";
        Report report = Simulator.builder().runs(20).policies(List.of(note, "inactivity period=1h")).build()
                .run(List.of(Scenarios.named("slow-trickle"), Scenarios.named("producer-stall"))).report();
        assertThat(report.row("slow-trickle", note).orElseThrow().falseCompletions()).isPositive();
        assertThat(report.row("producer-stall", note).orElseThrow().falseCompletions()).isPositive();
        // an hour of silence is longer than any gap in either: never early, but always an hour late
        assertThat(report.row("slow-trickle", "inactivity period=1h").orElseThrow().falseCompletions()).isZero();
        assertThat(report.row("producer-stall", "inactivity period=1h").orElseThrow().falseCompletions()).isZero();
    }

    @Test
    void regularFortyFiveSecondGapsNeverFoolTheNotesConstantSetting() {
        // three unchanged checks 30 s apart need 90 s of silence; gaps of 45 s never give it
        String note = "stable window=3 delay=constant:30s";
        Report.Row row = Simulator.builder().runs(10).policies(List.of(note)).build()
                .run(Scenarios.named("slow-trickle-regular")).report().rows().get(0);
        assertThat(row.falseCompletions()).isZero();
        assertThat(row.completed()).isEqualTo(10);
    }

    @Test
    void everyObservationIsNotifiedExactlyOnce() {
        Workload many = Scenarios.named("many-small-datasets");
        RunResult r = Simulator.builder().build().play(many, "stable window=3 delay=decay:30s", 0);
        assertThat(r.datasets()).isEqualTo(10_000);
        assertThat(r.notifications()).isEqualTo(10_000);
        for (int d = 0; d < r.datasets(); d++) {
            assertThat(r.ending(d)).isEqualTo(RunResult.Ending.COMPLETED);
        }
    }

    @Test
    void reportCountsCostsPerDataset() {
        Report.Row row = Simulator.builder().runs(2).policies(List.of("stable window=3 delay=constant:30s")).build()
                .run(NOTE).report().rows().get(0);
        assertThat(row.observations()).isEqualTo(2);
        assertThat(row.checks()).isEqualTo(12);
        assertThat(row.p50()).isEqualTo(110_000);
        assertThat(row.max()).isEqualTo(110_000);
        assertThat(row.schedulerMessages()).isPositive();
        assertThat(row.storeReads()).isPositive();
        assertThat(row.storeWrites()).isGreaterThanOrEqualTo(8);
    }

    @Test
    void invalidPolicyIsRefusedWhenBuilding() {
        assertThatThrownBy(() -> Simulator.builder().policies(List.of("stable window=0")))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("window");
    }
}
