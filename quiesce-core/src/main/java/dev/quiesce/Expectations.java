package dev.quiesce;

import java.util.List;

/**
 * Every producer's declaration for one dataset, as a check sees them.
 *
 * @param producers one entry per producer that opened or closed
 */
public record Expectations(List<Expectation> producers) {

    /** No declarations. */
    public static final Expectations NONE = new Expectations(List.of());

    public Expectations {
        producers = List.copyOf(producers);
    }

    /** How many producers have closed. */
    public long closedCount() {
        return producers.stream().filter(Expectation::closed).count();
    }

    /** The producers that opened and have not closed. */
    public List<String> stillOpen() {
        return producers.stream().filter(e -> !e.closed()).map(Expectation::producerId).toList();
    }

    /** Whether no closed producer declared a count in this unit (they only said they were done). */
    public boolean noneDeclared(Sent.Unit unit) {
        return producers.stream().filter(Expectation::closed).allMatch(e -> e.sent().in(unit) == Sent.UNKNOWN);
    }

    /**
     * The sum of what closed producers declared in a unit, or {@link Sent#UNKNOWN} when one of them did
     * not declare that unit.
     */
    public long declared(Sent.Unit unit) {
        long sum = 0;
        for (Expectation e : producers) {
            if (e.closed()) {
                long n = e.sent().in(unit);
                if (n == Sent.UNKNOWN) {
                    return Sent.UNKNOWN;
                }
                sum += n;
            }
        }
        return sum;
    }
}
