package dev.quiesce.app.cli;

import dev.quiesce.InvalidConfigurationException;
import dev.quiesce.QuiesceException;
import java.io.PrintWriter;
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
        subcommands = {WatchCommand.class, VerifyCommand.class, ExpectCommand.class, CancelCommand.class, SimulateCommand.class,
            TuneCommand.class, DemoCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:complete (verify: verified)", "1:verify: verification failed", "3:timed out", "4:incomplete", "5:cancelled",
            "64:bad usage", "70:internal error", "75:downstream unreachable after retries"})
public final class Main implements Runnable {

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
        }
        CommandLine cli = new CommandLine(new Main());
        cli.setParameterExceptionHandler(Main::usageError);
        cli.setExecutionExceptionHandler(Main::executionError);
        return cli.execute(args);
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
