package dev.quiesce.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiesce.InvalidConfigurationException;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PolicySpecTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "stable window=3 delay=constant:30s",
        "stable window=5 delay=divided:1m min-objects=10",
        "stable window=2 delay=decay:300ms deadline=2h first-arrival-timeout=10m",
        "stable window=4 delay=backoff:1s:2.0:1m",
        "inactivity period=5m",
        "inactivity period=1500ms min-objects=1 deadline=1d",
        "adaptive threshold=8.0 min-gaps=5 floor-factor=1.25 min-sd=100ms fallback=30s",
        "adaptive threshold=3.0 min-gaps=3 floor-factor=1.5 min-sd=1s fallback=10s lateness=1h buffer=1m",
        "inactivity period=2m buffer=1m",
        "inactivity period=30s buffer=1m allow-short-window",
        "stable window=3 delay=constant:30s deadline=2h overdue=1h deletes=fail",
        "stable window=3 delay=constant:30s deadline=6h buffer=1m period-end=2024-05-02T00:00:00Z",
        "expected unit=objects producers=2 period-end=2024-05-01T14:00:00Z",
    })
    void canonicalTextRoundTrips(String text) {
        PolicySpec spec = PolicySpec.parse(text);
        assertThat(spec.text()).isEqualTo(text);
        assertThat(PolicySpec.parse(spec.text())).isEqualTo(spec);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''                                  | empty policy spec",
        "magic                               | unknown policy 'magic'",
        "stable window=0                     | window must be >= 1, was 0",
        "stable window=x                     | window 'x' is not a whole number",
        "stable delay=sometimes:3s           | unknown delay strategy 'sometimes'",
        "stable delay=constant               | malformed delay 'constant'",
        "stable colour=blue                  | unknown option(s) [colour]",
        "stable window                       | 'window' is not key=value",
        "inactivity                          | needs period=<duration>",
        "inactivity period=-5s               | negative duration '-5s'",
        "stable deadline=0s                  | deadline must be > 0",
        "stable min-objects=-1               | min-objects must be >= 0",
        "stable deletes=maybe                | deletes must be allow or fail, was 'maybe'",
        "stable overdue=2h deadline=1h       | overdue (2h) must be shorter than deadline (1h)",
        "stable overdue=1h deadline=1h       | overdue (1h) must be shorter than deadline (1h)",
        "adaptive hint=1m buffer=2m          | hint (1m) and buffer (2m) are one setting",
        "inactivity period=45s buffer=60s    | inactivity period 45s is shorter than the buffer interval 1m",
        "inactivity period=1m hint=1m        | unknown option(s) [hint]",
        "stable period-end=2024-05-02        | period-end '2024-05-02' is not an ISO-8601 instant",
    })
    void badSpecsSayWhatIsWrong(String text, String message) {
        assertThatThrownBy(() -> PolicySpec.parse(text))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining(message);
    }

    @org.junit.jupiter.api.Test
    void theOldHintSpellingIsTheBufferInterval() {
        PolicySpec spec = PolicySpec.parse("adaptive hint=1m");
        assertThat(spec.guards().buffer()).isEqualTo(Duration.ofMinutes(1));
        assertThat(((Adaptive) spec.policy()).hint()).isEqualTo(Duration.ofMinutes(1));
        assertThat(spec).isEqualTo(PolicySpec.parse("adaptive buffer=1m"));
        assertThat(spec.text()).endsWith(" buffer=1m").doesNotContain("hint");
    }

    @org.junit.jupiter.api.Test
    void aBufferGivenInGuardsBecomesAdaptivesHint() {
        PolicySpec spec = PolicySpec.of(Adaptive.ofDefaults(), Guards.NONE.withBuffer(Duration.ofSeconds(90)));
        assertThat(((Adaptive) spec.policy()).hint()).isEqualTo(Duration.ofSeconds(90));
    }

    @org.junit.jupiter.api.Test
    void stableCountsQuietWindowSumsItsDelaysOverTheWindow() {
        // constant: 3 x 30s = 90s, enough for a 90s buffer, not for 91s
        PolicySpec.parse("stable window=3 delay=constant:30s buffer=90s");
        assertThatThrownBy(() -> PolicySpec.parse("stable window=3 delay=constant:30s buffer=91s"))
                .hasMessageContaining("quiet window 90s").hasMessageContaining("buffer interval 91s")
                .hasMessageContaining("137s with Firehose dynamic partitioning");
        // divided:60s gives 60 + 60 + 30 = 150s over streaks 0..2, not 3 x 60s
        assertThat(((StableCount) PolicySpec.parse("stable window=3 delay=divided:60s").policy()).leastSilence())
                .isEqualTo(Duration.ofSeconds(150));
        PolicySpec.parse("stable window=3 delay=divided:60s buffer=150s");
        assertThatThrownBy(() -> PolicySpec.parse("stable window=3 delay=divided:60s buffer=151s"))
                .isInstanceOf(InvalidConfigurationException.class);
        // decay:30s gives 30 + 12 + 5 = 47s
        assertThat(((StableCount) PolicySpec.parse("stable window=3 delay=decay:30s").policy()).leastSilence())
                .isEqualTo(Duration.ofSeconds(47));
    }

    @org.junit.jupiter.api.Test
    void aShortWindowIsRefusedInOneLineNamingWhatToRaise() {
        assertThatThrownBy(() -> PolicySpec.parse("inactivity period=45s buffer=60s"))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("45s").hasMessageContaining("raise period (--inactivity) to at least 1m")
                .hasMessageContaining("90s with Firehose dynamic partitioning")
                .hasMessageContaining("allow-short-window")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat(PolicySpec.parse("inactivity period=45s buffer=60s allow-short-window").guards().allowShortWindow())
                .isTrue();
        // adaptive's floor is floor-factor x buffer, never below it
        PolicySpec.parse("adaptive buffer=15m");
    }

    @org.junit.jupiter.api.Test
    void defaultsAreTheNotes() {
        assertThat(PolicySpec.defaults().text()).isEqualTo("stable window=3 delay=constant:30s");
        assertThat(PolicySpec.stable(3, Duration.ofSeconds(30))).isEqualTo(PolicySpec.defaults());
    }
}
