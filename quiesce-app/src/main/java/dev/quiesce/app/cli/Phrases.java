package dev.quiesce.app.cli;

import dev.quiesce.Durations;
import dev.quiesce.Expectations;
import dev.quiesce.Observation;
import dev.quiesce.ObservationState;
import dev.quiesce.Tally;
import dev.quiesce.policy.Check;
import dev.quiesce.policy.Goal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The words the command's lines share: counts with their nouns, sizes, goals, outcomes, and free text
 * made safe for one line. Pure functions; the line formatters ({@link ProgressLine}, {@link SummaryLine},
 * {@link CheckLine}) arrange them.
 */
final class Phrases {

    /** What a line is cut with: plain dots, since a terminal whose locale is not UTF-8 shows '?' for '…'. */
    static final String ELLIPSIS = "...";

    private Phrases() {
    }

    /** A count with its noun, grouped by thousands: {@code 1 object}, {@code 1,204 objects}. */
    static String count(long n, String noun) {
        return String.format(Locale.ROOT, "%,d", n) + " " + plural(n, noun);
    }

    /** The noun for {@code n} of it: singular for exactly one. */
    static String plural(long n, String noun) {
        return n == 1 ? noun : noun + "s";
    }

    /** A size in binary units, one decimal: {@code 0 B}, {@code 1023 B}, {@code 1.5 KiB}, {@code 3.4 MiB}. */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String units = "KMGTPE";
        int i = (int) (Math.log(n) / Math.log(1024));
        return String.format(Locale.ROOT, "%.1f %siB", n / Math.pow(1024, i), units.charAt(i - 1));
    }

    /** The outcome a state names, in lower case words: {@code complete}, {@code timed out}. */
    static String outcome(ObservationState s) {
        return s.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /**
     * A goal as it reads: measures lead with their label ({@code quiet 40s of 1m 30s}, {@code phi 3.2 of 8},
     * {@code streak 2 of 3}); counted things end with their noun, agreeing with the target, and then the
     * label ({@code 2 of 3 producers closed}, {@code 1 of 1 object}, {@code 1.5 KiB of 3.0 KiB}).
     */
    static String goal(Goal g) {
        switch (g.unit()) {
            case MILLIS:
                return g.label() + " " + Durations.human(Duration.ofMillis((long) g.current())) + " of "
                        + Durations.human(Duration.ofMillis((long) g.target()));
            case SCORE:
                return g.label() + " " + score(g.current()) + " of " + score(g.target());
            case STEPS:
                return g.label() + " " + whole(g.current()) + " of " + whole(g.target());
            case BYTES:
                return trailing(bytes((long) g.current()) + " of " + bytes((long) g.target()), g.label());
            default:
                String noun = g.unit().name().toLowerCase(Locale.ROOT);
                noun = noun.substring(0, noun.length() - 1);
                return trailing(whole(g.current()) + " of " + whole(g.target()) + " "
                        + plural((long) g.target(), noun), g.label());
        }
    }

    private static String trailing(String text, String label) {
        return label.isEmpty() ? text : text + " " + label;
    }

    private static String whole(double v) {
        return String.format(Locale.ROOT, "%,d", (long) v);
    }

    /** One decimal, none when whole ({@code 3.2}, {@code 8}); past 99 (phi of a long silence) it reads {@code >99}. */
    private static String score(double v) {
        if (v > 99) {
            return ">99";
        }
        double tenths = Math.round(v * 10) / 10.0;
        return tenths == Math.rint(tenths) ? Long.toString((long) tenths) : String.format(Locale.ROOT, "%.1f", tenths);
    }

    /**
     * What the observation's policy reports of its progress, for a check built at render time from what the
     * observer saw last (the observation's progress) and the tally and declarations now; plus
     * {@code min-objects n of m} while that guard holds. Empty before activation.
     */
    static List<Goal> goals(Observation o, Tally t, Expectations e, Instant now) {
        List<Goal> goals = new ArrayList<>();
        Instant activated = o.activatedAt() != null ? o.activatedAt()
                : o.spec().policy().needsExpectations() ? o.startedAt() : null;
        if (activated != null) {
            // an exact policy's progress is its declarations, which can come before the first object
            goals.addAll(o.spec().policy().progress(new Check(t, o.progress(), o.startedAt(), activated, now, e)));
        }
        long min = o.spec().guards().minObjects();
        if (o.activatedAt() != null && t.objects() < min) {
            goals.add(new Goal("min-objects", t.objects(), min, Goal.Unit.STEPS));
        }
        return goals;
    }

    /** What a WAITING observation waits for: the first object, and for an exact policy its declarations. */
    static String waitingFor(Observation o, Expectations e) {
        if (o.spec().policy().needsExpectations() && e.producers().isEmpty()) {
            return "waiting for the first object and for declarations";
        }
        return "waiting for the first object";
    }

    /**
     * Free text (a reason, a source's blindness) made fit for one line: machine forms made readable
     * ({@link Durations#humanize}) and line breaks, tabs and other control characters turned into spaces,
     * since one would break the line apart.
     */
    static String text(String s) {
        String h = Durations.humanize(s);
        StringBuilder sb = new StringBuilder(h.length());
        h.codePoints().forEach(c -> sb.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
        return sb.toString().strip();
    }

    /** The columns a terminal gives the text: wide East Asian characters take two, combining marks none. */
    static int columns(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            n += columns(c);
            i += Character.charCount(c);
        }
        return n;
    }

    private static int columns(int c) {
        int type = Character.getType(c);
        if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK || type == Character.FORMAT
                || Character.isISOControl(c)) {
            return 0;
        }
        boolean wide = (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF && c != 0x303F)
                || (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F)
                || (c >= 0xFF00 && c <= 0xFF60) || (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F)
                || (c >= 0x1F900 && c <= 0x1F9FF) || (c >= 0x20000 && c <= 0x3FFFD);
        return wide ? 2 : 1;
    }

    /** The text cut to at most {@code max} columns, ending in {@link #ELLIPSIS} when anything was cut. */
    static String cut(String s, int max) {
        if (columns(s) <= max) {
            return s;
        }
        int budget = max >= ELLIPSIS.length() + 1 ? max - ELLIPSIS.length() : max;
        StringBuilder sb = new StringBuilder();
        int used = 0;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            int w = columns(c);
            if (used + w > budget) {
                break;
            }
            sb.appendCodePoint(c);
            used += w;
            i += Character.charCount(c);
        }
        return budget < max ? sb.toString().stripTrailing() + ELLIPSIS : sb.toString();
    }
}
