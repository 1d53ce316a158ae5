package dev.quiesce.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiesce.Progress;
import dev.quiesce.Sent;
import dev.quiesce.Tally;
import dev.quiesce.Verdict;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The period-end guard: completion held until the period's end plus the buffer, deadlines counted from it. */
class PeriodEndGuardTest {

    private static final Instant DAY = Instant.parse("2024-05-01T00:00:00Z");
    private static final Instant START = DAY.plusSeconds(30);
    private static final Instant END = Instant.parse("2024-05-02T00:00:00Z");
    private static final Policy STABLE = StableCount.ofDefaults();
    private static final Tally TALLY = new Tally(10, 1000, 0, 10, START, START);

    private static Check checkAt(Instant now) {
        return new Check(TALLY, new Progress(5, 3, 10), START, START, now);
    }

    private static Guards daily(String extra) {
        return PolicySpec.parse("stable window=3 delay=constant:30s period-end=2024-05-02T00:00:00Z " + extra).guards();
    }

    @Test
    void theSpecKeyRoundTripsAndKeepsTheOtherGuards() {
        PolicySpec spec = PolicySpec.parse("stable window=3 delay=constant:30s deadline=6h buffer=60s");
        PolicySpec dated = new PolicySpec(spec.policy(), spec.guards().withPeriodEnd(END));
        assertThat(dated.text())
                .isEqualTo("stable window=3 delay=constant:30s deadline=6h buffer=1m period-end=2024-05-02T00:00:00Z");
        assertThat(PolicySpec.parse(dated.text())).isEqualTo(dated);
        assertThat(dated.guards().withPeriodEnd(null)).isEqualTo(spec.guards());
        assertThat(dated.guards().withDeadline(Duration.ofHours(1)).periodEnd()).isEqualTo(END);
    }

    @Test
    void theConvenienceConstructorsHaveNoPeriod() {
        assertThat(new Guards(1, Duration.ofHours(1), null).periodEnd()).isNull();
        assertThat(Guards.NONE.periodEnd()).isNull();
        assertThat(Guards.NONE.measuredFrom(START)).isEqualTo(START);
    }

    @Test
    void deadlineAndOverdueCountFromThePeriodsEndButTheFirstArrivalTimeoutFromTheStart() {
        Guards g = daily("deadline=6h overdue=2h first-arrival-timeout=30m");
        assertThat(g.measuredFrom(START)).isEqualTo(END);
        assertThat(g.deadlineAt(START)).contains(END.plus(Duration.ofHours(6)));
        assertThat(g.overdueAt(START)).contains(END.plus(Duration.ofHours(2)));
        assertThat(g.waitingCheckAt(START)).contains(START.plus(Duration.ofMinutes(30)));
        assertThat(g.withFirstArrivalTimeout(null).waitingCheckAt(START)).contains(END.plus(Duration.ofHours(6)));
    }

    @Test
    void aRunStartedAfterItsPeriodCountsFromItsStart() {
        Guards g = daily("deadline=6h");
        Instant late = END.plus(Duration.ofHours(3));
        assertThat(g.deadlineAt(late)).contains(late.plus(Duration.ofHours(6)));
        assertThat(g.holdsUntil(late, STABLE)).isEmpty();
    }

    @Test
    void aWaitingRunTimesOutAtThePeriodsEndPlusTheDeadlineNotBefore() {
        Guards g = daily("deadline=6h");
        Instant deadline = END.plus(Duration.ofHours(6));
        assertThat(g.whileWaiting(START, DAY.plus(Duration.ofHours(6)))).contains(new Verdict.Wait(deadline));
        Verdict v = g.whileWaiting(START, deadline).orElseThrow();
        assertThat(v).isInstanceOf(Verdict.TimedOut.class);
        assertThat(((Verdict.TimedOut) v).deadline()).isEqualTo(deadline);
        assertThat(((Verdict.TimedOut) v).reason()).contains("after the period's end 2024-05-02T00:00:00Z");
    }

    @Test
    void aCompletionDuringThePeriodIsHeldAsOneWaitUntilItsEndPlusTheBuffer() {
        Guards g = daily("buffer=60s");
        Verdict v = g.apply(new Verdict.Complete("tally unchanged"), checkAt(DAY.plus(Duration.ofHours(10))), STABLE);
        assertThat(v).isInstanceOf(Verdict.Wait.class);
        Verdict.Wait w = (Verdict.Wait) v;
        assertThat(w.until()).isEqualTo(END.plusSeconds(60));
        assertThat(w.reason()).isEqualTo("period ends at 2024-05-02T00:00:00Z; holding completion until "
                + "2024-05-02T00:01:00Z (+ buffer 1m)");
        // still held between the period's end and the end of the buffer interval
        assertThat(g.apply(new Verdict.Complete("x"), checkAt(END.plusSeconds(59)), STABLE))
                .isEqualTo(new Verdict.Wait(END.plusSeconds(60), w.reason()));
    }

    @Test
    void withoutABufferTheHoldEndsWithThePeriod() {
        Guards g = daily("");
        Verdict v = g.apply(new Verdict.Complete("x"), checkAt(END.minusSeconds(1)), STABLE);
        assertThat(v).isEqualTo(new Verdict.Wait(END, "period ends at 2024-05-02T00:00:00Z; holding completion until "
                + "2024-05-02T00:00:00Z"));
        assertThat(g.holdsUntil(END, STABLE)).isEmpty();
        assertThat(g.apply(new Verdict.Complete("x"), checkAt(END), STABLE)).isEqualTo(new Verdict.Complete("x"));
    }

    @Test
    void thePolicysOwnWaitsAreLeftAsTheyAre() {
        Guards g = daily("buffer=60s deadline=6h");
        Verdict.Wait own = new Verdict.Wait(DAY.plus(Duration.ofHours(10)).plusSeconds(30));
        assertThat(g.apply(own, checkAt(DAY.plus(Duration.ofHours(10))), STABLE)).isSameAs(own);
    }

    @Test
    void anExactPolicyIsExempt() {
        Policy expected = ExpectedTotals.of(Sent.Unit.OBJECTS, 1, ExpectedTotals.DEFAULT_POLL);
        Guards g = daily("buffer=60s");
        assertThat(g.holdsUntil(START, expected)).isEmpty();
        assertThat(g.apply(new Verdict.Complete("all declared landed"), checkAt(START), expected))
                .isEqualTo(new Verdict.Complete("all declared landed"));
    }

    @Test
    void aHeldWaitStopsAtTheDeadlineAndThenTimesOut() {
        // a deadline shorter than the buffer: an odd spec, but the deadline still wins
        Guards g = daily("buffer=10m deadline=5m allow-short-window");
        Instant deadline = END.plus(Duration.ofMinutes(5));
        assertThat(g.apply(new Verdict.Complete("x"), checkAt(END), STABLE)).isInstanceOfSatisfying(Verdict.Wait.class,
                w -> assertThat(w.until()).isEqualTo(deadline));
        Verdict v = g.apply(new Verdict.Complete("x"), checkAt(deadline), STABLE);
        assertThat(v).isInstanceOfSatisfying(Verdict.TimedOut.class, t -> {
            assertThat(t.deadline()).isEqualTo(deadline);
            assertThat(t.reason()).contains("passed while completion was held");
        });
    }

    @Test
    void anActiveRunTimesOutAtThePeriodsEndPlusTheDeadline() {
        Guards g = daily("deadline=6h");
        Verdict.Wait own = new Verdict.Wait(DAY.plus(Duration.ofHours(6)).plusSeconds(30));
        assertThat(g.apply(own, checkAt(DAY.plus(Duration.ofHours(6))), STABLE)).isSameAs(own);
        Instant deadline = END.plus(Duration.ofHours(6));
        Verdict v = g.apply(new Verdict.Wait(deadline.plusSeconds(30)), checkAt(deadline), STABLE);
        assertThat(v).isInstanceOfSatisfying(Verdict.TimedOut.class,
                t -> assertThat(t.deadline()).isEqualTo(deadline));
    }
}
