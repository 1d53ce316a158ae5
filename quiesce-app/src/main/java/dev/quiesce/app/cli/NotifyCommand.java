package dev.quiesce.app.cli;

import dev.quiesce.InvalidConfigurationException;
import dev.quiesce.engine.Backoff;
import dev.quiesce.notify.DeadLetterFile;
import dev.quiesce.port.Notifier;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quiesce notify --replay FILE}: delivers again the events a watch gave up on, once the
 * downstream is back, and keeps in the file only those that still fail.
 *
 * <p>Each letter goes to the notifier it was buried by (a {@code webhook} letter to
 * {@code --notify-webhook}, a {@code command} letter to {@code --notify-command}), with its original event
 * and so its original CloudEvent id: a receiver that did get it after all drops the repeat. A letter for a
 * notifier not given on this command line is kept untouched. Letters are tried one at a time, each with
 * the {@code --notify-attempts} and {@code --notify-backoff} of a watch.
 *
 * <p>The file is rewritten only after every letter has been tried, in one atomic rename
 * ({@link DeadLetterFile#rewrite}): killed halfway, the replay leaves the file as it was, and a rerun
 * delivers again what had been delivered (same ids, so receivers drop it).
 */
@Command(name = "notify", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Replay a dead-letter file: deliver its events again, keep only what still fails.",
            "Example: quiesce notify --replay quiesce-dead-letters.jsonl --notify-webhook https://jobs.example.com/hook"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every letter delivered (the file is left empty)",
            "64:bad usage: no --notify-* option, no such file, or a line that is not a dead letter",
            "70:internal error (the file could not be rewritten; it is unchanged)",
            "75:some letters still could not be delivered (kept in the file, one line each on stderr)"})
public final class NotifyCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--replay", paramLabel = "FILE", required = true,
            description = "The dead-letter file (JSON lines) a watch wrote, e.g. quiesce-dead-letters.jsonl.")
    private Path replay;

    @CommandLine.Mixin
    private NotifyOptions notify = new NotifyOptions();

    @Override
    public Integer call() throws InterruptedException {
        notify.validate();
        if (!notify.any()) {
            throw new InvalidConfigurationException("say where to deliver: --notify-webhook URL and/or"
                    + " --notify-command CMD");
        }
        if (!Files.isRegularFile(replay)) {
            throw new InvalidConfigurationException("dead-letter file " + replay + " does not exist");
        }
        DeadLetterFile file = DeadLetterFile.read(replay);
        Map<String, Notifier> byName = notify.notifiers().stream()
                .collect(Collectors.toMap(Notifier::name, Function.identity()));
        Backoff backoff = notify.backoff();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<DeadLetterFile.Letter> kept = new ArrayList<>();
        List<String> reports = new ArrayList<>();
        int delivered = 0;
        for (DeadLetterFile.Letter letter : file.letters()) {
            String id = letter.event().id();
            Notifier notifier = byName.get(letter.notifier());
            if (notifier == null) {
                kept.add(letter);
                reports.add("quiesce: not replayed " + id + " (line " + letter.line() + "): it is for the "
                        + letter.notifier() + " notifier, and this command line gives " + String.join(" and ",
                        byName.keySet()) + "; kept in " + replay);
                continue;
            }
            String failure = deliver(notifier, letter, backoff);
            if (failure == null) {
                delivered++;
                out.println("delivered " + id + " to " + notifier.name());
                out.flush();
            } else {
                kept.add(letter.failedAgain(backoff.maxAttempts(), failure));
                reports.add("quiesce: could not deliver " + id + " to " + notifier.name() + " after "
                        + backoff.maxAttempts() + " attempts: " + failure + "; kept in " + replay);
            }
        }
        if (delivered > 0) {
            // untouched when nothing was delivered: a replay that changed nothing has nothing to rewrite
            file.rewrite(kept);
        }
        reports.forEach(err::println);
        err.flush();
        return kept.isEmpty() ? ExitCodes.COMPLETE : ExitCodes.DOWNSTREAM_UNREACHABLE;
    }

    /** Delivers one letter with retries; the last error, or {@code null} once delivered. */
    private static String deliver(Notifier notifier, DeadLetterFile.Letter letter, Backoff backoff)
            throws InterruptedException {
        String last = null;
        for (int attempt = 1; attempt <= backoff.maxAttempts(); attempt++) {
            try {
                notifier.deliver(letter.event());
                return null;
            } catch (RuntimeException e) {
                last = e.getMessage() != null ? e.getMessage() : e.toString();
            }
            if (attempt < backoff.maxAttempts()) {
                Thread.sleep(backoff.delayAfter(attempt).toMillis());
            }
        }
        return last;
    }
}
