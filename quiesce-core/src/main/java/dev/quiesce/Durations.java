package dev.quiesce;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes durations the way people type them: {@code 500ms}, {@code 30s}, {@code 5m},
 * {@code 1h}, {@code 2d}, or ISO-8601 ({@code PT30S}).
 *
 * <p>Two ways out: {@link #format} is exact and reads back with {@link #parse} (specs, settings);
 * {@link #human} is how a person reads an elapsed time ({@code 1m 30s}, {@code 1d 2h}) and is what
 * reasons, reports and the progress line use. {@link #clock} and {@link #humanize} do the same for
 * instants and for text that already holds machine forms.
 */
public final class Durations {

    private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private static final long SECOND = 1000;
    private static final long MINUTE = 60 * SECOND;
    private static final long HOUR = 60 * MINUTE;
    private static final long DAY = 24 * HOUR;
    /** Largest unit first, with its suffix; each entry's successor is its rounding step. */
    private static final long[] UNITS = {DAY, HOUR, MINUTE, SECOND};
    private static final String[] SUFFIXES = {"d", "h", "m", "s"};

    /** An ISO-8601 instant as {@link Instant#toString} writes it, fraction optional. */
    private static final Pattern ISO_INSTANT =
            Pattern.compile("\\b(\\d{4}-\\d{2}-\\d{2})T(\\d{2}:\\d{2}:\\d{2})(?:\\.\\d+)?Z");
    /** An ISO-8601 duration as {@link Duration#toString} writes it ({@code PT1M30.5S}, {@code PT26H}). */
    private static final Pattern ISO_DURATION =
            Pattern.compile("\\bPT(?:(\\d+)H)?(?:(\\d+)M)?(?:(\\d+)(?:\\.(\\d+))?S)?\\b");
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private Durations() {
    }

    /**
     * Parses a duration.
     *
     * @throws InvalidConfigurationException if the text is not a duration or is negative
     */
    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidConfigurationException("missing duration: use e.g. 500ms, 30s, 5m, 1h or PT30S");
        }
        String t = text.trim();
        Matcher m = SHORT.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            switch (m.group(2)) {
                case "ms": return Duration.ofMillis(n);
                case "s": return Duration.ofSeconds(n);
                case "m": return Duration.ofMinutes(n);
                case "h": return Duration.ofHours(n);
                default: return Duration.ofDays(n);
            }
        }
        if (t.startsWith("-")) {
            throw new InvalidConfigurationException("negative duration '" + text + "': durations must be >= 0");
        }
        try {
            Duration d = Duration.parse(t);
            if (d.isNegative()) {
                throw new InvalidConfigurationException("negative duration '" + text + "': durations must be >= 0");
            }
            return d;
        } catch (DateTimeParseException e) {
            throw new InvalidConfigurationException(
                    "'" + text + "' is not a duration: use e.g. 500ms, 30s, 5m, 1h, 2d or PT30S", e);
        }
    }

    /** Formats a duration in the shortest exact short form ({@code 30s}, {@code 1500ms}). */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (d.getNano() % 1_000_000 != 0) {
            return d.toString();
        }
        if (ms % 86_400_000L == 0 && ms != 0) {
            return ms / 86_400_000L + "d";
        }
        if (ms % 3_600_000L == 0 && ms != 0) {
            return ms / 3_600_000L + "h";
        }
        if (ms % 60_000L == 0 && ms != 0) {
            return ms / 60_000L + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    /**
     * Formats an elapsed time the way people read it: at most two units, largest first, the smaller one
     * rounded half up and left out when it is zero.
     *
     * <ul>
     *   <li>from a day: days and hours, {@code 2d 3h} ({@code 93594s}, 1 d 1 h 59 m 54 s, reads {@code 1d 2h});
     *   <li>from an hour: hours and minutes, {@code 1h 2m}, {@code 1h};
     *   <li>from a minute: minutes and seconds, {@code 3m 5s}, {@code 5m};
     *   <li>from a second: whole seconds, {@code 40s} ({@code 12.5s} reads {@code 13s});
     *   <li>below a second: milliseconds, {@code 250ms}; below a millisecond, zero and negative durations
     *       read {@code 0s}.
     * </ul>
     *
     * Rounding carries ({@code 59m 59.6s} reads {@code 1h}). Lossy: use {@link #format} for anything read back.
     */
    public static String human(Duration d) {
        if (d.isNegative() || d.isZero()) {
            return "0s";
        }
        // capped so that rounding up cannot overflow; no elapsed time comes near it
        long ms = d.compareTo(Duration.ofMillis(Long.MAX_VALUE / 2)) > 0 ? Long.MAX_VALUE / 2 : d.toMillis();
        if (ms < SECOND) {
            return ms == 0 ? "0s" : ms + "ms";
        }
        int u = largestUnit(ms);
        long step = u + 1 < UNITS.length ? UNITS[u + 1] : SECOND;
        long rounded = (ms + step / 2) / step * step;
        // a carry can lift the value into a larger unit (59m 59.6s is 1h): read it in that one
        u = largestUnit(rounded);
        long major = rounded / UNITS[u];
        if (u + 1 == UNITS.length) {
            return major + SUFFIXES[u];
        }
        long minor = rounded % UNITS[u] / UNITS[u + 1];
        return minor == 0 ? major + SUFFIXES[u] : major + SUFFIXES[u] + " " + minor + SUFFIXES[u + 1];
    }

    private static int largestUnit(long ms) {
        for (int i = 0; i < UNITS.length - 1; i++) {
            if (ms >= UNITS[i]) {
                return i;
            }
        }
        return UNITS.length - 1;
    }

    /** An instant as a UTC time of day to the second, {@code 01:02:03Z}: what a person needs in a line. */
    public static String clock(Instant at) {
        return CLOCK.format(at);
    }

    /**
     * Text with its machine forms made readable: ISO instants lose their fraction of a second
     * ({@code 2026-12-02T01:02:03.123456789Z} reads {@code 2026-12-02 01:02:03Z}) and ISO durations read as
     * {@link #human} does ({@code PT26H} reads {@code 1d 2h}). For reasons built elsewhere (sources, stores,
     * older runs) before they reach a person; anything else in the text is left as it is.
     */
    public static String humanize(String text) {
        if (text == null || text.isEmpty()) {
            return text == null ? "" : text;
        }
        String s = ISO_INSTANT.matcher(text).replaceAll("$1 $2Z");
        Matcher m = ISO_DURATION.matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            if (m.group(1) == null && m.group(2) == null && m.group(3) == null) {
                m.appendReplacement(sb, Matcher.quoteReplacement(m.group()));
                continue;
            }
            Duration d = Duration.ofHours(m.group(1) == null ? 0 : Long.parseLong(m.group(1)))
                    .plusMinutes(m.group(2) == null ? 0 : Long.parseLong(m.group(2)))
                    .plusSeconds(m.group(3) == null ? 0 : Long.parseLong(m.group(3)))
                    .plusNanos(m.group(4) == null ? 0 : fractionNanos(m.group(4)));
            m.appendReplacement(sb, Matcher.quoteReplacement(human(d)));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static long fractionNanos(String digits) {
        String nine = (digits + "000000000").substring(0, 9);
        return Long.parseLong(nine);
    }
}
