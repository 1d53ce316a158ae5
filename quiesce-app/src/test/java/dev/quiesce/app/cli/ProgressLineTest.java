package dev.quiesce.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiesce.Observation;
import dev.quiesce.Progress;
import dev.quiesce.Tally;
import dev.quiesce.policy.Guards;
import dev.quiesce.policy.InactivityPeriod;
import dev.quiesce.policy.PolicySpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ProgressLineTest {

    private static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");

    @Test
    void activeStableObservationShowsCountsStreakAndNextCheck() {
        Observation o = Observation.start("o", "d", PolicySpec.defaults(), T0)
                .activate(T0, T0.plusSeconds(30), 1)
                .checked(new Progress(2, 1, 4), T0.plusSeconds(72));
        String line = ProgressLine.render(o, new Tally(3, 1536, 0, 4, T0, T0), T0.plusMillis(60_400));
        assertThat(line).isEqualTo("ACTIVE | 3 objects, 1.5 KiB | streak 1/3 | next check in 11s");
    }

    @Test
    void waitingObservationWithoutGuardsSaysItWaitsForTheFirstFile() {
        Observation o = Observation.start("o", "d",
                new PolicySpec(InactivityPeriod.of(Duration.ofMinutes(5)), Guards.NONE), T0);
        assertThat(ProgressLine.render(o, Tally.EMPTY, T0))
                .isEqualTo("WAITING | 0 objects, 0 B | waiting for the first file");
    }

    @Test
    void printsNothingWhenNotATerminal() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ProgressLine p = ProgressLine.forTerminal(false, new PrintStream(buf, true, StandardCharsets.UTF_8));
        Observation o = Observation.start("o", "d", PolicySpec.defaults(), T0);
        p.show(o, Tally.EMPTY, java.util.Optional.empty());
        p.finish(o, Tally.EMPTY);
        assertThat(buf.size()).isZero();
    }

    @Test
    void bytesUseBinaryUnits() {
        assertThat(ProgressLine.bytes(0)).isEqualTo("0 B");
        assertThat(ProgressLine.bytes(1023)).isEqualTo("1023 B");
        assertThat(ProgressLine.bytes(5L * 1024 * 1024 * 1024)).isEqualTo("5.0 GiB");
    }
}
