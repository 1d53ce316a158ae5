package dev.quiesce.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {

    private static final String COMMAND = "quiesce simulate --scenario all --runs 10 --out report";

    @Test
    void writesTheDocumentWithTheTableAndEveryChartLinkedRelatively(@TempDir Path dir) throws IOException {
        Report report = ReportPlotsTest.sample();
        List<Path> written = ReportWriter.write(report, dir, COMMAND);
        assertThat(written.get(0)).isEqualTo(dir.resolve("report.md"));
        assertThat(written).hasSize(5).allMatch(Files::isRegularFile);
        String md = Files.readString(dir.resolve("report.md"));
        assertThat(md).startsWith("# Simulated detection quality\n\n")
                .contains("```\n" + COMMAND + "\n```\n\nSeed 5, 10 runs per scenario and policy.\n")
                .contains(report.toMarkdown())
                .contains("![False-completion rate per scenario and policy](plots/false-completions.png)")
                .contains("](plots/latency-slow-trickle.png)");
        Matcher links = Pattern.compile("!\\[[^]]*]\\(([^)]+)\\)").matcher(md);
        int n = 0;
        while (links.find()) {
            assertThat(dir.resolve(links.group(1))).isRegularFile();
            n++;
        }
        assertThat(n).isEqualTo(4);
    }

    @Test
    void theSameReportGivesTheSameDocument(@TempDir Path dir) throws IOException {
        ReportWriter.write(ReportPlotsTest.sample(), dir.resolve("one"), COMMAND);
        ReportWriter.write(ReportPlotsTest.sample(), dir.resolve("two"), COMMAND);
        assertThat(Files.readAllBytes(dir.resolve("two/report.md"))).isEqualTo(Files.readAllBytes(dir.resolve("one/report.md")));
    }

    @Test
    void withoutACommandTheHeaderSaysNothingAboutRegenerating(@TempDir Path dir) throws IOException {
        ReportWriter.write(ReportPlotsTest.sample(), dir, null);
        assertThat(Files.readString(dir.resolve("report.md"))).doesNotContain("Regenerate").doesNotContain("```");
    }
}
