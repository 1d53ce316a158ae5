package dev.quiesce;

import java.util.ArrayList;
import java.util.Collections;
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

    // plain loops rather than streams: an exact policy asks these on every arrival and declaration

    /** How many producers have closed. */
    public long closedCount() {
        long n = 0;
        for (int i = 0; i < producers.size(); i++) {
            if (producers.get(i).closed()) {
                n++;
            }
        }
        return n;
    }

    /** The producers that opened and have not closed. */
    public List<String> stillOpen() {
        List<String> open = null;
        for (int i = 0; i < producers.size(); i++) {
            Expectation e = producers.get(i);
            if (!e.closed()) {
                if (open == null) {
                    open = new ArrayList<>();
                }
                open.add(e.producerId());
            }
        }
        return open == null ? List.of() : Collections.unmodifiableList(open);
    }

    /** Whether no closed producer declared a count in this unit (they only said they were done). */
    public boolean noneDeclared(Sent.Unit unit) {
        for (int i = 0; i < producers.size(); i++) {
            Expectation e = producers.get(i);
            if (e.closed() && e.sent().in(unit) != Sent.UNKNOWN) {
                return false;
            }
        }
        return true;
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
