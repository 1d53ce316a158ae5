package dev.quiesce.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiesce.Expectation;
import dev.quiesce.Expectations;
import dev.quiesce.GapStats;
import dev.quiesce.Progress;
import dev.quiesce.Sent;
import dev.quiesce.Tally;
import dev.quiesce.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each policy's account of its progress, and that it agrees with what the policy decides. */
class PolicyProgressTest {

    private static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");

    private static Tally tally(long objects, long bytes, Instant lastSeen) {
        return new Tally(objects, bytes, 0, objects, T0, lastSeen, 0, lastSeen, 0);
    }

    @Test
    void stableCountShowsItsStreakAgainstTheWindow() {
        StableCount p = StableCount.builder().window(3).build();
        Check c = new Check(tally(2, 10, T0), new Progress(4, 2, 2), T0, T0, T0.plusSeconds(90));
        assertThat(p.progress(c)).containsExactly(new Goal("streak", 2, 3, Goal.Unit.STEPS));
        assertThat(p.progress(c).get(0).reached()).isFalse();
    }

    @Test
    void inactivityShowsTheQuietSoFarAgainstThePeriod() {
        InactivityPeriod p = InactivityPeriod.of(Duration.ofSeconds(90));
        Check c = new Check(tally(1, 1, T0.plusSeconds(10)), new Progress(1, 0, 1), T0, T0, T0.plusSeconds(50));
        assertThat(p.progress(c)).containsExactly(new Goal("quiet", 40_000, 90_000, Goal.Unit.MILLIS));
        assertThat(p.decide(c)).isInstanceOf(Verdict.Wait.class);
        Check later = new Check(c.tally(), c.progress(), T0, T0, T0.plusSeconds(100));
        assertThat(p.progress(later).get(0).reached()).isTrue();
        assertThat(p.decide(later)).isInstanceOf(Verdict.Complete.class);
    }

    @Test
    void inactivityReasonReadsAsPeopleDoWithoutFractions() {
        InactivityPeriod p = InactivityPeriod.of(Duration.ofSeconds(93594));
        Instant now = T0.plusSeconds(93594).plusNanos(123_456_789);
        Verdict v = p.decide(new Check(tally(1, 1, T0), new Progress(1, 0, 1), T0, T0, now));
        assertThat(((Verdict.Complete) v).reason()).isEqualTo("no arrival for 1d 2h (period 1d 2h)")
                .doesNotContain(".123456789").doesNotContain("93594");
    }

    @Test
    void adaptiveWhileLearningShowsTheFallbackStreakAndTheGapsLearned() {
        Adaptive p = Adaptive.ofDefaults();
        GapStats g = GapStats.from(T0).observe(T0.plusSeconds(10));
        Check c = new Check(tally(2, 2, T0.plusSeconds(10)), new Progress(2, 1, 2, g), T0, T0, T0.plusSeconds(40));
        assertThat(p.progress(c)).containsExactly(new Goal("streak", 1, 3, Goal.Unit.STEPS),
                new Goal("gaps", 1, Adaptive.DEFAULT_MIN_GAPS, Goal.Unit.STEPS));
    }

    @Test
    void adaptivePhiIsTheOneDecideCrossesAtTheRequiredSilence() {
        Adaptive p = Adaptive.builder().floorFactor(1.0).build();
        GapStats g = GapStats.from(T0);
        long[] arrivals = {0, 5, 20, 22, 40, 41, 60, 75};
        for (long s : arrivals) {
            g = g.observe(T0.plusSeconds(s));
        }
        Instant last = T0.plusSeconds(75);
        long required = p.requiredSilenceMillis(g);
        Progress pr = new Progress(8, 0, 8, g);

        Check before = new Check(tally(8, 8, last), pr, T0, T0, last.plusMillis(required - 1));
        List<Goal> goals = p.progress(before);
        assertThat(goals).extracting(Goal::label).containsExactly("phi", "quiet");
        assertThat(goals.get(0).current()).isLessThan(Adaptive.DEFAULT_THRESHOLD);
        assertThat(goals.get(0).target()).isEqualTo(Adaptive.DEFAULT_THRESHOLD);
        assertThat(goals.get(1)).isEqualTo(new Goal("quiet", required - 1, required, Goal.Unit.MILLIS));
        assertThat(p.decide(before)).isInstanceOf(Verdict.Wait.class);

        Check at = new Check(tally(8, 8, last), pr, T0, T0, last.plusMillis(required));
        assertThat(p.progress(at).get(0).reached()).isTrue();
        assertThat(p.progress(at).get(1).reached()).isTrue();
        assertThat(p.decide(at)).isInstanceOf(Verdict.Complete.class);
        assertThat(((Verdict.Complete) p.decide(at)).reason()).doesNotContainPattern("\\d{4,}ms");
    }

    @Test
    void expectedShowsProducersClosedThenWhatLandedInItsUnit() {
        ExpectedTotals p = ExpectedTotals.of(Sent.Unit.OBJECTS, 3, ExpectedTotals.DEFAULT_POLL);
        Expectations e = new Expectations(List.of(
                closed("a", new Sent(-1, -1, 5)), closed("b", new Sent(-1, -1, 7)), open("c")));
        Check c = new Check(tally(10, 100, T0), new Progress(1, 0, 10), T0, T0, T0, e);
        assertThat(p.progress(c)).containsExactly(new Goal("closed", 2, 3, Goal.Unit.PRODUCERS),
                new Goal("", 10, 12, Goal.Unit.OBJECTS));
    }

    @Test
    void expectedCountsInBytesWhenItsUnitIsBytes() {
        ExpectedTotals p = ExpectedTotals.of(Sent.Unit.BYTES, 0, ExpectedTotals.DEFAULT_POLL);
        Expectations e = new Expectations(List.of(closed("a", new Sent(-1, 4096, -1))));
        Check c = new Check(tally(3, 1024, T0), new Progress(1, 0, 3), T0, T0, T0, e);
        assertThat(p.progress(c)).containsExactly(new Goal("closed", 1, 1, Goal.Unit.PRODUCERS),
                new Goal("", 1024, 4096, Goal.Unit.BYTES));
    }

    @Test
    void expectedWithoutDeclarationsHasNothingToShowYet() {
        ExpectedTotals p = ExpectedTotals.of(Sent.Unit.OBJECTS, 0, ExpectedTotals.DEFAULT_POLL);
        Check c = new Check(tally(3, 3, T0), new Progress(1, 0, 3), T0, T0, T0, Expectations.NONE);
        assertThat(p.progress(c)).isEmpty();
        // a barrier (closed without counts) shows only the producers
        Expectations barrier = new Expectations(List.of(closed("a", Sent.NOTHING_DECLARED)));
        assertThat(p.progress(new Check(c.tally(), c.progress(), T0, T0, T0, barrier)))
                .containsExactly(new Goal("closed", 1, 1, Goal.Unit.PRODUCERS));
    }

    @Test
    void goalFractionIsClamped() {
        assertThat(new Goal("quiet", 150, 100, Goal.Unit.MILLIS).fraction()).isEqualTo(1.0);
        assertThat(new Goal("quiet", 25, 100, Goal.Unit.MILLIS).fraction()).isEqualTo(0.25);
        assertThat(new Goal("", 0, 0, Goal.Unit.OBJECTS).fraction()).isEqualTo(1.0);
    }

    private static Expectation closed(String id, Sent sent) {
        return new Expectation("d", id, T0, T0, sent);
    }

    private static Expectation open(String id) {
        return new Expectation("d", id, T0, null, Sent.NOTHING_DECLARED);
    }
}
