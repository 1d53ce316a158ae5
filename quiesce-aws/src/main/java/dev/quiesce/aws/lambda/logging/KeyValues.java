package dev.quiesce.aws.lambda.logging;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the fields out of a quiesce log message, which is an event name followed by {@code key=value}
 * pairs ({@code observation.completed observation=daily checks=3 reason="stable for 3 checks"}): a value is
 * a bare word, or a double-quoted text that ends at the quote before the next pair or the end. Words that are
 * not pairs are skipped; the message itself is kept whole beside the fields.
 *
 * <p>Whole numbers (without leading zeros, up to 18 digits) become JSON numbers, {@code true} and
 * {@code false} booleans; everything else stays text. Stateless and thread-safe.
 */
final class KeyValues {

    private KeyValues() {
    }

    /** The event name: the first word, when it looks like one ({@code sweep.done}, {@code monitor.rejected}). */
    static String eventName(String message) {
        int end = 0;
        while (end < message.length() && !Character.isWhitespace(message.charAt(end))) {
            end++;
        }
        String first = message.substring(0, end);
        return first.matches("[a-z][a-z0-9_-]*(\\.[a-z0-9_-]+)+") ? first : null;
    }

    /** The {@code key=value} pairs of {@code message}, in order; a key given twice keeps its last value. */
    static Map<String, Object> parse(String message) {
        Map<String, Object> fields = new LinkedHashMap<>();
        int i = 0;
        int n = message.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(message.charAt(i))) {
                i++;
            }
            int keyStart = i;
            while (i < n && isKeyChar(message.charAt(i))) {
                i++;
            }
            if (i == keyStart || i >= n || message.charAt(i) != '=') {
                // not a pair: skip the word
                while (i < n && !Character.isWhitespace(message.charAt(i))) {
                    i++;
                }
                continue;
            }
            String key = message.substring(keyStart, i);
            i++; // '='
            if (i < n && message.charAt(i) == '"') {
                int close = closingQuote(message, i + 1);
                fields.put(key, message.substring(i + 1, close));
                i = Math.min(n, close + 1);
            } else {
                int valueStart = i;
                while (i < n && !Character.isWhitespace(message.charAt(i))) {
                    i++;
                }
                fields.put(key, typed(message.substring(valueStart, i)));
            }
        }
        return fields;
    }

    /**
     * The quote that closes a value opened before {@code from}: the first one followed by the end or by a
     * space and another pair; failing that, the last one followed by a space; failing that, the end.
     */
    private static int closingQuote(String s, int from) {
        int lastBeforeSpace = -1;
        for (int q = s.indexOf('"', from); q >= 0; q = s.indexOf('"', q + 1)) {
            if (q + 1 == s.length()) {
                return q;
            }
            if (Character.isWhitespace(s.charAt(q + 1))) {
                if (pairStartsAt(s, q + 1)) {
                    return q;
                }
                lastBeforeSpace = q;
            }
        }
        return lastBeforeSpace >= 0 ? lastBeforeSpace : s.length();
    }

    /** Whether, after the spaces at {@code i}, the text goes on with {@code key=}. */
    private static boolean pairStartsAt(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        int start = i;
        while (i < s.length() && isKeyChar(s.charAt(i))) {
            i++;
        }
        return i > start && i < s.length() && s.charAt(i) == '=';
    }

    private static boolean isKeyChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'
                || c == '.';
    }

    static Object typed(String v) {
        if (v.equals("true") || v.equals("false")) {
            return Boolean.valueOf(v);
        }
        if (v.matches("-?(0|[1-9][0-9]{0,17})")) {
            return Long.parseLong(v);
        }
        return v;
    }
}
