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
        "adaptive threshold=3.0 min-gaps=3 floor-factor=1.5 min-sd=1s fallback=10s hint=1m lateness=1h",
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
    })
    void badSpecsSayWhatIsWrong(String text, String message) {
        assertThatThrownBy(() -> PolicySpec.parse(text))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining(message);
    }

    @org.junit.jupiter.api.Test
    void defaultsAreTheNotes() {
        assertThat(PolicySpec.defaults().text()).isEqualTo("stable window=3 delay=constant:30s");
        assertThat(PolicySpec.stable(3, Duration.ofSeconds(30))).isEqualTo(PolicySpec.defaults());
    }
}
