package dev.quiesce.app.cli;

import dev.quiesce.InvalidConfigurationException;
import dev.quiesce.QuiesceException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code quiesce} command: tells you when data has finished landing, then exits so the next job
 * can start.
 */
@Command(name = "quiesce",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Tells you when a stream of data has finished landing in storage.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:complete (verify: verified)", "1:verify: verification failed", "3:timed out", "4:incomplete", "5:cancelled",
            "6:blind (the source could not see the location)", "7:deleted (--deletes fail)",
            "64:bad usage", "70:internal error",
            "75:downstream unreachable after retries (replay: quiesce notify --replay FILE)"})
public final class Main implements Runnable {

    /**
     * The subcommands, in the order {@code --help} lists them. Registered by {@link #commandLine} rather
     * than in {@code @Command(subcommands = ...)}, so that a run of one of them builds only its own model:
     * picocli reflects over every registered command at start, which cost a watch about 100 ms.
     */
    static final List<Class<?>> SUBCOMMANDS = List.of(WatchCommand.class, VerifyCommand.class, ExpectCommand.class,
            BackfillCommand.class, CancelCommand.class, NotifyCommand.class, SimulateCommand.class, TuneCommand.class,
            DemoCommand.class, CompletionCommand.class, CommandLine.HelpCommand.class);

    /** Subcommands that read their siblings' models (help texts, the completion script) and so need them all. */
    private static final Set<String> NEED_ALL = Set.of("help", "completion");

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (for tests and embedding). */
    public static int run(String... args) {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
            if (!verbose) {
                // the command reports a blind source in its own line (BlindReport); the engine's WARN would say it twice
                System.setProperty("org.slf4j.simpleLogger.log.dev.quiesce.engine.Observer", "error");
            }
        }
        CommandLine cli = commandLine(args);
        cli.setParameterExceptionHandler(Main::usageError);
        cli.setExecutionExceptionHandler(Main::executionError);
        return cli.execute(args);
    }

    /**
     * The command line for {@code args}: with only the subcommand {@code args[0]} names when it names one
     * that does not look at the others, else with all of them (for {@code --help}, a mistyped name's
     * suggestions, {@code help}, {@code completion}). {@code --version} needs none.
     */
    static CommandLine commandLine(String... args) {
        CommandLine cli = new CommandLine(new Main());
        String first = args.length > 0 ? args[0] : "";
        if (first.equals("--version") || first.equals("-V")) {
            return cli;
        }
        if (!NEED_ALL.contains(first)) {
            for (Class<?> c : SUBCOMMANDS) {
                if (first.equals(c.getAnnotation(Command.class).name())) {
                    return cli.addSubcommand(c);
                }
            }
        }
        SUBCOMMANDS.forEach(cli::addSubcommand);
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    private static int usageError(CommandLine.ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        err.println("quiesce: " + e.getMessage());
        err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for the options.");
        return ExitCodes.USAGE;
    }

    private static int executionError(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        if (e instanceof InvalidConfigurationException) {
            err.println("quiesce: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        if (e instanceof dev.quiesce.SourceUnreachableException) {
            err.println("quiesce: " + e.getMessage());
            return ExitCodes.DOWNSTREAM_UNREACHABLE;
        }
        if (e instanceof QuiesceException) {
            // a store or delivery failure with a message of its own: say it plainly
            err.println("quiesce: " + e.getMessage());
            return ExitCodes.INTERNAL;
        }
        err.println("quiesce: internal error: " + e);
        if (System.getenv("QUIESCE_DEBUG") != null) {
            e.printStackTrace(err);
        } else {
            err.println("Set QUIESCE_DEBUG=1 for the stack trace.");
        }
        return ExitCodes.INTERNAL;
    }

    /** The version from the jar's manifest, or "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"quiesce " + (v == null ? "dev" : v)};
        }
    }
}
