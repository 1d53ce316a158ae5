package dev.quiesce.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiesce.Expectations;
import dev.quiesce.Observation;
import dev.quiesce.ObservationState;
import dev.quiesce.Progress;
import dev.quiesce.Tally;
import dev.quiesce.policy.PolicySpec;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CheckLineTest {

    private static final Instant T0 = Instant.parse("2024-05-01T01:02:03.123456789Z");

    @Test
    void anOpenCheckShowsProgressAndTheNextCheck() {
        Observation o = Observation.start("o", "d", PolicySpec.defaults(), T0).activate(T0, T0.plusSeconds(30), 3)
                .checked(new Progress(4, 1, 3), T0.plusSeconds(60));
        Tally t = new Tally(3, 1536, 0, 3, T0, T0);
        assertThat(CheckLine.format(o, t, Expectations.NONE, T0.plusSeconds(30))).isEqualTo(
                "01:02:33Z check 4 ACTIVE | 3 objects, 1.5 KiB | streak 1 of 3 | next check 01:03:03Z (in 30s)");
    }

    @Test
    void theFinalCheckShowsTheOutcomeAndReason() {
        Observation o = Observation.start("o", "d", PolicySpec.parse("inactivity period=90s"), T0)
                .activate(T0, T0.plusSeconds(90), 1);
        Progress p = new Progress(1, 1, 1);
        o = o.finish(ObservationState.COMPLETE, p, T0.plusSeconds(90), "no arrival for 1m 30s (period 1m 30s)");
        Tally t = new Tally(1, 1, 0, 1, T0, T0, 0, T0, 0);
        assertThat(CheckLine.format(o, t, Expectations.NONE, T0.plusSeconds(90))).isEqualTo(
                "01:03:33Z check 1 COMPLETE | 1 object, 1 B | quiet 1m 30s of 1m 30s"
                        + " | complete: no arrival for 1m 30s (period 1m 30s)");
    }

    @Test
    void aWaitingCheckSaysWhatItWaitsFor() {
        Observation o = Observation.start("o", "d", PolicySpec.parse("stable min-objects=2 deadline=2h"), T0);
        assertThat(CheckLine.format(o, Tally.EMPTY, Expectations.NONE, T0)).isEqualTo(
                "01:02:03Z check 0 WAITING | 0 objects, 0 B | waiting for the first object"
                        + " | next check 03:02:03Z (in 2h)");
    }

    @Test
    void minObjectsShowsWhileItHolds() {
        Observation o = Observation.start("o", "d", PolicySpec.parse("stable min-objects=10"), T0)
                .activate(T0, T0.plusSeconds(30), 1).checked(new Progress(1, 0, 1), T0.plusSeconds(30));
        assertThat(CheckLine.format(o, new Tally(1, 1, 0, 1, T0, T0), Expectations.NONE, T0))
                .contains("| streak 0 of 3, min-objects 1 of 10 |");
    }
}
