package org.peerkit.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.peerkit.data.Split;
import org.peerkit.experiment.Evaluation;
import org.peerkit.experiment.RunCorruptException;
import org.peerkit.experiment.RunData;
import org.peerkit.experiment.RunModels;
import org.peerkit.experiment.RunResult;
import org.peerkit.experiment.RunStore;
import org.peerkit.model.DecoderLm;
import org.peerkit.train.Checkpoint;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code peerkit eval RUN}: loss and perplexity of a finished run's final weights on evaluation splits. */
@Command(name = "eval",
        description = "Evaluate a finished run's final checkpoint on evaluation splits (default: the spec's own).")
public final class EvalCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "RUN", description = "Run id, or a unique prefix of one (see `peerkit runs`).")
    String run;

    @Option(names = "--splits", split = ",", paramLabel = "SPLIT",
            description = "Splits to evaluate: valid, test, moby-dick, brown (default: the spec's evaluation splits).")
    List<String> splits;

    @Mixin
    RunsOption runs;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        RunStore store = runs.store();
        RunResult r;
        try {
            Path dir = store.resolve(run);
            r = store.result(dir.getFileName().toString()).orElseThrow(() -> new IllegalArgumentException("run "
                    + dir.getFileName() + " is not complete; finish it with `peerkit train --spec " + dir.resolve("spec.json")
                    + "`"));
        } catch (RunCorruptException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        List<Split> sets = splits == null ? r.spec().data().evalSplits() : splits.stream().map(Split::of).toList();
        DecoderLm lm = RunModels.build(r.spec());
        Path ckpt = Checkpoint.latest(r.dir().resolve("checkpoint")).orElseThrow(() -> new IllegalArgumentException(
                "run " + r.id() + " has no checkpoint to evaluate"));
        Checkpoint.load(ckpt, lm, null);
        RunData data = RunData.standard();
        out.printf(Locale.ROOT, "run %s (%s), step %d%n", r.id(), r.label(), r.summary().steps());
        for (Split s : sets) {
            double loss = Evaluation.meanLoss(lm, data.eval(r.spec(), s));
            out.printf(Locale.ROOT, "  %-12s loss %.4f  perplexity %.3f%n", s.id(), loss, Math.exp(loss));
        }
        out.flush();
        return 0;
    }
}
