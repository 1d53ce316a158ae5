package dev.quiesce.app.cli;

import dev.quiesce.Durations;
import dev.quiesce.Observation;
import dev.quiesce.Tally;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The one line {@code quiesce watch} ends with, for schedulers' logs and people alike:
 *
 * <pre>{@code quiesce: complete | 1,204 objects, 3.4 MiB | 1m 30s after the last arrival | <reason>}</pre>
 *
 * <p>Outcome, what is present, how long after the last arrival the run was decided (the latency a
 * downstream job pays) and the reason, always on one line: line breaks in the reason become spaces, so a
 * log reader that splits on lines keeps it whole. Nothing is cut: a log has no width.
 */
final class SummaryLine {

    private static final String SEP = " | ";

    private SummaryLine() {
    }

    /** The summary of an observation (finished, or as it stands) over its dataset's tally. */
    static String format(Observation o, Tally t) {
        List<String> parts = new ArrayList<>(4);
        parts.add("quiesce: " + Phrases.outcome(o.state()));
        parts.add(Phrases.count(t.objects(), "object") + ", " + Phrases.bytes(t.bytes()));
        if (!t.hasArrivals()) {
            parts.add("nothing arrived");
        } else if (t.lastActivity() != null && o.finishedAt() != null) {
            Duration after = Duration.between(t.lastActivity(), o.finishedAt());
            parts.add(Durations.human(after) + " after the last arrival");
        }
        String reason = Phrases.text(o.reason());
        if (!reason.isEmpty()) {
            parts.add(reason);
        }
        return String.join(SEP, parts);
    }
}
