package dev.quiesce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({"500ms,PT0.5S", "30s,PT30S", "5m,PT5M", "1h,PT1H", "2d,PT48H", "PT30S,PT30S", "pt1m,PT1M", "0s,PT0S"})
    void parsesShortAndIsoForms(String text, String iso) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.parse(iso));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5", "5 minutes", "s", "1.5s", "PT"})
    void rejectsWhatIsNotADuration(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("500ms, 30s");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-5s", "-PT5S", "PT-5S"})
    void rejectsNegativeDurations(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("negative duration");
    }

    @ParameterizedTest
    @CsvSource({"PT0.5S,500ms", "PT30S,30s", "PT90S,90s", "PT5M,5m", "PT2H,2h", "PT48H,2d", "PT1.5S,1500ms"})
    void formatsTheShortestExactForm(String iso, String text) {
        assertThat(Durations.format(Duration.parse(iso))).isEqualTo(text);
    }
}
