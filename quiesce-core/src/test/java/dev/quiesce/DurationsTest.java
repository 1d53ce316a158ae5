package dev.quiesce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
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

    @ParameterizedTest
    @CsvSource({
        "PT0S,0s", "PT0.0000001S,0s", "PT-5S,0s", "PT0.25S,250ms", "PT40S,40s", "PT12.5S,13s", "PT12.4S,12s",
        "PT59.6S,1m", "PT3M5S,3m 5s", "PT5M,5m", "PT1H2M,1h 2m", "PT1H,1h", "PT1H2M40S,1h 3m",
        "PT59M59.6S,1h", "PT23H59M40S,1d", "PT51H,2d 3h", "PT93594S,1d 2h", "PT90S,1m 30s", "PT9600H,400d"})
    void readsElapsedTimesAsPeopleDo(String iso, String text) {
        assertThat(Durations.human(Duration.parse(iso))).isEqualTo(text);
    }

    @Test
    void neverWritesSecondsPastAMinute() {
        for (long s = 60; s < 200_000; s += 97) {
            assertThat(Durations.human(Duration.ofSeconds(s))).doesNotContainPattern("\\d{3,}s").hasSizeLessThanOrEqualTo(8);
        }
    }

    @Test
    void clockIsUtcTimeOfDayToTheSecond() {
        assertThat(Durations.clock(Instant.parse("2026-12-02T01:02:03.123456789Z"))).isEqualTo("01:02:03Z");
    }

    @Test
    void humanizeDropsFractionsOfInstantsAndReadsIsoDurations() {
        assertThat(Durations.humanize("last seen 2026-12-02T01:02:03.123456789Z, quiet PT1M30.5S (PT26H) at 2026-12-02T01:02:03Z"))
                .isEqualTo("last seen 2026-12-02 01:02:03Z, quiet 1m 31s (1d 2h) at 2026-12-02 01:02:03Z");
        assertThat(Durations.humanize("PTA and OPT5S stay")).isEqualTo("PTA and OPT5S stay");
        assertThat(Durations.humanize(null)).isEmpty();
    }
}
