package dev.quiesce.app.cli;

import dev.quiesce.Durations;
import dev.quiesce.Expectations;
import dev.quiesce.Observation;
import dev.quiesce.Tally;
import dev.quiesce.policy.Goal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One line per check for {@code --verbose}: when, which check, the state, what is present, the policy's
 * progress and what the check decided (the next check, or the outcome and its reason):
 *
 * <pre>{@code
 * 01:02:03Z check 4 ACTIVE | 3 objects, 1.5 KiB | streak 1 of 3 | next check 01:02:33Z (in 30s)
 * 01:03:33Z check 7 COMPLETE | 3 objects, 1.5 KiB | streak 3 of 3 | tally unchanged for 3 consecutive checks
 * }</pre>
 *
 * Lines are appended to a log, not redrawn, so nothing is cut to a width.
 */
final class CheckLine {

    private static final String SEP = " | ";

    private CheckLine() {
    }

    /**
     * The line for the check the observation just went through.
     *
     * @param o the observation after the check
     * @param t the tally the check read
     * @param e the producers' declarations ({@link Expectations#NONE} for policies that do not need them)
     * @param now when the check was made
     */
    static String format(Observation o, Tally t, Expectations e, Instant now) {
        List<String> parts = new ArrayList<>();
        parts.add(Durations.clock(now) + " check " + o.progress().checks() + " " + o.state().name());
        parts.add(Phrases.count(t.objects(), "object") + ", " + Phrases.bytes(t.bytes()));
        if (o.activatedAt() == null && o.state().open()) {
            parts.add(Phrases.waitingFor(o, e));
        }
        List<String> goals = new ArrayList<>();
        for (Goal g : Phrases.goals(o, t, e, now)) {
            goals.add(Phrases.goal(g));
        }
        if (!goals.isEmpty()) {
            parts.add(String.join(", ", goals));
        }
        if (o.state().open()) {
            parts.add(o.nextCheckAt() == null ? "no check scheduled"
                    : "next check " + Durations.clock(o.nextCheckAt()) + " (in "
                            + Durations.human(Duration.between(now, o.nextCheckAt())) + ")");
        } else {
            String reason = Phrases.text(o.reason());
            parts.add(reason.isEmpty() ? Phrases.outcome(o.state()) : Phrases.outcome(o.state()) + ": " + reason);
        }
        return String.join(SEP, parts);
    }
}
