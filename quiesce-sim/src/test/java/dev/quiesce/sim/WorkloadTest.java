package dev.quiesce.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiesce.InvalidConfigurationException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Workload files: defaults, and errors that say where and what. */
class WorkloadTest {

    private static InvalidConfigurationException error(String json) {
        try {
            Workload.parse(json, "my.json");
        } catch (InvalidConfigurationException e) {
            return e;
        }
        throw new AssertionError("parsed: " + json);
    }

    @Test
    void defaultsFollowFirehose() {
        Workload w = Workload.parse("{\"name\": \"w\", \"producers\": [{\"rate\": 5, \"duration\": 60}]}", "my.json");
        assertThat(w.firehose().bufferSizeMiB()).isEqualTo(5.0);
        assertThat(w.firehose().bufferInterval()).isEqualTo(Duration.ofSeconds(300));
        assertThat(w.producers().get(0).duration()).isEqualTo(Duration.ofSeconds(60));
        assertThat(w.producers().get(0).sendInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(w.datasets()).isEqualTo(1);
        assertThat(w.events().duplicateProbability()).isZero();
    }

    @Test
    void malformedJsonNamesFileLineAndColumn() {
        assertThat(error("{\"name\": \"w\",\n \"producers\": [}").getMessage())
                .startsWith("workload my.json (line 2, column")
                .contains("malformed JSON");
    }

    @Test
    void unknownFieldIsNamedWithItsPathAndTheKnownOnes() {
        assertThat(error("{\"name\": \"w\", \"producers\": [{\"rate\": 5, \"duration\": \"1m\", \"rat\": 3}]}")
                .getMessage())
                .contains("unknown field 'rat'")
                .contains("producers[0].rat")
                .contains("known fields:").contains("recordSize");
    }

    @Test
    void outOfRangeValueSaysTheRangeAndWhere() {
        assertThat(error("{\"name\": \"w\", \"producers\": [{\"rate\": 5, \"duration\": \"1m\"}],"
                + " \"firehose\": {\"bufferSizeMiB\": 200}}").getMessage())
                .contains("'firehose'")
                .contains("bufferSizeMiB must be between 1 and 128, was 200");
        assertThat(error("{\"name\": \"w\", \"producers\": [{\"rate\": 5, \"duration\": \"1m\"}],"
                + " \"firehose\": {\"bufferInterval\": \"20m\"}}").getMessage())
                .contains("bufferInterval must be between 0s and 900s, was 1200s");
    }

    @Test
    void badDurationSaysHowToWriteOne() {
        assertThat(error("{\"name\": \"w\", \"producers\": [{\"rate\": 5, \"duration\": \"five minutes\"}]}")
                .getMessage())
                .contains("producers[0].duration")
                .contains("'five minutes' is not a duration");
    }

    @Test
    void wrongTypeSaysWhatWasExpected() {
        assertThat(error("{\"name\": \"w\", \"producers\": [{\"rate\": \"fast\", \"duration\": \"1m\"}]}")
                .getMessage())
                .contains("producers[0].rate")
                .contains("is not a number");
    }

    @Test
    void producersAndArrivalsAreExclusive() {
        assertThat(error("{\"name\": \"w\"}").getMessage()).contains("not neither");
        assertThat(error("{\"name\": \"w\", \"producers\": [{\"rate\": 5, \"duration\": \"1m\"}],"
                + " \"arrivals\": [{\"at\": 0, \"key\": \"a\"}]}").getMessage()).contains("not both");
    }

    @Test
    void unknownDistributionListsTheKnownOnes() {
        assertThat(error("{\"name\": \"w\", \"arrivals\": [{\"at\": 0, \"key\": \"a\"}],"
                + " \"events\": {\"delay\": {\"distribution\": \"weibull\"}}}").getMessage())
                .contains("events.delay")
                .contains("unknown delay distribution 'weibull': use fixed, uniform, lognormal or pareto");
    }

    @Test
    void explicitArrivalsParse() {
        Workload w = Workload.parse("{\"name\": \"w\", // comments are allowed\n"
                + " \"arrivals\": [{\"at\": \"0s\", \"key\": \"a\", \"size\": 5}, {\"at\": 10.5, \"key\": \"b\"}]}", "x");
        assertThat(w.isExplicit()).isTrue();
        assertThat(w.arrivals().get(1).at()).isEqualTo(Duration.ofMillis(10_500));
        assertThat(w.arrivals().get(1).size()).isZero();
    }

    @Test
    void emptyTextIsRefused() {
        assertThatThrownBy(() -> Workload.parse(" ", "empty.json"))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("workload empty.json is empty");
    }
}
