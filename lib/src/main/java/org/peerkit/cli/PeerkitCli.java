package org.peerkit.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code peerkit}: the command line of the kit, started by {@code environment/peerkit}.
 *
 * <p>Adding a command is one line: put its class in {@code subcommands} below. Each subcommand is
 * a picocli {@code @Command} class implementing {@code Callable<Integer>} (or a parent command
 * holding its own subcommands, like {@link DataCommand}); {@code --help} and {@code --version} are
 * inherited. Exit codes: 0 success, 1 a failure (one or two sentences, cause and fix, by
 * {@link CliErrors}; the stack trace with {@code --verbose}), 2 bad usage. Every {@code PEERKIT_*}
 * knob is checked first ({@link Knobs}).
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

    @CommandLine.Option(names = CliErrors.VERBOSE, scope = CommandLine.ScopeType.INHERIT,
            description = "On failure, print the stack trace after the error message.")
    boolean verbose;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; tests call {@code execute} on it instead of {@link #main}. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new PeerkitCli()).setExecutionExceptionHandler(new CliErrors());
        cli.setExecutionStrategy(parsed -> {
            try {
                Knobs.check();
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ExecutionException(cli, e.getMessage(), e);
            }
            return new CommandLine.RunLast().execute(parsed);
        });
        return cli;
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
}
