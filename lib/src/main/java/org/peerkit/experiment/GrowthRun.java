package org.peerkit.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.peerkit.data.BatchSource;
import org.peerkit.data.DataFiles;
import org.peerkit.ffw.FeedForward;
import org.peerkit.ffw.PeerLayer;
import org.peerkit.ffw.RoutingStats;
import org.peerkit.flops.FfwSpec;
import org.peerkit.model.DecoderLm;
import org.peerkit.model.FfwFactory;
import org.peerkit.nn.Param;
import org.peerkit.nn.Rng;
import org.peerkit.train.StepMetrics;
import org.peerkit.train.TrainConfig;
import org.peerkit.train.TrainListener;
import org.peerkit.train.Trainer;

/**
 * Runs a {@link GrowthSpec}: the base run comes from the run store (trained there if missing), its
 * final checkpoint is loaded twice, one copy's PEER layers are grown with {@link PeerLayer#grow}
 * (every old expert keeps its u, v and product key bit-identical, new experts are drawn as at
 * construction), and both copies continue on the new text for the same steps, data order, learning
 * rate schedule and seed.
 *
 * <p>Optimizer: both arms start a <b>fresh</b> AdamW (zero moments, the base spec's settings, its
 * warmup fraction over the continuation). The base run's moments could be remapped onto the grown
 * layer's rows (i·n+j → i·m+j), but the new experts would still start at zero moments, and giving
 * both arms the same fresh start keeps the comparison about the growth alone; the warmup keeps the
 * first steps of the cold optimizer small.
 *
 * <p>Results are cached like the run store does: {@code <store>/growth/<spec id>/result.json},
 * written atomically and last, is loaded instead of training again.
 */
public final class GrowthRun {

    static final String DIR = "growth";
    static final String RESULT = "result.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private GrowthRun() {
    }

    /** The folder of an experiment in a store. */
    public static Path dir(RunStore store, GrowthSpec g) {
        return store.root().resolve(DIR).resolve(g.id());
    }

    /** Whether the experiment's result is on disk already. */
    public static boolean isComplete(RunStore store, GrowthSpec g) {
        return Files.exists(dir(store, g).resolve(RESULT));
    }

    /** The result of {@code g} on the prepared corpus: loaded if on disk, else run (and the base run trained if missing). */
    public static GrowthResult run(RunStore store, GrowthSpec g, Consumer<GrowthResult.Point> progress) {
        return run(store, g, GrowthData.standard(), progress);
    }

    public static GrowthResult run(RunStore store, GrowthSpec g, GrowthData data, Consumer<GrowthResult.Point> progress) {
        Path dir = dir(store, g);
        Path file = dir.resolve(RESULT);
        if (Files.exists(file)) {
            return load(file, dir, g);
        }
        RunResult base = store.run(g.base());
        long t0 = System.nanoTime();
        List<GrowthResult.Point> curve = new ArrayList<>();
        Map<String, Double> share = new LinkedHashMap<>();
        Map<String, Double> usage = new LinkedHashMap<>();
        EvalSet oldText = data.oldText(g);
        EvalSet newText = data.newTextHeldOut(g);
        for (String arm : List.of(GrowthResult.CONTROL, GrowthResult.GROWN)) {
            Consumer<GrowthResult.Point> record = p -> {
                curve.add(p);
                if (progress != null) {
                    progress.accept(p);
                }
            };
            RoutingStats rs = trainArm(arm, base, g, data.newTextTrain(g), oldText, newText, record);
            usage.put(arm, rs.usagePercent());
            share.put(arm, newExpertShare(rs.hits(), g.oldSide(), arm.equals(GrowthResult.GROWN) ? g.newSide()
                    : g.oldSide()));
        }
        GrowthResult r = new GrowthResult(g.id(), base.id(), g.oldSide(), g.newSide(), g.newText().id(), g.steps(),
                curve, share, usage, (System.nanoTime() - t0) / 1e9);
        save(dir, file, r, base, g);
        return r;
    }

    /** The finished result in {@code file}, which must belong to {@code g}. */
    private static GrowthResult load(Path file, Path dir, GrowthSpec g) {
        try {
            GrowthResult r = JSON.readValue(file.toFile(), GrowthResult.class);
            if (!r.id().equals(g.id())) {
                throw new RunCorruptException(file + " belongs to growth " + r.id() + ", not to " + g.id()
                        + "; delete the folder to run it again");
            }
            return r;
        } catch (IOException e) {
            throw new RunCorruptException(file + " is unreadable (" + e.getMessage() + "); delete the folder "
                    + dir + " to run it again");
        }
    }

    /**
     * One arm: the base run's final model, grown (GROWN) or not (CONTROL), trained on the new text
     * with the old and new held-out losses recorded every {@code evalEvery} steps; returns its
     * routing on the new text.
     */
    private static RoutingStats trainArm(String arm, RunResult base, GrowthSpec g, BatchSource train,
            EvalSet oldText, EvalSet newText, Consumer<GrowthResult.Point> record) {
        DecoderLm loaded = RunRouting.finalModel(base);
        DecoderLm lm = arm.equals(GrowthResult.GROWN) ? grow(loaded, g.base(), g.newSide(), g.seed()) : loaded;
        Consumer<Long> eval = step -> record.accept(new GrowthResult.Point(arm, step,
                Evaluation.meanLoss(lm, oldText), Evaluation.meanLoss(lm, newText)));
        eval.accept(0L);
        RunSpec b = g.base();
        Trainer t = new Trainer(lm, train, new TrainConfig(g.steps(), b.accumSteps(), b.clipNorm(),
                b.schedule().forSteps(g.steps()), b.optimizer(), g.seed()));
        t.addListener(new TrainListener() {
            @Override
            public void onStep(Trainer tr, StepMetrics m) {
                if (tr.step() % g.evalEvery() == 0 || tr.step() == g.steps()) {
                    eval.accept(tr.step());
                }
            }
        });
        t.run();
        return RunRouting.measure(lm, newText).get(0);
    }

    /** Writes the description and then the result (last: its presence marks the experiment complete). */
    private static void save(Path dir, Path file, GrowthResult r, RunResult base, GrowthSpec g) {
        try {
            Files.createDirectories(dir);
            DataFiles.writeStringAtomically(dir.resolve("growth.txt"), "base run " + base.id() + "\n" + g + "\n");
            DataFiles.writeAtomically(file, out -> out.write(JSON.writeValueAsBytes(r)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * A copy of {@code lm} (built from {@code spec}) whose PEER layers hold {@code newSide}² experts:
     * each PEER layer is {@link PeerLayer#grow grown} (new sub-keys and experts drawn from
     * {@code seed}), every other parameter is copied bit-identically.
     */
    public static DecoderLm grow(DecoderLm lm, RunSpec spec, int newSide, long seed) {
        if (!(spec.ffw() instanceof FfwSpec.Peer p)) {
            throw new IllegalArgumentException("only PEER layers grow; this spec has ffw.kind=" + spec.ffw().kind().id());
        }
        Map<Integer, PeerLayer> grown = new HashMap<>();
        List<FeedForward> ffws = lm.feedForwards();
        for (int b = 0; b < ffws.size(); b++) {
            if (ffws.get(b) instanceof PeerLayer peer) {
                grown.put(b, peer.grow(newSide, new Rng(seed * 1_000_003L + b)));
            }
        }
        RunSpec grownSpec = spec.withFfw(new FfwSpec.Peer(newSide * newSide, p.heads(), p.topK(), p.keyDim(),
                p.queryBatchNorm()));
        FfwFactory others = RunModels.factory(grownSpec);
        FfwFactory f = (name, block, cfg, rng) -> grown.containsKey(block) ? grown.get(block)
                : others.create(name, block, cfg, rng);
        DecoderLm g = new DecoderLm(spec.model(), f, spec.seed());
        Map<String, Param> old = new HashMap<>();
        lm.params().forEach(q -> old.put(q.name(), q));
        for (Param q : g.params()) {
            Param o = old.get(q.name());
            if (o == null) {
                throw new IllegalStateException("grown model has parameter " + q.name() + " the original lacks");
            }
            if (Arrays.equals(o.shape(), q.shape())) {
                q.value().assign(o.value());  // grown layers' same-shape params (query) are copies already
            }
        }
        return g;
    }

    /**
     * The fraction of hits on experts that growth added: grown expert e = r·m + c is an old one iff
     * r &lt; n and c &lt; n ({@link PeerLayer#grow} maps i·n + j to i·m + j).
     */
    static double newExpertShare(long[] hits, int oldSide, int side) {
        long total = 0;
        long fresh = 0;
        for (int e = 0; e < hits.length; e++) {
            total += hits[e];
            if (e / side >= oldSide || e % side >= oldSide) {
                fresh += hits[e];
            }
        }
        return total == 0 ? 0 : (double) fresh / total;
    }
}
