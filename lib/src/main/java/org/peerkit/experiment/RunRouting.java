package org.peerkit.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.peerkit.data.Split;
import org.peerkit.ffw.FeedForward;
import org.peerkit.ffw.PeerLayer;
import org.peerkit.ffw.PkmLayer;
import org.peerkit.ffw.RoutingRecord;
import org.peerkit.ffw.RoutingStats;
import org.peerkit.model.DecoderLm;
import org.peerkit.train.Checkpoint;

/**
 * Per-expert routing of a finished run (paper Table 2 and the expert-usage heatmap of §3.3): a run's
 * {@code complete.json} keeps only usage %, unevenness and dead experts, so the hit count of every
 * expert is measured again from the run's final checkpoint over an evaluation split, with the
 * query BatchNorm on its running statistics (evaluation mode), exactly as {@link Evaluation} does.
 */
public final class RunRouting {

    private RunRouting() {
    }

    /** The final model of a finished run: the spec's model with the newest checkpoint's parameters and buffers. */
    public static DecoderLm finalModel(RunResult run) {
        DecoderLm lm = RunModels.build(run.spec());
        Path root = run.dir().resolve(RunStore.CHECKPOINT);
        try {
            Path ckpt = Checkpoint.latest(root).orElseThrow(() -> new IllegalStateException("run " + run.id()
                    + " has no checkpoint under " + root + "; re-run it with store.rerun(spec)"));
            Checkpoint.load(ckpt, lm, null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the checkpoint of run " + run.id() + ": " + e.getMessage(), e);
        }
        return lm;
    }

    /**
     * Routing statistics of each expert layer of a finished run over {@code batches} evaluation
     * batches of {@code split} (0: the whole split), from the prepared corpus.
     */
    public static List<RoutingStats> of(RunResult run, Split split, int batches) {
        return of(run, split, batches, RunData.standard());
    }

    public static List<RoutingStats> of(RunResult run, Split split, int batches, RunData data) {
        if (batches < 0) {
            throw new IllegalArgumentException("batches=" + batches + " must be ≥ 0 (0: the whole split)");
        }
        DataSpec d = run.spec().data();
        RunSpec evalSpec = run.spec().withData(new DataSpec(d.source(), d.evalSplits(), batches, d.evalEvery()));
        return measure(finalModel(run), data.eval(evalSpec, split));
    }

    /** Routing statistics of each product-key layer (PEER, PKM) of {@code lm} over {@code set}, in block order. */
    public static List<RoutingStats> measure(DecoderLm lm, EvalSet set) {
        List<FeedForward> ffws = lm.feedForwards();
        RoutingStats[] stats = new RoutingStats[ffws.size()];
        int width = set.seqLen() + 1;
        int[] buf = new int[set.batchSize() * width];
        boolean wasTraining = lm.isTraining();
        lm.eval();
        try {
            for (long i = 0; i < set.batches(); i++) {
                int r = set.fill(i, buf);
                lm.forwardLoss(r == set.batchSize() ? buf : Arrays.copyOf(buf, r * width), r);
                for (int b = 0; b < ffws.size(); b++) {
                    RoutingRecord rec = ffws.get(b) instanceof PeerLayer p ? p.routing()
                            : ffws.get(b) instanceof PkmLayer p ? p.routing() : null;
                    if (rec != null) {
                        stats[b] = stats[b] == null ? new RoutingStats(rec.numExperts()) : stats[b];
                        stats[b].add(rec);
                    }
                }
            }
        } finally {
            lm.setTraining(wasTraining);
        }
        List<RoutingStats> out = new ArrayList<>();
        for (RoutingStats s : stats) {
            if (s != null) {
                out.add(s);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("the model has no product-key layer (PEER or PKM) to measure routing of");
        }
        return out;
    }
}
