package dev.quiesce.app.cli;

import dev.quiesce.InvalidConfigurationException;
import dev.quiesce.policy.Guards;
import dev.quiesce.policy.PolicySpec;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The {@code watch} options that map to spec-level guards any policy takes: the stream's buffer interval
 * (checked against the policy's quiet window), deletions, and the soft deadline. A picocli mixin, so
 * they live apart from the policy options.
 */
public final class GuardOptions {

    @Option(names = {"--buffer-interval", "--buffer-hint"}, paramLabel = "D", converter = DurationConverter.class,
            description = "The stream's buffer interval (Firehose's, say), if known: a policy whose quiet window is"
                    + " shorter is refused (exit 64). For adaptive it is also the hint: while data flows the run"
                    + " waits at least 1.25 x D. --buffer-hint is the older spelling.")
    Duration bufferInterval;

    @Option(names = "--allow-short-window",
            description = "Accept a quiet window shorter than --buffer-interval.")
    boolean allowShortWindow;

    @Option(names = "--deletes", paramLabel = "allow|fail",
            description = "A removal inside the dataset: allow (counts as activity) or fail (ends the run, exit 7,"
                    + " naming the key). Default: allow.")
    String deletes;

    @Option(names = "--overdue", paramLabel = "D", converter = DurationConverter.class,
            description = "Report OVERDUE once if not complete this long after the start, with what is missing when"
                    + " known, and keep waiting. Must be shorter than --deadline.")
    Duration overdue;

    /** {@code g} with the options given applied over it; what was not given stays as {@code g} has it. */
    Guards applyTo(Guards g) {
        if (allowShortWindow && bufferInterval == null && g.buffer() == null) {
            throw new InvalidConfigurationException("--allow-short-window needs --buffer-interval");
        }
        Guards out = g;
        if (bufferInterval != null) {
            out = out.withBuffer(bufferInterval);
        }
        if (allowShortWindow) {
            out = out.withAllowShortWindow(true);
        }
        if (deletes != null) {
            out = out.withDeletes(PolicySpec.parseDeletes(deletes));
        }
        if (overdue != null) {
            out = out.withOverdue(overdue);
        }
        return out;
    }
}
