package dev.quiesce;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes durations the way people type them: {@code 500ms}, {@code 30s}, {@code 5m},
 * {@code 1h}, {@code 2d}, or ISO-8601 ({@code PT30S}).
 */
public final class Durations {

    private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h|d)");

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
}
