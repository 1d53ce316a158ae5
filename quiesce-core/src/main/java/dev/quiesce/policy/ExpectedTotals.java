package dev.quiesce.policy;

import dev.quiesce.Durations;
import dev.quiesce.Expectations;
import dev.quiesce.InvalidConfigurationException;
import dev.quiesce.Sent;
import dev.quiesce.Tally;
import dev.quiesce.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Exact completion: producers declare what they sent, and the dataset is complete the moment every
 * producer has closed and the tally has reached the declared totals — no quiet window to wait out and no
 * guess. Landing more than declared completes with a {@code surplus} warning in the reason; a deadline
 * passing with less landed ends the observation INCOMPLETE, naming what is missing and the producers
 * that never closed.
 *
 * <p>"Every producer" is every producer that opened, or, when {@code producers} is set, that many
 * closed producers (opening is then optional). Producers that close without declaring any count in the
 * unit (a Spark {@code _SUCCESS} marker) make the policy a barrier: complete once they all closed; a mix
 * of declared and undeclared counts cannot be compared and waits for the deadline. Every arrival and declaration triggers a check at once,
 * so the latency is event delivery; {@code poll} is only a safety net. Instances are immutable.
 */
public final class ExpectedTotals implements Policy {

    /** Safety-net interval between checks when nothing triggers one: 1 minute. */
    public static final Duration DEFAULT_POLL = Duration.ofMinutes(1);

    private final Sent.Unit unit;
    private final int producers;
    private final Duration poll;

    private ExpectedTotals(Sent.Unit unit, int producers, Duration poll) {
        this.unit = unit;
        this.producers = producers;
        this.poll = poll;
    }

    /**
     * @param unit what the totals count
     * @param producers how many producers will close, or 0 to wait for every producer that opened
     * @param poll safety-net interval between checks
     * @throws InvalidConfigurationException for a negative producer count or a non-positive poll
     */
    public static ExpectedTotals of(Sent.Unit unit, int producers, Duration poll) {
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(poll, "poll");
        if (producers < 0) {
            throw new InvalidConfigurationException("producers must be >= 0, was " + producers);
        }
        if (poll.isZero() || poll.isNegative()) {
            throw new InvalidConfigurationException("poll must be > 0, was " + Durations.format(poll));
        }
        return new ExpectedTotals(unit, producers, poll);
    }

    public Sent.Unit unit() {
        return unit;
    }

    public int producers() {
        return producers;
    }

    @Override
    public Instant firstCheckAt(Instant activatedAt, Tally tally) {
        return activatedAt;
    }

    @Override
    public Verdict decide(Check check) {
        Expectations e = check.expectations();
        if (!allClosed(e)) {
            return new Verdict.Wait(check.now().plus(poll));
        }
        String who = e.closedCount() + " producer" + (e.closedCount() == 1 ? "" : "s");
        long declared = e.declared(unit);
        if (declared == Sent.UNKNOWN) {
            // producers that only say they are done (a _SUCCESS marker) make this a barrier on their closing
            return e.noneDeclared(unit)
                    ? new Verdict.Complete("all " + who + " closed (no " + unit.label() + " declared)")
                    : new Verdict.Wait(check.now().plus(poll));
        }
        long landed = unit.of(check.tally());
        if (landed < declared) {
            return new Verdict.Wait(check.now().plus(poll));
        }
        if (landed > declared) {
            return new Verdict.Complete("surplus: landed " + landed + " " + unit.label() + ", " + who
                    + " declared " + declared);
        }
        return new Verdict.Complete("landed " + landed + " " + unit.label() + " as " + who + " declared");
    }

    /**
     * Producers closed of those expected ({@code producers}, else every one that opened), then what landed
     * against what the closed producers declared, in the policy's unit: {@code 2 of 3 producers closed},
     * {@code 10 of 12 objects}. Empty while nobody has declared anything and no producer count is set.
     */
    @Override
    public List<Goal> progress(Check check) {
        Expectations e = check.expectations();
        List<Goal> goals = new ArrayList<>(2);
        long closed = e.closedCount();
        long expected = producers > 0 ? producers : e.producers().size();
        if (expected > 0) {
            goals.add(new Goal("closed", closed, expected, Goal.Unit.PRODUCERS));
        }
        long declared = e.declared(unit);
        if (closed > 0 && declared != Sent.UNKNOWN) {
            goals.add(new Goal("", unit.of(check.tally()), declared, goalUnit()));
        }
        return List.copyOf(goals);
    }

    private Goal.Unit goalUnit() {
        switch (unit) {
            case BYTES: return Goal.Unit.BYTES;
            case RECORDS: return Goal.Unit.RECORDS;
            default: return Goal.Unit.OBJECTS;
        }
    }

    @Override
    public Optional<String> shortfall(Check check) {
        Expectations e = check.expectations();
        List<String> parts = new ArrayList<>();
        long declared = e.declared(unit);
        long landed = unit.of(check.tally());
        if (declared != Sent.UNKNOWN && landed < declared) {
            parts.add((declared - landed) + " of " + declared + " declared " + unit.label() + " missing");
        } else if (declared == Sent.UNKNOWN && !e.noneDeclared(unit)) {
            parts.add("a closed producer did not declare its " + unit.label());
        }
        if (!e.stillOpen().isEmpty()) {
            parts.add("producers that never closed: " + String.join(", ", e.stillOpen()));
        }
        if (producers > 0 && e.closedCount() < producers) {
            parts.add(e.closedCount() + " of " + producers + " producers closed");
        }
        if (producers == 0 && e.producers().isEmpty()) {
            parts.add("no producer declared anything");
        }
        return Optional.of(parts.isEmpty() ? "nothing missing was found at the deadline" : String.join("; ", parts));
    }

    private boolean allClosed(Expectations e) {
        if (producers > 0) {
            return e.closedCount() >= producers && e.stillOpen().isEmpty();
        }
        return !e.producers().isEmpty() && e.stillOpen().isEmpty();
    }

    @Override
    public Duration recheckInterval() {
        return poll;
    }

    @Override
    public boolean needsExpectations() {
        return true;
    }

    @Override
    public boolean checksOnArrival() {
        return true;
    }

    @Override
    public String spec() {
        return "expected unit=" + unit.label() + (producers > 0 ? " producers=" + producers : "")
                + (poll.equals(DEFAULT_POLL) ? "" : " poll=" + Durations.format(poll));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExpectedTotals && ((ExpectedTotals) o).unit == unit
                && ((ExpectedTotals) o).producers == producers && ((ExpectedTotals) o).poll.equals(poll);
    }

    @Override
    public int hashCode() {
        return Objects.hash(unit, producers, poll);
    }

    @Override
    public String toString() {
        return spec();
    }
}
