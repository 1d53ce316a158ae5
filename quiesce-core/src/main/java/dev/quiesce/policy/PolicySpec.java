package dev.quiesce.policy;

import static java.util.Objects.requireNonNull;

import dev.quiesce.Durations;
import dev.quiesce.InvalidConfigurationException;
import dev.quiesce.Sent;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A policy and its guards together, with the one-line text form stores persist and people can type:
 *
 * <pre>{@code
 * stable window=3 delay=constant:30s
 * stable window=5 delay=backoff:1s:2.0:1m min-objects=10 deadline=2h
 * inactivity period=5m first-arrival-timeout=30m
 * expected unit=objects producers=3 deadline=2h
 * inactivity period=5m buffer=60s deletes=fail overdue=1h deadline=3h
 * stable window=3 delay=constant:30s deadline=6h buffer=60s period-end=2024-05-02T00:00:00Z
 * }</pre>
 *
 * <p>{@code buffer=D} (the stream's buffer interval; {@code hint=D} is its older, adaptive-only spelling)
 * may follow any policy: a policy whose quiet window is shorter is refused unless the spec also says
 * {@code allow-short-window}. For adaptive it is also the policy's hint.
 *
 * <p>{@code period-end=<ISO-8601 instant>} (see {@link Guards#periodEnd()}) is what a dated run's auto-start
 * adds: completion is held until that instant plus the buffer interval, and the deadline counts from it.
 *
 * @param policy decides completion
 * @param guards limits around it
 */
public record PolicySpec(Policy policy, Guards guards) {

    public PolicySpec {
        requireNonNull(policy, "policy");
        requireNonNull(guards, "guards");
        // adaptive's hint and the spec's buffer interval are one setting, whichever side it came from
        if (policy instanceof Adaptive) {
            Adaptive a = (Adaptive) policy;
            if (a.hint() != null && guards.buffer() != null && !a.hint().equals(guards.buffer())) {
                throw new InvalidConfigurationException("hint (" + Durations.format(a.hint()) + ") and buffer ("
                        + Durations.format(guards.buffer()) + ") are one setting: give only buffer");
            }
            if (a.hint() != null) {
                guards = guards.withBuffer(a.hint());
            } else if (guards.buffer() != null) {
                policy = a.withHint(guards.buffer());
            }
        }
        QuietWindow.check(policy, guards);
    }

    /** The note's defaults and no guards. */
    public static PolicySpec defaults() {
        return new PolicySpec(StableCount.ofDefaults(), Guards.NONE);
    }

    /** The canonical text; {@link #parse} of it gives an equal spec. */
    public String text() {
        String g = guards.spec();
        String p = policy instanceof Adaptive ? ((Adaptive) policy).specWithoutHint() : policy.spec();
        return g.isEmpty() ? p : p + " " + g;
    }

    @Override
    public String toString() {
        return text();
    }

    /**
     * Reads the text form.
     *
     * @throws InvalidConfigurationException naming the offending word when the text is not a valid spec
     */
    public static PolicySpec parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidConfigurationException("empty policy spec: start with 'stable', 'inactivity' or 'expected'");
        }
        String[] words = text.trim().split("\\s+");
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 1; i < words.length; i++) {
            int eq = words[i].indexOf('=');
            if (words[i].equals("allow-short-window")) {
                opts.put("allow-short-window", "true");
                continue;
            }
            if (eq <= 0) {
                throw new InvalidConfigurationException("policy option '" + words[i] + "' is not key=value");
            }
            opts.put(words[i].substring(0, eq), words[i].substring(eq + 1));
        }
        Guards guards = new Guards(
                opts.containsKey("min-objects") ? parseLong(opts.remove("min-objects"), "min-objects") : 0,
                opts.containsKey("deadline") ? Durations.parse(opts.remove("deadline")) : null,
                opts.containsKey("first-arrival-timeout") ? Durations.parse(opts.remove("first-arrival-timeout")) : null,
                opts.containsKey("lateness") ? Durations.parse(opts.remove("lateness")) : null,
                opts.containsKey("overdue") ? Durations.parse(opts.remove("overdue")) : null,
                opts.containsKey("buffer") ? Durations.parse(opts.remove("buffer")) : null,
                opts.containsKey("allow-short-window") && parseFlag(opts.remove("allow-short-window")),
                opts.containsKey("deletes") ? parseDeletes(opts.remove("deletes")) : Guards.Deletes.ALLOW,
                opts.containsKey("period-end") ? parseInstant(opts.remove("period-end"), "period-end") : null);
        Policy policy;
        switch (words[0]) {
            case "stable":
                StableCount.Builder b = StableCount.builder();
                if (opts.containsKey("window")) {
                    b.window((int) parseLong(opts.remove("window"), "window"));
                }
                if (opts.containsKey("delay")) {
                    b.delay(parseDelay(opts.remove("delay")));
                }
                policy = b.build();
                break;
            case "inactivity":
                if (!opts.containsKey("period")) {
                    throw new InvalidConfigurationException("inactivity policy needs period=<duration>, e.g. period=5m");
                }
                policy = InactivityPeriod.of(Durations.parse(opts.remove("period")));
                break;
            case "adaptive":
                Adaptive.Builder ab = Adaptive.builder();
                if (opts.containsKey("threshold")) {
                    ab.threshold(parseFactor(opts.remove("threshold")));
                }
                if (opts.containsKey("min-gaps")) {
                    ab.minGaps((int) parseLong(opts.remove("min-gaps"), "min-gaps"));
                }
                if (opts.containsKey("floor-factor")) {
                    ab.floorFactor(parseFactor(opts.remove("floor-factor")));
                }
                if (opts.containsKey("min-sd")) {
                    ab.minStdDev(Durations.parse(opts.remove("min-sd")));
                }
                if (opts.containsKey("fallback")) {
                    ab.fallbackDelay(Durations.parse(opts.remove("fallback")));
                }
                if (opts.containsKey("hint")) {
                    ab.hint(Durations.parse(opts.remove("hint")));
                }
                if (opts.containsKey("model")) {
                    String model = opts.remove("model");
                    if (!model.equals("normal") && !model.equals("gamma")) {
                        throw new InvalidConfigurationException("unknown gap model '" + model
                                + "': use model=normal or model=gamma");
                    }
                    ab.gamma(model.equals("gamma"));
                }
                policy = ab.build();
                break;
            case "expected":
                String unitText = opts.containsKey("unit") ? opts.remove("unit") : "objects";
                Sent.Unit unit;
                try {
                    unit = Sent.Unit.valueOf(unitText.toUpperCase(java.util.Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new InvalidConfigurationException("unknown unit '" + unitText
                            + "': use objects, bytes or records", e);
                }
                policy = ExpectedTotals.of(unit,
                        opts.containsKey("producers") ? (int) parseLong(opts.remove("producers"), "producers") : 0,
                        opts.containsKey("poll") ? Durations.parse(opts.remove("poll")) : ExpectedTotals.DEFAULT_POLL);
                break;
            default:
                throw new InvalidConfigurationException(
                        "unknown policy '" + words[0] + "': use 'stable', 'inactivity', 'adaptive' or 'expected'");
        }
        if (!opts.isEmpty()) {
            throw new InvalidConfigurationException(
                    "unknown option(s) " + opts.keySet() + " for policy '" + words[0] + "'");
        }
        return new PolicySpec(policy, guards);
    }

    /**
     * Reads a delay strategy: {@code constant:30s}, {@code divided:30s}, {@code decay:30s} or
     * {@code backoff:<delay>:<factor>:<max>}.
     *
     * @throws InvalidConfigurationException if the text is not one of those
     */
    public static DelayStrategy parseDelay(String text) {
        String[] p = text.split(":");
        switch (p[0]) {
            case "constant":
                requireParts(p, 2, text);
                return DelayStrategy.constant(Durations.parse(p[1]));
            case "divided":
                requireParts(p, 2, text);
                return DelayStrategy.dividedByStreak(Durations.parse(p[1]));
            case "decay":
                requireParts(p, 2, text);
                return DelayStrategy.exponentialDecay(Durations.parse(p[1]));
            case "backoff":
                requireParts(p, 4, text);
                return DelayStrategy.exponentialBackoff(Durations.parse(p[1]), parseFactor(p[2]), Durations.parse(p[3]));
            default:
                throw new InvalidConfigurationException("unknown delay strategy '" + p[0]
                        + "': use constant, divided, decay or backoff");
        }
    }

    private static void requireParts(String[] parts, int n, String text) {
        if (parts.length != n) {
            throw new InvalidConfigurationException("malformed delay '" + text + "': expected "
                    + (n == 2 ? "<strategy>:<duration>" : "backoff:<delay>:<factor>:<max>"));
        }
    }

    private static boolean parseFlag(String s) {
        if (!s.equals("true") && !s.equals("false")) {
            throw new InvalidConfigurationException("allow-short-window takes no value (or true/false), was '" + s + "'");
        }
        return Boolean.parseBoolean(s);
    }

    /** Reads {@code allow} or {@code fail}. */
    public static Guards.Deletes parseDeletes(String s) {
        if (s.equals("allow")) {
            return Guards.Deletes.ALLOW;
        }
        if (s.equals("fail")) {
            return Guards.Deletes.FAIL;
        }
        throw new InvalidConfigurationException("deletes must be allow or fail, was '" + s + "'");
    }

    private static Instant parseInstant(String s, String name) {
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new InvalidConfigurationException(name + " '" + s
                    + "' is not an ISO-8601 instant, e.g. 2024-05-02T00:00:00Z", e);
        }
    }

    private static double parseFactor(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new InvalidConfigurationException("'" + s + "' is not a number", e);
        }
    }

    private static long parseLong(String s, String name) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new InvalidConfigurationException(name + " '" + s + "' is not a whole number", e);
        }
    }

    /** Convenience for code that builds a spec from parts. */
    public static PolicySpec of(Policy policy, Guards guards) {
        return new PolicySpec(policy, guards);
    }

    /** Convenience: {@code stable} with the given window and constant delay. */
    public static PolicySpec stable(int window, Duration delay) {
        return new PolicySpec(StableCount.builder().window(window).delay(DelayStrategy.constant(delay)).build(),
                Guards.NONE);
    }
}
