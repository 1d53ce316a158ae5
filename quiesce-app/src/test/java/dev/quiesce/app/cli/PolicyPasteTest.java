package dev.quiesce.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiesce.InvalidConfigurationException;
import dev.quiesce.policy.Adaptive;
import dev.quiesce.policy.InactivityPeriod;
import dev.quiesce.policy.PolicySpec;
import dev.quiesce.policy.StableCount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every recommendation pastes: what the README's table and {@code tune} print is what {@code watch --policy} takes. */
class PolicyPasteTest {

    private static PolicySpec watchPolicy(String... args) {
        WatchCommand watch = new WatchCommand();
        CommandLine cli = new CommandLine(watch);
        List<String> all = new ArrayList<>(List.of("/data"));
        all.addAll(List.of(args));
        cli.parseArgs(all.toArray(String[]::new));
        return watch.policySpec();
    }

    /** The settings in the README's "Choosing a policy" table, as printed there. */
    static List<String> readmeTableSettings() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        int start = readme.indexOf("| scenario | stable count | inactivity | adaptive |");
        assertThat(start).as("the README's policy table").isPositive();
        String table = readme.substring(start, readme.indexOf("\n\n", start));
        List<String> settings = new ArrayList<>();
        Matcher m = Pattern.compile("`([^`]+)`").matcher(table);
        while (m.find()) {
            settings.add(m.group(1));
        }
        return settings;
    }

    @Test
    void everySettingInTheReadmeTableIsAcceptedByWatchPolicy() throws IOException {
        List<String> settings = readmeTableSettings();
        assertThat(settings).hasSizeGreaterThanOrEqualTo(18);
        for (String s : settings) {
            assertThat(watchPolicy("--policy", s)).as(s).isEqualTo(PolicySpec.parse(s));
        }
    }

    @Test
    void everyLineTunePrintsParsesAsTheWatchCommandWouldTakeIt() {
        for (List<String> family : TuneCommand.grid(Duration.ofMinutes(1)).values()) {
            for (String s : family) {
                String line = TuneCommand.watchLine(s);
                assertThat(line).startsWith("quiesce watch DIR --policy '").endsWith("'");
                String quoted = line.substring(line.indexOf('\'') + 1, line.length() - 1);
                assertThat(watchPolicy("--policy", quoted)).as(line).isEqualTo(PolicySpec.parse(s));
            }
        }
    }

    @Test
    void shortcutsImplyTheirPolicy() {
        assertThat(watchPolicy("--inactivity", "90s").policy()).isEqualTo(InactivityPeriod.of(Duration.ofSeconds(90)));
        assertThat(watchPolicy("--phi-threshold", "3").policy()).isInstanceOf(Adaptive.class);
        assertThat(watchPolicy().policy()).isInstanceOf(StableCount.class);
        assertThat(watchPolicy("--policy", "inactivity", "--inactivity", "2m").policy())
                .isEqualTo(InactivityPeriod.of(Duration.ofMinutes(2)));
    }

    @Test
    void guardOptionsAddToAWholeSpecAndLatenessExists() {
        PolicySpec s = watchPolicy("--policy", "adaptive threshold=3.0 hint=1m", "--deadline", "2h", "--lateness", "10m");
        assertThat(s.guards().deadline()).isEqualTo(Duration.ofHours(2));
        assertThat(s.guards().lateness()).isEqualTo(Duration.ofMinutes(10));
        assertThat(s.guards().buffer()).as("the spec's hint survives the guard options").isEqualTo(Duration.ofMinutes(1));
        assertThat(watchPolicy("--policy", "inactivity period=5m deletes=fail").guards().deletes())
                .isEqualTo(PolicySpec.parse("inactivity period=5m deletes=fail").guards().deletes());
    }

    @Test
    void aShortcutDoesNotMixWithAWholeSpec() {
        assertThatThrownBy(() -> watchPolicy("--policy", "stable window=2 delay=constant:30s", "--window", "3"))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("--window does not combine with a whole --policy spec");
        assertThatThrownBy(() -> watchPolicy("--inactivity", "90s", "--window", "3"))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("--window applies to --policy stable only");
        assertThatThrownBy(() -> watchPolicy("--policy", "stable sometimes"))
                .isInstanceOf(InvalidConfigurationException.class);
    }
}
