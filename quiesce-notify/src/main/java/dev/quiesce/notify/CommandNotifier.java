package dev.quiesce.notify;

import static java.util.Objects.requireNonNull;

import dev.quiesce.DeliveryFailedException;
import dev.quiesce.LifecycleEvent;
import dev.quiesce.port.Notifier;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a shell command for each lifecycle event: {@code sh -c <command>}, with the event in the
 * command's environment. The simplest way to start a downstream job ({@code spark-submit ...},
 * {@code make report}, {@code curl ...}).
 *
 * <p>The notifier is named {@code "command"} and, by default, acts on terminal events only. The command
 * sees each field of {@link LifecycleEvent#fields()} as {@code QUIESCE_<FIELD>} in upper snake case
 * ({@code QUIESCE_ID}, {@code QUIESCE_TYPE}, {@code QUIESCE_OBSERVATION}, {@code QUIESCE_DATASET},
 * {@code QUIESCE_OBJECTS}, {@code QUIESCE_BYTES}, {@code QUIESCE_CHANGE_SEQ}, {@code QUIESCE_LAST_ARRIVAL},
 * ...), plus {@code QUIESCE_EVENT_JSON}: the structured-mode CloudEvent the webhook would send (source
 * {@code urn:quiesce}). Absent fields (say {@code activatedAt} of an observation that never saw data)
 * are absent variables. Every other {@code QUIESCE_*} variable of this process is removed from the
 * command's environment, so a stale value cannot pass for a field of this event, and configuration such
 * as a webhook secret does not leak into the command.
 *
 * <p>Standard error is merged into standard output and both are copied to this process's standard
 * error, so a command's chatter never mixes with the JSON lines on standard output. The last
 * {@value #TAIL_BYTES} bytes are kept for the error message. Output is read as it comes, so a command
 * that writes a lot cannot block on a full pipe. Standard input is empty.
 *
 * <p>Exit status 0 is success. Any other status, or running longer than the timeout, throws
 * {@link DeliveryFailedException} with the status (or "timed out after ...") and the output tail; a
 * command that times out is killed with its children. The outbox then retries it, so the command
 * should tolerate running twice for one event ({@code QUIESCE_ID} is the same each time).
 *
 * <p>Thread-safe: concurrent deliveries run separate processes.
 */
public final class CommandNotifier implements Notifier {

    /** How much of the end of the command's output an error message carries. */
    public static final int TAIL_BYTES = 2048;

    /** Prefix of every environment variable the command gets from the event. */
    public static final String ENV_PREFIX = "QUIESCE_";

    private static final Logger LOG = LoggerFactory.getLogger(CommandNotifier.class);

    private final String command;
    private final Duration timeout;
    private final OutputStream console;

    /**
     * @param command a command line for {@code sh -c}
     * @param timeout how long the command may run before it is killed and the attempt fails
     * @throws IllegalArgumentException if the command is blank or the timeout is not positive
     */
    public CommandNotifier(String command, Duration timeout) {
        this(command, timeout, System.err);
    }

    /** For tests: {@code console} receives the command's output instead of standard error. */
    CommandNotifier(String command, Duration timeout, OutputStream console) {
        requireNonNull(command, "command");
        requireNonNull(timeout, "timeout");
        if (command.isBlank()) {
            throw new IllegalArgumentException("command must not be blank");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        this.command = command;
        this.timeout = timeout;
        this.console = requireNonNull(console, "console");
    }

    /** Returns {@code "command"}. */
    @Override
    public String name() {
        return "command";
    }

    /**
     * Runs the command for one event and waits for it.
     *
     * @throws DeliveryFailedException if the command cannot start, exits with a status other than 0,
     *     runs longer than the timeout, or the waiting thread is interrupted
     */
    @Override
    public void deliver(LifecycleEvent event) {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith(ENV_PREFIX));
        env.putAll(environmentOf(event));

        long started = System.nanoTime();
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new DeliveryFailedException("could not start command: " + e.getMessage(), e);
        }
        Tail tail = new Tail(process.getInputStream(), console);
        Thread pump = new Thread(tail, "quiesce-command-output-" + process.pid());
        pump.setDaemon(true);
        pump.start();
        try {
            process.getOutputStream().close(); // empty standard input
        } catch (IOException ignored) {
            // the command exited before reading its input; its exit status tells the rest
        }

        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                pump.join(TimeUnit.SECONDS.toMillis(1));
                throw new DeliveryFailedException("command timed out after " + timeout + " and was killed"
                        + tail.describe());
            }
            // a background child may hold the pipe open after sh exits: read what is there, do not wait for it
            pump.join(TimeUnit.SECONDS.toMillis(1));
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new DeliveryFailedException("interrupted while waiting for the command", e);
        }
        int status = process.exitValue();
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        if (status != 0) {
            throw new DeliveryFailedException("command exited with status " + status + tail.describe());
        }
        LOG.debug("notify.command.done event={} pid={} elapsedMs={} outputBytes={}", event.id(), process.pid(),
                elapsedMs, tail.total());
    }

    /** The variables the command gets for an event: each field as {@code QUIESCE_<FIELD>}, plus the CloudEvent. */
    static Map<String, String> environmentOf(LifecycleEvent event) {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        event.fields().forEach((k, v) -> env.put(envName(k), v));
        env.put(ENV_PREFIX + "EVENT_JSON", new String(
                StructuredCloudEvent.serialize(event, StructuredCloudEvent.DEFAULT_SOURCE), StandardCharsets.UTF_8));
        return env;
    }

    /** {@code lastArrival} becomes {@code QUIESCE_LAST_ARRIVAL}. */
    static String envName(String field) {
        StringBuilder sb = new StringBuilder(ENV_PREFIX);
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (Character.isUpperCase(c) && i > 0) {
                sb.append('_');
            }
            sb.append(c);
        }
        return sb.toString().toUpperCase(Locale.ROOT);
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** Copies a process's output to the console and keeps its last {@link #TAIL_BYTES} bytes. */
    private static final class Tail implements Runnable {

        private final InputStream in;
        private final OutputStream console;
        private final byte[] ring = new byte[TAIL_BYTES];
        private long total;

        Tail(InputStream in, OutputStream console) {
            this.in = in;
            this.console = console;
        }

        @Override
        public void run() {
            byte[] buf = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    keep(buf, n);
                    try {
                        console.write(buf, 0, n);
                    } catch (IOException e) {
                        // the console is gone; keep draining so the command never blocks on a full pipe
                    }
                }
            } catch (IOException e) {
                // the stream was closed under us (the process was killed): what was read is kept
            }
            try {
                console.flush();
            } catch (IOException ignored) {
                // as above
            }
        }

        private synchronized void keep(byte[] buf, int n) {
            for (int i = 0; i < n; i++) {
                ring[(int) ((total + i) % TAIL_BYTES)] = buf[i];
            }
            total += n;
        }

        synchronized long total() {
            return total;
        }

        /** {@code "; output: ..."} with the tail, or empty when there was no output. */
        synchronized String describe() {
            if (total == 0) {
                return "";
            }
            int len = (int) Math.min(total, TAIL_BYTES);
            byte[] last = new byte[len];
            for (int i = 0; i < len; i++) {
                last[i] = ring[(int) ((total - len + i) % TAIL_BYTES)];
            }
            String text = new String(last, StandardCharsets.UTF_8).strip();
            return (total > TAIL_BYTES ? "; output (last " + TAIL_BYTES + " bytes): ..." : "; output: ") + text;
        }
    }
}
