package dev.quiesce.app.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * How many columns the terminal has, read once at start: {@code COLUMNS} when the environment says,
 * else on a terminal what {@code stty size < /dev/tty} answers (the JDK has no call for it), else
 * {@value #FALLBACK}. The progress line keeps within it so it never wraps.
 */
final class TerminalWidth {

    /** The width assumed when nothing says otherwise: the classic terminal. */
    static final int FALLBACK = 80;

    /** Widths beyond this are taken as nonsense (a stray variable) rather than a terminal. */
    private static final int MAX = 10_000;

    private TerminalWidth() {
    }

    /** The width of this process's terminal. */
    static int detect() {
        return detect(System.getenv(), System.console() != null, TerminalWidth::stty);
    }

    /**
     * The width from these sources, in order: the {@code COLUMNS} variable, then (on a terminal only, since
     * {@code /dev/tty} may not exist or be another terminal otherwise) the answer of {@code stty}.
     */
    static int detect(Map<String, String> env, boolean terminal, Supplier<Optional<String>> stty) {
        Optional<Integer> columns = parseColumns(env.get("COLUMNS"));
        if (columns.isPresent()) {
            return columns.get();
        }
        if (terminal) {
            Optional<Integer> size = stty.get().flatMap(TerminalWidth::parseStty);
            if (size.isPresent()) {
                return size.get();
            }
        }
        return FALLBACK;
    }

    /** A positive column count, as {@code COLUMNS} holds it. */
    static Optional<Integer> parseColumns(String text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            int n = Integer.parseInt(text.trim());
            return n > 0 && n <= MAX ? Optional.of(n) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The columns of {@code stty size}'s answer, {@code "<rows> <columns>"}; a size of 0 (no terminal) is none. */
    static Optional<Integer> parseStty(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String[] parts = text.trim().split("\\s+");
        return parts.length == 2 ? parseColumns(parts[1]) : Optional.empty();
    }

    /** Asks {@code stty}; empty when there is no shell or stty, it fails, or it does not answer within a second. */
    private static Optional<String> stty() {
        try {
            Process p = new ProcessBuilder("sh", "-c", "stty size < /dev/tty")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            if (!p.waitFor(1, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            try (InputStream in = p.getInputStream()) {
                String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
                return p.exitValue() == 0 ? Optional.of(answer) : Optional.empty();
            }
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
