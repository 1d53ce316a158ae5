package dev.quiesce.app.cli;

import dev.quiesce.InvalidConfigurationException;
import dev.quiesce.engine.Backoff;
import dev.quiesce.notify.CommandNotifier;
import dev.quiesce.notify.WebhookNotifier;
import dev.quiesce.port.Notifier;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The {@code --notify-*} options, shared by every command that delivers lifecycle events ({@code watch},
 * {@code notify --replay}) so that both build the same notifiers from the same words.
 *
 * <p>Use as a picocli mixin, call {@link #validate()} first, then {@link #notifiers()} and
 * {@link #backoff()}. The JSON-lines notifier ({@code --json}) is not here: what it prints belongs to the
 * command's own output, which each command shapes itself.
 */
public final class NotifyOptions {

    @Option(names = "--notify-webhook", paramLabel = "URL",
            description = "POST a CloudEvent here when the observation ends.")
    URI webhook;

    @Option(names = "--webhook-secret-env", paramLabel = "VAR",
            description = "Sign webhook bodies (HMAC-SHA256, header X-Quiesce-Signature) with the secret in this environment variable.")
    String webhookSecretEnv;

    @Option(names = "--notify-command", paramLabel = "CMD",
            description = "Run this shell command when the observation ends; event fields arrive as QUIESCE_* variables.")
    String command;

    @Option(names = "--notify-attempts", paramLabel = "N", defaultValue = "6",
            description = "Delivery attempts before an event is dead-lettered. Default: ${DEFAULT-VALUE}.")
    int attempts;

    @Option(names = "--notify-backoff", paramLabel = "D", converter = DurationConverter.class, defaultValue = "1s",
            description = "Wait after the first failed delivery; doubles per attempt up to 1m. Default: ${DEFAULT-VALUE}.")
    Duration notifyBackoff;

    @Option(names = "--notify-timeout", paramLabel = "D", converter = DurationConverter.class, defaultValue = "30s",
            description = "Time allowed for one webhook request or command run. Default: ${DEFAULT-VALUE}.")
    Duration notifyTimeout;

    /** Whether any notifier (webhook or command) was asked for. */
    public boolean any() {
        return webhook != null || command != null;
    }

    /**
     * Checks the options against each other, before anything is started.
     *
     * @throws InvalidConfigurationException naming the option at fault
     */
    public void validate() {
        if (attempts < 1) {
            throw new InvalidConfigurationException("--notify-attempts must be >= 1, was " + attempts);
        }
        if (notifyBackoff.isZero()) {
            throw new InvalidConfigurationException("--notify-backoff must be > 0");
        }
        if (webhookSecretEnv != null && webhook == null) {
            throw new InvalidConfigurationException("--webhook-secret-env needs --notify-webhook");
        }
        if (webhook != null && (webhook.getScheme() == null
                || !(webhook.getScheme().equals("http") || webhook.getScheme().equals("https")))) {
            throw new InvalidConfigurationException("--notify-webhook must be an http:// or https:// URL, was '"
                    + webhook + "'");
        }
    }

    /**
     * The command and webhook notifiers asked for, in that order (empty when none).
     *
     * @throws InvalidConfigurationException if {@code --webhook-secret-env} names an unset or empty variable
     */
    public List<Notifier> notifiers() {
        List<Notifier> list = new ArrayList<>();
        if (command != null) {
            list.add(new CommandNotifier(command, notifyTimeout));
        }
        if (webhook != null) {
            String secret = null;
            if (webhookSecretEnv != null) {
                secret = System.getenv(webhookSecretEnv);
                if (secret == null || secret.isEmpty()) {
                    throw new InvalidConfigurationException("environment variable " + webhookSecretEnv
                            + " (named by --webhook-secret-env) is not set or empty");
                }
            }
            list.add(WebhookNotifier.builder(webhook).secret(secret).timeout(notifyTimeout).build());
        }
        return list;
    }

    /** Retry timing: {@code --notify-backoff}, doubling, at most 1 min (or the backoff if longer), {@code --notify-attempts}. */
    public Backoff backoff() {
        Duration max = notifyBackoff.compareTo(Duration.ofMinutes(1)) >= 0 ? notifyBackoff : Duration.ofMinutes(1);
        return new Backoff(notifyBackoff, 2.0, max, attempts);
    }
}
