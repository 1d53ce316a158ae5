package dev.quiesce.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiesce.Blindness;
import dev.quiesce.Expectation;
import dev.quiesce.Expectations;
import dev.quiesce.GapStats;
import dev.quiesce.Observation;
import dev.quiesce.ObservationState;
import dev.quiesce.Progress;
import dev.quiesce.Sent;
import dev.quiesce.Tally;
import dev.quiesce.policy.Guards;
import dev.quiesce.policy.InactivityPeriod;
import dev.quiesce.policy.PolicySpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProgressLineTest {

    private static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");
    private static final int WIDE = 200;

    private static Tally tally(long objects, long bytes, Instant lastSeen) {
        return new Tally(objects, bytes, 0, objects, T0, lastSeen, 0, lastSeen, 0);
    }

    private static Observation active(String spec, Progress p, Instant next) {
        return Observation.start("o", "d", PolicySpec.parse(spec), T0).activate(T0, next, 1, T0).checked(p, next);
    }

    @Test
    void activeStableObservationShowsCountsStreakAndNextCheck() {
        Observation o = Observation.start("o", "d", PolicySpec.defaults(), T0)
                .activate(T0, T0.plusSeconds(30), 1)
                .checked(new Progress(2, 1, 4), T0.plusSeconds(72));
        String line = ProgressLine.render(o, new Tally(3, 1536, 0, 4, T0, T0), T0.plusMillis(60_400));
        assertThat(line).isEqualTo("ACTIVE | 3 objects, 1.5 KiB | streak 1 of 3 | next check in 12s");
    }

    @Test
    void waitingObservationWithoutGuardsSaysItWaitsForTheFirstObject() {
        Observation o = Observation.start("o", "d",
                new PolicySpec(InactivityPeriod.of(Duration.ofMinutes(5)), Guards.NONE), T0);
        assertThat(ProgressLine.render(o, Tally.EMPTY, Optional.empty(), Expectations.NONE, T0, WIDE))
                .isEqualTo("WAITING | 0 objects, 0 B | waiting for the first object");
    }

    @Test
    void oneObjectIsSingular() {
        Observation o = active("stable", new Progress(1, 0, 1), T0.plusSeconds(30));
        assertThat(ProgressLine.render(o, tally(1, 10, T0), Optional.empty(), Expectations.NONE, T0, WIDE))
                .startsWith("ACTIVE | 1 object, 10 B | streak 0 of 3");
    }

    @Test
    void inactivityShowsTheQuietAgainstThePeriod() {
        Observation o = active("inactivity period=90s", new Progress(1, 0, 1), T0.plusSeconds(100));
        String line = ProgressLine.render(o, tally(2, 2, T0.plusSeconds(10)), Optional.empty(), Expectations.NONE,
                T0.plusSeconds(50), WIDE);
        assertThat(line).isEqualTo("ACTIVE | 2 objects, 2 B | quiet 40s of 1m 30s | next check in 50s");
    }

    @Test
    void longWaitsReadInDaysAndHoursNotSeconds() {
        Observation o = active("inactivity period=2d", new Progress(1, 0, 1), T0.plusSeconds(172_800));
        String line = ProgressLine.render(o, tally(2, 2, T0), Optional.empty(), Expectations.NONE,
                T0.plusSeconds(93_594), WIDE);
        assertThat(line).contains("quiet 1d 2h of 2d").contains("next check in 22h").doesNotContain("93594");
    }

    @Test
    void adaptiveShowsPhiAgainstItsThreshold() {
        GapStats g = GapStats.from(T0);
        for (int i = 1; i <= 6; i++) {
            g = g.observe(T0.plusSeconds(10L * i));
        }
        Instant last = T0.plusSeconds(60);
        Observation o = active("adaptive", new Progress(6, 0, 6, g), last.plusSeconds(30));
        String line = ProgressLine.render(o, tally(6, 6, last), Optional.empty(), Expectations.NONE,
                last.plusSeconds(10), WIDE);
        assertThat(line).matches("ACTIVE \\| 6 objects, 6 B \\| phi \\d+(\\.\\d)? of 8, quiet 10s of \\d+s.*");
    }

    @Test
    void expectedShowsProducersClosedAndObjectsLandedAsOnePhrase() {
        Observation o = active("expected unit=objects producers=3", new Progress(1, 0, 10), T0.plusSeconds(60));
        Expectations e = new Expectations(List.of(
                new Expectation("d", "a", T0, T0, new Sent(-1, -1, 5)),
                new Expectation("d", "b", T0, T0, new Sent(-1, -1, 7)),
                new Expectation("d", "c", T0, null, Sent.NOTHING_DECLARED)));
        String line = ProgressLine.render(o, tally(10, 100, T0), Optional.empty(), e, T0, WIDE);
        assertThat(line).isEqualTo("ACTIVE | 10 objects, 100 B | 2 of 3 producers closed, 10 of 12 objects"
                + " | next check in 1m");
    }

    @Test
    void expectedWhileWaitingSaysItWaitsForDeclarationsToo() {
        Observation o = Observation.start("o", "d", PolicySpec.parse("expected unit=bytes"), T0);
        assertThat(ProgressLine.render(o, Tally.EMPTY, Optional.empty(), Expectations.NONE, T0, WIDE))
                .isEqualTo("WAITING | 0 objects, 0 B | waiting for the first object and for declarations");
        Expectations one = new Expectations(List.of(new Expectation("d", "a", T0, T0, new Sent(-1, 2048, -1))));
        assertThat(ProgressLine.render(o, Tally.EMPTY, Optional.empty(), one, T0, WIDE))
                .isEqualTo("WAITING | 0 objects, 0 B | waiting for the first object, 1 of 1 producer closed,"
                        + " 0 B of 2.0 KiB");
    }

    @Test
    void blindLeadsWithHowLongAndWhyWithoutNanoseconds() {
        Observation o = active("stable", new Progress(1, 0, 1), T0.plusSeconds(30));
        Blindness b = new Blindness("listing failed at 2026-12-02T01:02:03.123456789Z", T0);
        String line = ProgressLine.render(o, tally(1, 1, T0), Optional.of(b), Expectations.NONE,
                T0.plusSeconds(125), WIDE);
        assertThat(line).startsWith("BLIND 2m 5s (listing failed at 2026-12-02 01:02:03Z) | ACTIVE | 1 object")
                .doesNotContain(".123456789");
    }

    @Test
    void narrowTerminalsDropTheLeastTellingPartsFirst() {
        Observation o = Observation.start("o", "d", PolicySpec.defaults(), T0)
                .activate(T0, T0.plusSeconds(30), 1)
                .checked(new Progress(2, 1, 4), T0.plusSeconds(72));
        Tally t = new Tally(3, 1536, 0, 4, T0, T0);
        String full = "ACTIVE | 3 objects, 1.5 KiB | streak 1 of 3 | next check in 32s";
        assertThat(render(o, t, Optional.empty(), full.length() + 1)).isEqualTo(full);
        assertThat(render(o, t, Optional.empty(), full.length())).isEqualTo("ACTIVE | 3 objects, 1.5 KiB | streak 1 of 3");
        assertThat(render(o, t, Optional.empty(), 36)).isEqualTo("ACTIVE | 3 objects | streak 1 of 3");
        assertThat(render(o, t, Optional.empty(), 20)).isEqualTo("ACTIVE | 3 objec...");
    }

    @Test
    void aLongBlindnessReasonIsShortenedBeforeTheCountsGo() {
        Observation o = active("stable", new Progress(1, 0, 1), T0.plusSeconds(30));
        Blindness b = new Blindness("cannot read /data/landing/2024/05/01/part-0001: permission denied", T0);
        String line = render(o, tally(1, 1, T0), Optional.of(b), 75);
        assertThat(line).startsWith("BLIND 40s (cannot read /data/l").endsWith("...) | ACTIVE | 1 object | streak 0 of 3");
        assertThat(Phrases.columns(line)).isBetween(70, 74);
        assertThat(render(o, tally(1, 1, T0), Optional.of(b), 40)).isEqualTo("BLIND 40s | ACTIVE | 1 object | stre...");
    }

    @Test
    void neverExceedsTheWidthLessOneWhateverTheReason() {
        String longReason = "x".repeat(300) + "\nsecond line\twith a tab and 漢字漢字漢字 and more " + "y".repeat(100);
        Blindness b = new Blindness(longReason, T0);
        Observation open = active("expected unit=records producers=12", new Progress(3, 0, 3), T0.plusSeconds(60));
        Observation done = open.finish(ObservationState.TIMED_OUT, open.progress(), T0.plusSeconds(99), longReason);
        Expectations e = new Expectations(List.of(new Expectation("d", "p", T0, T0, new Sent(1_000_000, -1, -1))));
        for (Observation o : List.of(open, done)) {
            for (int width = 1; width <= 140; width++) {
                String line = ProgressLine.render(o, tally(1_234_567, 9_876_543_210L, T0), Optional.of(b), e,
                        T0.plusSeconds(93_594), width);
                assertThat(Phrases.columns(line)).as("width %d: %s", width, line).isLessThanOrEqualTo(Math.max(1, width - 1));
                assertThat(line).doesNotContain("\n").doesNotContain("\t").doesNotContain("\r");
            }
        }
        assertThat(Phrases.columns(render(open, tally(1, 1, T0), Optional.of(b), 32))).isLessThanOrEqualTo(31);
    }

    @Test
    void printsNothingWhenNotATerminal() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ProgressLine p = ProgressLine.forTerminal(false, new PrintStream(buf, true, StandardCharsets.UTF_8), 80);
        Observation o = Observation.start("o", "d", PolicySpec.defaults(), T0);
        p.show(o, Tally.EMPTY, Optional.empty(), Expectations.NONE);
        p.finish(o, Tally.EMPTY);
        p.clear();
        assertThat(buf.size()).isZero();
    }

    @Test
    void onATerminalRedrawsInPlaceAndEndsWithTheSummary() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ProgressLine p = ProgressLine.forTerminal(true, new PrintStream(buf, true, StandardCharsets.UTF_8), 80);
        Observation o = Observation.start("o", "d", PolicySpec.defaults(), T0);
        p.show(o, Tally.EMPTY, Optional.empty(), Expectations.NONE);
        p.show(o, Tally.EMPTY, Optional.empty(), Expectations.NONE);
        Observation done = o.finish(ObservationState.CANCELLED, o.progress(), T0, "cancelled by user");
        p.finish(done, Tally.EMPTY);
        assertThat(buf.toString(StandardCharsets.UTF_8)).isEqualTo(
                "\rWAITING | 0 objects, 0 B | waiting for the first object\u001b[K"
                        + "\r\u001b[Kquiesce: cancelled | 0 objects, 0 B | nothing arrived | cancelled by user"
                        + System.lineSeparator());
    }

    @Test
    void bytesUseBinaryUnits() {
        assertThat(Phrases.bytes(0)).isEqualTo("0 B");
        assertThat(Phrases.bytes(1023)).isEqualTo("1023 B");
        assertThat(Phrases.bytes(5L * 1024 * 1024 * 1024)).isEqualTo("5.0 GiB");
    }

    private static String render(Observation o, Tally t, Optional<Blindness> b, int width) {
        return ProgressLine.render(o, t, b, Expectations.NONE, T0.plusSeconds(40), width);
    }

    @org.junit.jupiter.api.Test
    void theFinalLineFoldsBetweenWordsToFitTheTerminal() {
        String summary = "quiesce: complete | 16 objects, 32 B | 2s after the last arrival | tally unchanged for 3"
                + " consecutive checks | supercalifragilisticexpialidocious-and-then-some";
        java.util.List<String> lines = ProgressLine.fold(summary, 31);
        org.assertj.core.api.Assertions.assertThat(lines).allSatisfy(l ->
                org.assertj.core.api.Assertions.assertThat(l.length()).isLessThanOrEqualTo(31));
        org.assertj.core.api.Assertions.assertThat(String.join(" ", lines).replaceAll("\\s+", ""))
                .isEqualTo(summary.replaceAll("\\s+", ""));
        org.assertj.core.api.Assertions.assertThat(ProgressLine.fold("short", 31)).containsExactly("short");
    }
}
