package org.peerkit.cli;

import org.peerkit.experiment.RunStore;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options shared by the commands that train into the run store ({@code train}, {@code sweep},
 * {@code sweep-task}): where the store is ({@code --runs}) and how often a run checkpoints.
 */
final class TrainStoreOptions {

    @Mixin
    RunsOption runs;

    @Option(names = "--checkpoint-every", paramLabel = "STEPS", description = "Steps between checkpoints (default: ${DEFAULT-VALUE}).")
    int checkpointEvery = 100;

    /** The command this is mixed into (picocli sets it): its output and its parse errors. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    CommandLine commandLine() {
        return command.commandLine();
    }

    /** The run store, its runs checkpointing every {@link #checkpointEvery} steps. */
    RunStore store() {
        return runs.store().withCheckpointEvery(checkpointEvery);
    }
}
