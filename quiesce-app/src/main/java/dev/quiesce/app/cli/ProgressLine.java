package dev.quiesce.app.cli;

import dev.quiesce.Blindness;
import dev.quiesce.Durations;
import dev.quiesce.Observation;
import dev.quiesce.Tally;
import dev.quiesce.policy.StableCount;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The one live status line {@code quiesce watch} keeps on a terminal: objects, bytes, streak and the
 * time to the next check. Off a terminal it prints nothing, so scripts and logs stay clean.
 */
final class ProgressLine {

    private final PrintStream out;
    private final Clock clock;
    private final boolean enabled;
    private String last = "";

    private ProgressLine(PrintStream out, Clock clock, boolean enabled) {
        this.out = out;
        this.clock = clock;
        this.enabled = enabled;
    }

    static ProgressLine forTerminal(boolean terminal, PrintStream out) {
        return new ProgressLine(out, Clock.systemUTC(), terminal);
    }

    void show(Observation o, Tally t, Optional<Blindness> blind) {
        if (!enabled) {
            return;
        }
        String line = render(o, t, blind, clock.instant());
        if (!line.equals(last)) {
            out.print("\r" + line + "\u001b[K");
            out.flush();
            last = line;
        }
    }

    /** Whether the line is drawn at all (only on a terminal). */
    boolean enabled() {
        return enabled;
    }

    /** Ends the line where it is, so what is printed next starts on a line of its own. */
    void interrupted() {
        if (enabled && !last.isEmpty()) {
            out.println();
            out.flush();
        }
    }

    void finish(Observation o, Tally t) {
        if (!enabled) {
            return;
        }
        out.print("\r\u001b[K");
        out.println(o.state().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ": " + o.reason()
                + " | " + t.objects() + " objects, " + bytes(t.bytes()) + ", " + o.progress().checks() + " checks"
                + (t.lastActivity() != null && o.finishedAt() != null
                        ? ", decided " + Durations.format(Duration.between(t.lastActivity(), o.finishedAt()).withNanos(0))
                                + " after the last arrival was seen"
                        : ""));
        out.flush();
    }

    static String render(Observation o, Tally t, Instant now) {
        return render(o, t, Optional.empty(), now);
    }

    /** The line; while the source is blind it leads with BLIND and why, since nothing can complete then. */
    static String render(Observation o, Tally t, Optional<Blindness> blind, Instant now) {
        StringBuilder sb = new StringBuilder();
        if (blind.isPresent() && o.state().open()) {
            sb.append("BLIND ").append(Durations.format(Duration.between(blind.get().since(), now).withNanos(0)))
                    .append(" (").append(blind.get().reason()).append(") | ");
        }
        sb.append(o.state()).append(" | ").append(t.objects()).append(" objects, ").append(bytes(t.bytes()));
        if (o.spec().policy() instanceof StableCount) {
            sb.append(" | streak ").append(o.progress().streak()).append('/')
                    .append(((StableCount) o.spec().policy()).window());
        }
        if (o.nextCheckAt() != null) {
            Duration in = Duration.between(now, o.nextCheckAt());
            sb.append(" | next check in ").append(in.isNegative() ? "0s" : Durations.format(in.withNanos(0)));
        } else if (o.state().open()) {
            sb.append(" | waiting for the first file");
        }
        return sb.toString();
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String units = "KMGTPE";
        int i = (int) (Math.log(n) / Math.log(1024));
        return String.format(java.util.Locale.ROOT, "%.1f %siB", n / Math.pow(1024, i), units.charAt(i - 1));
    }
}
