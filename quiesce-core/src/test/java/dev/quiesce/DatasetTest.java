package dev.quiesce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class DatasetTest {

    private static Arrival at(String bucket, String key) {
        return Arrival.created(bucket, key, 1, Instant.parse("2024-05-01T00:00:00Z"), "t");
    }

    @Test
    void plainPrefixesMatchByLength() {
        Dataset d = Dataset.of("events", "b", "events/", "events/clicks/");
        assertThat(d.match(at("b", "events/clicks/x"))).isEqualTo("events/clicks/".length());
        assertThat(d.match(at("b", "other/x"))).isEqualTo(-1);
        assertThat(d.match(at("other-bucket", "events/x"))).isEqualTo(-1);
        assertThat(d.instanceFor(at("b", "events/x"))).isEqualTo("events");
        assertThat(d.dated()).isFalse();
    }

    @Test
    void aRunPrefixMakesOneDatasetPerRunWithoutAPeriod() {
        Dataset d = Dataset.of("events", "b", "events/{run}/");
        assertThat(d.dated()).isTrue();
        Arrival a = at("b", "events/2024-05-01/stream-1-2024-05-02-00-00-40-uuid");
        assertThat(d.instance(a)).isEqualTo(new Dataset.Instance("events/2024-05-01", null));
        assertThat(d.instanceFor(at("b", "events/batch-42/x"))).isEqualTo("events/batch-42");
        assertThat(d.match(at("b", "events/x"))).isEqualTo(-1);
    }

    @Test
    void datedPrefixesMakeOneDatasetPerDate() {
        Dataset d = Dataset.of("events", "b", "events/{yyyy}/{MM}/{dd}/");
        assertThat(d.dated()).isTrue();
        Arrival a = at("b", "events/2024/05/01/13/stream-1-2024-05-01-13-45-12-uuid");
        assertThat(d.match(a)).isEqualTo("events/2024/05/01/".length());
        assertThat(d.instanceFor(a)).isEqualTo("events/2024-05-01");
        assertThat(d.match(at("b", "events/2024/5/01/x"))).isEqualTo(-1);
        assertThat(d.match(at("b", "events/latest/x"))).isEqualTo(-1);
    }

    @Test
    void hourlyPrefixesIncludeTheHour() {
        Dataset d = Dataset.of("events", "b", "{yyyy}/{MM}/{dd}/{HH}/");
        assertThat(d.instanceFor(at("b", "2024/05/01/13/part"))).isEqualTo("events/2024-05-01T13");
    }

    @Test
    void literalCharactersAroundPlaceholdersAreMatchedLiterally() {
        Dataset d = Dataset.of("logs", "b", "logs/dt={yyyy}-{MM}-{dd}/");
        assertThat(d.instanceFor(at("b", "logs/dt=2024-05-01/part-0.parquet"))).isEqualTo("logs/2024-05-01");
        assertThat(d.match(at("b", "logs/dt=2024x05-01/part"))).isEqualTo(-1);
    }

    @Test
    void unknownPlaceholdersAreRefused() {
        assertThatThrownBy(() -> Dataset.of("e", "b", "events/{week}/"))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("{yyyy}, {MM}, {dd}, {HH}, {date}, {hour} and {run}");
    }

    @Test
    void anArrivalOutsideTheDatasetHasNoInstance() {
        assertThatThrownBy(() -> Dataset.of("e", "b", "events/").instanceFor(at("b", "x")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hiveStyleDateAndHourPlaceholders() {
        Dataset d = Dataset.of("events", "b", "events/dt={date}/hr={hour}/");
        assertThat(d.instanceFor(at("b", "events/dt=2024-05-01/hr=07/part-0.parquet"))).isEqualTo("events/2024-05-01T07");
        assertThat(Dataset.of("e", "b", "e/dt={date}/").instanceFor(at("b", "e/dt=2024-05-01/x"))).isEqualTo("e/2024-05-01");
        assertThat(d.match(at("b", "events/dt=2024-5-1/hr=07/x"))).isEqualTo(-1);
    }
    private static Instant periodEnd(Dataset d, String key) {
        return d.periodEndFor(at("b", key)).orElse(null);
    }

    @Test
    void aDatesPeriodEndsAtTheNextUtcMidnight() {
        Dataset d = Dataset.of("events", "b", "events/{yyyy}/{MM}/{dd}/");
        assertThat(periodEnd(d, "events/2024/05/01/13/part")).isEqualTo(Instant.parse("2024-05-02T00:00:00Z"));
        assertThat(periodEnd(d, "events/2024/12/31/23/part")).isEqualTo(Instant.parse("2025-01-01T00:00:00Z"));
        assertThat(d.instance(at("b", "events/2024/05/01/x")))
                .isEqualTo(new Dataset.Instance("events/2024-05-01", Instant.parse("2024-05-02T00:00:00Z")));
    }

    @Test
    void aLeapDayEndsOnTheFirstOfMarch() {
        Dataset d = Dataset.of("events", "b", "events/{yyyy}/{MM}/{dd}/");
        assertThat(periodEnd(d, "events/2024/02/29/x")).isEqualTo(Instant.parse("2024-03-01T00:00:00Z"));
        assertThat(periodEnd(d, "events/2024/02/28/x")).isEqualTo(Instant.parse("2024-02-29T00:00:00Z"));
    }

    @Test
    void anHoursPeriodEndsAtTheNextHourAndHourTwentyThreeAtMidnight() {
        Dataset d = Dataset.of("events", "b", "{yyyy}/{MM}/{dd}/{HH}/");
        assertThat(periodEnd(d, "2024/05/01/13/part")).isEqualTo(Instant.parse("2024-05-01T14:00:00Z"));
        assertThat(periodEnd(d, "2024/05/01/23/part")).isEqualTo(Instant.parse("2024-05-02T00:00:00Z"));
        assertThat(periodEnd(d, "2024/02/29/23/part")).isEqualTo(Instant.parse("2024-03-01T00:00:00Z"));
        Dataset hive = Dataset.of("events", "b", "events/dt={date}/hr={hour}/");
        assertThat(periodEnd(hive, "events/dt=2024-05-01/hr=07/p")).isEqualTo(Instant.parse("2024-05-01T08:00:00Z"));
        assertThat(periodEnd(Dataset.of("e", "b", "e/dt={date}/"), "e/dt=2024-05-01/p"))
                .isEqualTo(Instant.parse("2024-05-02T00:00:00Z"));
    }

    @Test
    void aMonthEndsOnTheFirstOfTheNextAndAYearOnTheNextNewYear() {
        Dataset monthly = Dataset.of("events", "b", "events/{yyyy}/{MM}/");
        assertThat(periodEnd(monthly, "events/2024/02/x")).isEqualTo(Instant.parse("2024-03-01T00:00:00Z"));
        assertThat(periodEnd(monthly, "events/2024/12/x")).isEqualTo(Instant.parse("2025-01-01T00:00:00Z"));
        Dataset yearly = Dataset.of("events", "b", "events/{yyyy}/");
        assertThat(periodEnd(yearly, "events/2024/x")).isEqualTo(Instant.parse("2025-01-01T00:00:00Z"));
        // a part below a missing one names no period of its own: the year is what the key bounds
        Dataset gap = Dataset.of("events", "b", "events/{yyyy}/{dd}/");
        assertThat(periodEnd(gap, "events/2024/05/x")).isEqualTo(Instant.parse("2025-01-01T00:00:00Z"));
    }

    @Test
    void aKeyThatNamesNoCalendarDateIsCountedUnderItWithoutAPeriod() {
        Dataset d = Dataset.of("events", "b", "events/{yyyy}/{MM}/{dd}/");
        assertThat(d.instance(at("b", "events/2024/13/01/x"))).isEqualTo(new Dataset.Instance("events/2024-13-01", null));
        assertThat(d.instance(at("b", "events/2023/02/29/x"))).isEqualTo(new Dataset.Instance("events/2023-02-29", null));
        assertThat(periodEnd(Dataset.of("e", "b", "{yyyy}/{MM}/{dd}/{HH}/"), "2024/05/01/24/x")).isNull();
        assertThat(periodEnd(Dataset.of("e", "b", "e/dt={date}/"), "e/dt=2024-13-01/x")).isNull();
        // no year, no period
        assertThat(periodEnd(Dataset.of("e", "b", "e/{MM}/{dd}/"), "e/05/01/x")).isNull();
    }

    @Test
    void anUndatedDatasetHasNoPeriod() {
        Dataset d = Dataset.of("events", "b", "events/");
        assertThat(d.periodEndFor(at("b", "events/2024/05/01/x"))).isEmpty();
        assertThat(d.instance(at("b", "events/x"))).isEqualTo(new Dataset.Instance("events", null));
    }
}
