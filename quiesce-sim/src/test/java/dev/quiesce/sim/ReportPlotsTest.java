package dev.quiesce.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportPlotsTest {

    private static final List<String> POLICIES = List.of("stable window=3 delay=constant:30s", "inactivity period=1h",
            "adaptive");

    /**
     * Three scenarios: one where every policy completed correctly, one where a policy never did, one where
     * none did (latencies from under 0.1 s to an hour, as the catalog gives).
     */
    static Report sample() {
        List<Report.Row> rows = new ArrayList<>();
        rows.add(row("fast", POLICIES.get(0), 0, ReportTest.quantiles(40)));
        rows.add(row("fast", POLICIES.get(1), 0, ReportTest.quantiles(36_000)));
        rows.add(row("fast", POLICIES.get(2), 1, ReportTest.quantiles(300)));
        rows.add(row("slow-trickle", POLICIES.get(0), 10, List.of()));
        rows.add(row("slow-trickle", POLICIES.get(1), 0, ReportTest.quantiles(36_500)));
        rows.add(row("slow-trickle", POLICIES.get(2), 3, ReportTest.quantiles(900)));
        rows.add(row("producer-stall", POLICIES.get(0), 10, List.of()));
        rows.add(row("producer-stall", POLICIES.get(1), 10, List.of()));
        rows.add(row("producer-stall", POLICIES.get(2), 10, List.of()));
        return new Report(5, 10, rows);
    }

    private static Report.Row row(String scenario, String policy, long falseCompletions, List<Long> latency) {
        return new Report.Row(scenario, policy, 10, 1, 10, 10, falseCompletions, 0, 0, latency, 50, 100, 60, 40, 45, 300, 5_000, 9_000);
    }

    @Test
    void writesTheFalseCompletionChartAndOneLatencyChartPerScenario(@TempDir Path dir) throws IOException {
        List<ReportPlots.Plot> plots = ReportPlots.write(sample(), dir.resolve("plots"));
        assertThat(plots).extracting(p -> p.file().getFileName().toString()).containsExactly(
                "false-completions.png", "latency-fast.png", "latency-slow-trickle.png", "latency-producer-stall.png");
        for (ReportPlots.Plot p : plots) {
            BufferedImage image = ImageIO.read(p.file().toFile());
            assertThat(image).as(p.file().toString()).isNotNull();
            assertThat(image.getWidth()).isEqualTo(ReportPlots.WIDTH);
            assertThat(image.getHeight()).isEqualTo(ReportPlots.HEIGHT);
            assertThat(p.caption()).isNotBlank();
        }
    }

    @Test
    void theSameReportGivesTheSamePngBytes(@TempDir Path dir) throws IOException {
        List<ReportPlots.Plot> one = ReportPlots.write(sample(), dir.resolve("one"));
        List<ReportPlots.Plot> two = ReportPlots.write(sample(), dir.resolve("two"));
        assertThat(two).hasSameSizeAs(one);
        for (int i = 0; i < one.size(); i++) {
            assertThat(Files.readAllBytes(two.get(i).file())).as(two.get(i).file().toString())
                    .isEqualTo(Files.readAllBytes(one.get(i).file()));
        }
        assertThat(ReportPlots.png(ReportPlots.latency(sample(), "fast")))
                .isEqualTo(ReportPlots.png(ReportPlots.latency(sample(), "fast")))
                .isNotEqualTo(ReportPlots.png(ReportPlots.latency(sample(), "slow-trickle")));
    }

    @Test
    void aSimulatedReportRendersTheSameTwice(@TempDir Path dir) throws IOException {
        Simulator sim = Simulator.builder().runs(4).seed(3).threads(2).build();
        List<Workload> some = List.of(Scenarios.named("fast"), Scenarios.named("bursty"));
        List<ReportPlots.Plot> one = ReportPlots.write(sim.run(some).report(), dir.resolve("one"));
        List<ReportPlots.Plot> two = ReportPlots.write(sim.run(some).report(), dir.resolve("two"));
        assertThat(one).hasSize(3);
        for (int i = 0; i < one.size(); i++) {
            assertThat(Files.readAllBytes(two.get(i).file())).isEqualTo(Files.readAllBytes(one.get(i).file()));
        }
    }

    @Test
    void latencyFileNamesAreSafeAndUnique() {
        assertThat(ReportPlots.latencyFileNames(List.of("fast", "Fast", "a b/c", "a-b-c")))
                .containsExactly("latency-fast.png", "latency-fast-2.png", "latency-a-b-c.png", "latency-a-b-c-2.png");
    }
}
