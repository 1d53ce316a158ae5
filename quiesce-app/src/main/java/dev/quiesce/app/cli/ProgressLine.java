package dev.quiesce.app.cli;

import dev.quiesce.Blindness;
import dev.quiesce.Durations;
import dev.quiesce.Expectations;
import dev.quiesce.Observation;
import dev.quiesce.ObservationState;
import dev.quiesce.Tally;
import dev.quiesce.policy.Goal;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one live status line {@code quiesce watch} keeps on a terminal: state, objects and bytes, the
 * policy's progress toward completing ({@code quiet 40s of 1m 30s}, {@code phi 3.2 of 8},
 * {@code 2 of 3 producers closed, 10 of 12 objects}) and the time to the next check; while the source is
 * blind it leads with that. Off a terminal it prints nothing, so scripts and logs stay clean.
 *
 * <p>The line never wraps, since a wrapped line can no longer be redrawn in place: it keeps within
 * {@code width - 1} columns (a line filling the last column wraps on some terminals) by dropping the least
 * telling parts first — the next check, then the bytes, then all but the first goal, then the blindness
 * reason is shortened or dropped — and then cutting the line with {@value Phrases#ELLIPSIS}.
 */
final class ProgressLine {

    /** The width used when none is given: as good as unlimited, for callers that do not fit a terminal. */
    static final int UNLIMITED = Integer.MAX_VALUE;

    private static final String SEP = " | ";

    private final PrintStream out;
    private final Clock clock;
    private final boolean enabled;
    private final int width;
    private String last = "";

    private ProgressLine(PrintStream out, Clock clock, boolean enabled, int width) {
        this.out = out;
        this.clock = clock;
        this.enabled = enabled;
        this.width = width;
    }

    /** A line for a terminal {@code width} columns wide ({@link TerminalWidth#detect()}); silent off a terminal. */
    static ProgressLine forTerminal(boolean terminal, PrintStream out, int width) {
        return new ProgressLine(out, Clock.systemUTC(), terminal, width);
    }

    /** As {@link #forTerminal(boolean, PrintStream, int)}, for a terminal {@link TerminalWidth#FALLBACK} wide. */
    static ProgressLine forTerminal(boolean terminal, PrintStream out) {
        return forTerminal(terminal, out, TerminalWidth.FALLBACK);
    }

    /** Redraws the line, if it changed. */
    void show(Observation o, Tally t, Optional<Blindness> blind, Expectations e) {
        if (!enabled) {
            return;
        }
        String line = render(o, t, blind, e, clock.instant(), width);
        if (!line.equals(last)) {
            out.print("\r" + line + "\u001b[K");
            out.flush();
            last = line;
        }
    }

    /** As {@link #show(Observation, Tally, Optional, Expectations)} without declarations. */
    void show(Observation o, Tally t, Optional<Blindness> blind) {
        show(o, t, blind, Expectations.NONE);
    }

    /** Whether the line is drawn at all (only on a terminal). */
    boolean enabled() {
        return enabled;
    }

    /** Ends the line where it is (a signal stopped the run), so what is printed next starts on a line of its own. */
    void interrupted() {
        if (enabled && !last.isEmpty()) {
            out.println();
            out.flush();
        }
    }

    /** Erases the line, leaving the cursor at the start of it, for whatever is printed next. */
    void clear() {
        if (!enabled) {
            return;
        }
        out.print("\r\u001b[K");
        out.flush();
        last = "";
    }

    /** Replaces the line with the run's {@link SummaryLine}. */
    void finish(Observation o, Tally t) {
        if (!enabled) {
            return;
        }
        clear();
        for (String line : fold(SummaryLine.format(o, t), width == UNLIMITED ? UNLIMITED : width - 1)) {
            out.println(line);
        }
        out.flush();
    }

    /**
     * {@code text} in lines of at most {@code max} columns, broken between words (a word longer than a line is
     * cut), continuation lines indented: the terminal never wraps what we print, and nothing is lost.
     */
    static List<String> fold(String text, int max) {
        if (text.length() <= max) {
            return List.of(text);
        }
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            String w = word;
            while (true) {
                int room = max - line.length() - (line.length() > 0 && !line.toString().isBlank() ? 1 : 0);
                if (w.length() <= room) {
                    if (line.length() > 0 && !line.toString().isBlank()) {
                        line.append(' ');
                    }
                    line.append(w);
                    break;
                }
                if (line.toString().isBlank()) {
                    // a word wider than a whole line: cut it
                    line.append(w, 0, Math.max(1, room));
                    w = w.substring(Math.max(1, room));
                }
                lines.add(line.toString());
                line = new StringBuilder("  ");
            }
        }
        if (!line.toString().isBlank()) {
            lines.add(line.toString());
        }
        return lines;
    }

    /** The line without declarations or a width, for callers that predate them. */
    static String render(Observation o, Tally t, Instant now) {
        return render(o, t, Optional.empty(), Expectations.NONE, now, UNLIMITED);
    }

    /** The line without declarations or a width, for callers that predate them. */
    static String render(Observation o, Tally t, Optional<Blindness> blind, Instant now) {
        return render(o, t, blind, Expectations.NONE, now, UNLIMITED);
    }

    /**
     * The line at {@code now}, fitted to a terminal {@code width} columns wide.
     *
     * @param o the observation as last stored
     * @param t the dataset's tally now
     * @param blind the source's blindness, if it cannot see
     * @param e the producers' declarations ({@link Expectations#NONE} for policies that do not need them)
     * @param now the time the line is drawn
     * @param width the terminal's columns; the line takes at most {@code width - 1}
     */
    static String render(Observation o, Tally t, Optional<Blindness> blind, Expectations e, Instant now, int width) {
        Parts p = new Parts(o, t, blind, e, now);
        int max = Math.max(1, width == UNLIMITED ? UNLIMITED : width - 1);
        String line = p.join();
        while (Phrases.columns(line) > max && p.shrink(max)) {
            line = p.join();
        }
        return Phrases.cut(line, max);
    }

    /** The line's parts, with the steps that shorten it, least telling part first. */
    private static final class Parts {
        private final String state;
        private final String objects;
        private String bytes;
        private final List<String> goals = new ArrayList<>();
        private String next;
        private String blindHead;
        private String blindReason;
        private int step;

        Parts(Observation o, Tally t, Optional<Blindness> blind, Expectations e, Instant now) {
            state = o.state().name();
            objects = Phrases.count(t.objects(), "object");
            bytes = Phrases.bytes(t.bytes());
            if (blind.isPresent() && o.state().open()) {
                blindHead = "BLIND " + Durations.human(Duration.between(blind.get().since(), now));
                blindReason = Phrases.text(blind.get().reason());
            }
            if (o.state() == ObservationState.WAITING) {
                goals.add(Phrases.waitingFor(o, e));
            }
            if (o.state().open()) {
                for (Goal g : Phrases.goals(o, t, e, now)) {
                    goals.add(Phrases.goal(g));
                }
                if (o.nextCheckAt() != null) {
                    next = "next check in " + Durations.human(Duration.between(now, o.nextCheckAt()));
                }
            } else if (o.nextCheckAt() != null) {
                next = "watching for late data, " + Durations.human(Duration.between(now, o.nextCheckAt())) + " left";
            } else if (!o.reason().isEmpty()) {
                goals.add(Phrases.text(o.reason()));
            }
        }

        String join() {
            StringBuilder sb = new StringBuilder();
            if (blindHead != null) {
                sb.append(blindHead);
                if (blindReason != null && !blindReason.isEmpty()) {
                    sb.append(" (").append(blindReason).append(')');
                }
                sb.append(SEP);
            }
            sb.append(state).append(SEP).append(objects);
            if (bytes != null) {
                sb.append(", ").append(bytes);
            }
            for (int i = 0; i < goals.size(); i++) {
                // one policy's goals read as one phrase: 2 of 3 producers closed, 10 of 12 objects
                sb.append(i == 0 ? SEP : ", ").append(goals.get(i));
            }
            if (next != null) {
                sb.append(SEP).append(next);
            }
            return sb.toString();
        }

        /** Takes the next shortening step; false when none is left. */
        boolean shrink(int max) {
            while (true) {
                switch (step++) {
                    case 0:
                        if (next != null) {
                            next = null;
                            return true;
                        }
                        break;
                    case 1:
                        if (bytes != null) {
                            bytes = null;
                            return true;
                        }
                        break;
                    case 2:
                        if (goals.size() > 1) {
                            goals.subList(1, goals.size()).clear();
                            return true;
                        }
                        break;
                    case 3:
                        if (blindReason != null) {
                            fitBlindReason(max);
                            return true;
                        }
                        break;
                    default:
                        return false;
                }
            }
        }

        /** Cuts the blindness reason to the room left, or drops it when too little is left to say anything. */
        private void fitBlindReason(int max) {
            String reason = blindReason;
            blindReason = null;
            int room = max - Phrases.columns(join()) - " ()".length();
            blindReason = room >= 12 ? Phrases.cut(reason, room) : null;
        }
    }
}
