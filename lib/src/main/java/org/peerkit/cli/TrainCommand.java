package org.peerkit.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.peerkit.experiment.RunCorruptException;
import org.peerkit.experiment.RunLockedException;
import org.peerkit.experiment.RunResult;
import org.peerkit.experiment.RunSpec;
import org.peerkit.experiment.RunStore;
import org.peerkit.experiment.SpecJson;
import org.peerkit.train.ProgressListener;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code peerkit train --spec FILE}: the run of a spec, loaded if finished, resumed if partial, else trained. */
@Command(name = "train",
        description = "Train the run a spec file describes, in the run store: a finished run is shown at once, "
                + "a partial one resumes from its checkpoint.")
public final class TrainCommand implements Callable<Integer> {

    @Option(names = "--spec", paramLabel = "FILE", description = "Run spec (JSON); see --print-spec for a template.")
    Path specFile;

    @Option(names = "--print-spec", description = "Print a complete example spec (the tiny default) and exit.")
    boolean printSpec;

    @Option(names = "--force", description = "Delete the run dir first (complete, partial or corrupt) and train again.")
    boolean force;

    @Option(names = "--wait", paramLabel = "SECONDS",
            description = "If another process trains this spec, wait this long for it (default: fail at once).")
    long waitSeconds;

    @Mixin
    TrainStoreOptions training;

    @Override
    public Integer call() {
        PrintWriter out = training.commandLine().getOut();
        if (printSpec) {
            out.print(SpecJson.pretty(RunSpec.defaults()));
            out.flush();
            return 0;
        }
        if (specFile == null) {
            throw new CommandLine.ParameterException(training.commandLine(), "give --spec FILE (or --print-spec for a template)");
        }
        if (waitSeconds < 0) {
            throw new CommandLine.ParameterException(training.commandLine(), "--wait=" + waitSeconds + " is negative: give 0"
                    + " (the default) to fail at once when another process trains the spec, or the seconds to wait");
        }
        if (training.checkpointEvery <= 0) {
            throw new CommandLine.ParameterException(training.commandLine(), "--checkpoint-every=" + training.checkpointEvery
                    + " must be a positive number of steps");
        }
        RunSpec s = readSpec(specFile);
        RunStore store = training.store().withLockWait(Duration.ofSeconds(waitSeconds));
        try {
            RunResult r = force ? store.rerun(s, new ProgressListener()) : store.run(s, new ProgressListener());
            print(out, r);
            return 0;
        } catch (RunCorruptException | RunLockedException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    static RunSpec readSpec(Path file) {
        try {
            return SpecJson.read(Files.readString(file), file.toString());
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("spec file " + file + " does not exist; write one with `peerkit train"
                    + " --print-spec > " + file + "`");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read spec file " + file + ": " + e.getMessage(), e);
        }
    }

    static void print(PrintWriter out, RunResult r) {
        out.printf(Locale.ROOT, "run %s (%s)%n", r.id(), r.origin().name().toLowerCase(Locale.ROOT));
        out.printf(Locale.ROOT, "  dir          %s%n", r.dir());
        out.printf(Locale.ROOT, "  model        %s, %,d params (%,d active)%n", r.label(), r.summary().totalParams(),
                r.summary().activeParams());
        out.printf(Locale.ROOT, "  trained      %d steps, %,d tokens, %.3g FLOPs, %.1f s%n", r.summary().steps(),
                r.summary().tokens(), r.summary().flops(), r.summary().trainSeconds());
        out.printf(Locale.ROOT, "  train loss   %.4f%n", r.summary().trainLoss());
        for (Map.Entry<String, Double> e : r.summary().evalLoss().entrySet()) {
            out.printf(Locale.ROOT, "  %-12s loss %.4f  perplexity %.3f%n", e.getKey(), e.getValue(), Math.exp(e.getValue()));
        }
        out.flush();
    }
}
