package org.peerkit.cli;

import java.nio.file.Path;
import org.peerkit.experiment.RunStore;
import picocli.CommandLine.Option;

/** The {@code --runs DIR} option shared by the run-store commands (default: {@code PEERKIT_RUNS}, else {@code <project>/runs}). */
final class RunsOption {

    @Option(names = "--runs", paramLabel = "DIR",
            description = "Run store folder (default: $PEERKIT_RUNS, else runs/ in the project root).")
    Path runs;

    RunStore store() {
        return runs == null ? RunStore.open() : RunStore.at(runs);
    }
}
