package org.peerkit.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code peerkit}: the command line of the kit, started by {@code environment/peerkit}.
 *
 * <p>Adding a command is one line: put its class in {@code subcommands} below. Each subcommand is
 * a picocli {@code @Command} class implementing {@code Callable<Integer>} (or a parent command
 * holding its own subcommands, like {@link DataCommand}); {@code --help} and {@code --version} are
 * inherited. Exit codes: 0 success, 1 a {@code DataException} or {@code IllegalArgumentException}
 * (message only), 2 bad usage.
 */
@Command(name = "peerkit",
        // INHERIT: every subcommand gets --help and --version without repeating them
        scope = CommandLine.ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = PeerkitCli.Version.class,
        description = "PEERkit: Mixture of a Million Experts experiments in Java.",
        subcommands = {
            CommandLine.HelpCommand.class,
            DataCommand.class,
            DoctorCommand.class,
            PlanCommand.class,
            TrainCommand.class,
            SweepCommand.class,
            SweepTaskCommand.class,
            EvalCommand.class,
            RunsCommand.class,
        })
public final class PeerkitCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; tests call {@code execute} on it instead of {@link #main}. */
    public static CommandLine commandLine() {
        return new CommandLine(new PeerkitCli())
                .setExecutionExceptionHandler(new Errors());
    }

    /** Without a subcommand: print usage and fail, so a typo in a script does not pass silently. */
    @Override
    public void run() {
        var visible = spec.subcommands().entrySet().stream()  // not sweep-task: Slurm's tasks run it, people don't
                .filter(e -> !e.getValue().getCommandSpec().usageMessage().hidden()).map(e -> e.getKey()).toList();
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: choose one of " + visible);
    }

    /** The jar manifest's Implementation-Version ("dev" when run from classes). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = PeerkitCli.class.getPackage().getImplementationVersion();
            return new String[] {"peerkit " + (v == null ? "dev" : v), "Java " + System.getProperty("java.version")};
        }
    }

    /**
     * Expected failures (bad data, bad arguments to the library) print their message, without a
     * stack trace, and exit 1; anything else keeps picocli's default (stack trace).
     */
    static final class Errors implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) throws Exception {
            if (ex instanceof org.peerkit.data.DataException || ex instanceof IllegalArgumentException) {
                cmd.getErr().println(cmd.getColorScheme().errorText("error: " + ex.getMessage()));
                return 1;
            }
            throw ex;
        }
    }
}
