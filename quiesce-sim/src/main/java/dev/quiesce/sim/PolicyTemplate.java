package dev.quiesce.sim;

import dev.quiesce.Durations;
import dev.quiesce.InvalidConfigurationException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A policy text with placeholders for what the workload knows, so one comparison can run over a whole
 * catalog: {@code {buffer-interval}} becomes the workload's Firehose buffer interval, and
 * {@code {producers}} its number of producers (per dataset). An option whose value is a placeholder the
 * workload cannot fill (no buffering, an explicit arrival list) is dropped, so
 * {@code "adaptive hint={buffer-interval}"} is plain {@code adaptive} on an unbuffered stream. The
 * report keeps the text as given.
 */
public final class PolicyTemplate {

    public static final String BUFFER_INTERVAL = "{buffer-interval}";
    public static final String PRODUCERS = "{producers}";

    private static final Pattern PLACEHOLDER_OPTION = Pattern.compile("\\s*([\\w-]+)=(\\{[\\w-]+})");

    private PolicyTemplate() {
    }

    /** Whether the text has a placeholder, so it must be resolved per workload. */
    public static boolean isTemplate(String text) {
        return text.contains("{");
    }

    /**
     * The policy text for one workload.
     *
     * @throws InvalidConfigurationException for an unknown placeholder
     */
    public static String resolve(String text, Workload workload) {
        Matcher m = PLACEHOLDER_OPTION.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = value(m.group(2), workload);
            m.appendReplacement(out, value == null ? "" : Matcher.quoteReplacement(" " + m.group(1) + "=" + value));
        }
        m.appendTail(out);
        String resolved = out.toString().trim();
        if (resolved.contains("{")) {
            throw new InvalidConfigurationException("policy '" + text + "': placeholders go in option values, as in "
                    + "hint=" + BUFFER_INTERVAL + " or producers=" + PRODUCERS);
        }
        return resolved;
    }

    private static String value(String placeholder, Workload w) {
        switch (placeholder) {
            case BUFFER_INTERVAL:
                if (w.isExplicit() || w.firehose() == null || w.firehose().bufferInterval().isZero()) {
                    return null;
                }
                return Durations.format(w.firehose().bufferInterval());
            case PRODUCERS:
                if (w.isExplicit()) {
                    return null;
                }
                return Integer.toString(w.producers().stream().mapToInt(Workload.Producers::count).sum());
            default:
                throw new InvalidConfigurationException("unknown placeholder " + placeholder + ": use "
                        + BUFFER_INTERVAL + " or " + PRODUCERS);
        }
    }
}
