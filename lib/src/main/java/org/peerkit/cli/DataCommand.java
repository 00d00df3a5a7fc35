package org.peerkit.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code peerkit data}: the dataset cache (download, split, tokenize, shard). */
@Command(name = "data",
        description = "Prepare and inspect the datasets (State of the Union, Moby-Dick, Brown).",
        subcommands = {
            DataPrepareCommand.class,
            DataInfoCommand.class,
        })
public final class DataCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: choose one of " + spec.subcommands().keySet());
    }
}
