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
                .hasMessageContaining("{yyyy}, {MM}, {dd}, {HH}, {date} and {hour}");
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
}
