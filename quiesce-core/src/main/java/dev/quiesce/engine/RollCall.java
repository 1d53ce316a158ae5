package dev.quiesce.engine;

import dev.quiesce.Attribution;
import dev.quiesce.Expectation;
import dev.quiesce.Expectations;
import dev.quiesce.Sent;
import dev.quiesce.port.TallyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Names who is short when a run ends INCOMPLETE or is reported OVERDUE: every producer that never
 * closed, and every closed producer whose objects can be attributed (its manifest lists its keys or
 * gives its prefix) with fewer of them present than it declared, e.g.
 * {@code loader-C declared 3 objects, 2 landed (missing: in/C/c3)}.
 *
 * <p>Run only at those two moments, not at every check: it asks the tally store about each
 * attributed producer's keys. Stateless.
 */
final class RollCall {

    /** Missing keys named per producer; the rest are counted. */
    static final int MAX_NAMED = 10;

    private RollCall() {
    }

    /** The roll call of a dataset's producers, or empty when nobody can be named short. */
    static String of(String datasetId, Expectations declared, TallyStore tallies) {
        List<String> lines = new ArrayList<>();
        for (Expectation e : declared.producers()) {
            if (!e.closed()) {
                lines.add(e.producerId() + " never closed");
                continue;
            }
            String line = attributed(datasetId, e, tallies);
            if (line != null) {
                lines.add(line);
            }
        }
        return String.join("; ", lines);
    }

    private static String attributed(String datasetId, Expectation e, TallyStore tallies) {
        Attribution a = e.attribution();
        if (!a.known()) {
            return null;
        }
        long declared = e.sent().objects() != Sent.UNKNOWN ? e.sent().objects() : a.keys().size();
        if (!a.keys().isEmpty()) {
            Set<String> present = tallies.present(datasetId, a.keys());
            List<String> missing = a.keys().stream().filter(k -> !present.contains(k)).toList();
            if (missing.isEmpty() && present.size() >= declared) {
                return null;
            }
            String named = missing.size() <= MAX_NAMED ? String.join(", ", missing)
                    : String.join(", ", missing.subList(0, MAX_NAMED)) + " and " + (missing.size() - MAX_NAMED) + " more";
            return e.producerId() + " declared " + declared + " objects, " + present.size() + " landed"
                    + (missing.isEmpty() ? "" : " (missing: " + named + ")");
        }
        long landed;
        try {
            landed = tallies.presentUnder(datasetId, a.prefix());
        } catch (UnsupportedOperationException unsupported) {
            return null; // this store cannot count under a prefix; the totals still say what is missing
        }
        if (declared == Sent.UNKNOWN || landed >= declared) {
            return null;
        }
        return e.producerId() + " declared " + declared + " objects, " + landed + " landed under " + a.prefix();
    }
}
