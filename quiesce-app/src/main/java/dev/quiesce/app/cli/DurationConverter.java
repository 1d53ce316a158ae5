package dev.quiesce.app.cli;

import dev.quiesce.Durations;
import dev.quiesce.InvalidConfigurationException;
import java.time.Duration;
import picocli.CommandLine;

/** Reads {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h} or ISO-8601 durations for options. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        try {
            return Durations.parse(value);
        } catch (InvalidConfigurationException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
