package dev.quiesce.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiesce.Observation;
import dev.quiesce.ObservationState;
import dev.quiesce.Tally;
import dev.quiesce.policy.PolicySpec;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SummaryLineTest {

    private static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");

    private static Observation finished(ObservationState s, Instant at, String why) {
        Observation o = Observation.start("o", "d", PolicySpec.defaults(), T0).activate(T0, T0.plusSeconds(30), 1);
        return o.finish(s, o.progress(), at, why);
    }

    @Test
    void completeRunReadsOutcomeCountsLatencyAndReason() {
        Tally t = new Tally(1204, 3_565_158, 0, 1204, T0, T0, 0, T0.plusSeconds(10), 0);
        Observation o = finished(ObservationState.COMPLETE, T0.plusSeconds(100), "tally unchanged for 3 consecutive checks");
        assertThat(SummaryLine.format(o, t)).isEqualTo(
                "quiesce: complete | 1,204 objects, 3.4 MiB | 1m 30s after the last arrival"
                        + " | tally unchanged for 3 consecutive checks");
    }

    @Test
    void oneObjectIsSingularAndLongLatenciesReadInDays() {
        Tally t = new Tally(1, 10, 0, 1, T0, T0, 0, T0, 0);
        Observation o = finished(ObservationState.COMPLETE, T0.plusSeconds(93_594), "no arrival for 1d 2h (period 1d)");
        assertThat(SummaryLine.format(o, t)).startsWith("quiesce: complete | 1 object, 10 B | 1d 2h after the last arrival");
    }

    @Test
    void aRunWithNothingArrivedSaysSoAndTheReasonStaysOnOneLine() {
        Observation o = Observation.start("o", "d", PolicySpec.defaults(), T0);
        o = o.finish(ObservationState.TIMED_OUT, o.progress(), T0.plusSeconds(60),
                "deadline 1m passed\nat 2026-12-02T01:02:03.123456789Z");
        assertThat(SummaryLine.format(o, Tally.EMPTY)).isEqualTo(
                "quiesce: timed out | 0 objects, 0 B | nothing arrived | deadline 1m passed at 2026-12-02 01:02:03Z");
    }
}
