package org.peerkit.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.peerkit.data.BatchSource;
import org.peerkit.flops.FlopCount;
import org.peerkit.model.DecoderLm;
import org.peerkit.nn.Param;
import org.peerkit.nn.Rng;

/**
 * A step-based training loop: for each step, {@code accumSteps} micro-batches (forward, backward
 * with loss scale 1/accumSteps), a finiteness check, global-norm clipping, the scheduled learning
 * rate and an AdamW update, then the listeners.
 *
 * <p>Expert tables (PEER's u and v, PKM's values) have row-sparse gradients: zeroing them costs the
 * rows the previous step touched, not N·D, and with {@link TrainConfig#sparseExpertUpdates()} (the
 * default) clipping and AdamW read and update those rows only (lazy AdamW, see {@link AdamW}).
 *
 * <p>Determinism: the model is seeded, the data source is random-access and micro-batch i of the
 * run is always {@code data.batch(i)}, and the trainer's RNG state is checkpointed, so a resumed run
 * retraces the uninterrupted one bit for bit (same machine and thread count).
 */
public final class Trainer {

    private final DecoderLm model;
    private final BatchSource data;
    private final TrainConfig cfg;
    private final AdamW opt;
    private final Rng rng;
    private final FlopCount flops;
    private final List<TrainListener> listeners = new ArrayList<>();
    private final int[] window;
    private long step;
    private long dataPosition;
    private double lastLoss = Double.NaN;
    private Path lastCheckpoint;
    private long lastCheckpointStep = -1;

    public Trainer(DecoderLm model, BatchSource data, TrainConfig cfg) {
        if (data.vocabSize() > model.config().vocabSize()) {
            throw new IllegalArgumentException("the data has vocabSize=" + data.vocabSize() + " but the model only "
                    + model.config().vocabSize() + "; build the model with the tokenizer's vocabulary size");
        }
        if (data.seqLen() > model.config().contextLength()) {
            throw new IllegalArgumentException("the data's seqLen=" + data.seqLen() + " exceeds the model's"
                    + " contextLength=" + model.config().contextLength());
        }
        this.model = model;
        this.data = data;
        this.cfg = cfg;
        this.opt = new AdamW(model.params(), cfg.adamw(), cfg.sparseExpertUpdates());
        this.rng = new Rng(cfg.seed());
        this.flops = FlopCount.of(model, data.seqLen());
        this.window = new int[data.batchSize() * (data.seqLen() + 1)];
    }

    public Trainer addListener(TrainListener l) {
        listeners.add(l);
        return this;
    }

    /** Trains from the current step to {@code config().steps()}. */
    public void run() {
        listeners.forEach(l -> l.onStart(this));
        while (step < cfg.steps()) {
            StepMetrics m = trainStep();
            listeners.forEach(l -> l.onStep(this, m));
        }
        listeners.forEach(l -> l.onEnd(this));
    }

    /** One optimiser step; public so benchmarks and notebooks can drive the loop themselves. */
    public StepMetrics trainStep() {
        long t0 = System.nanoTime();
        List<Param> params = model.params();
        model.zeroGrads();
        double loss = 0;
        for (int j = 0; j < cfg.accumSteps(); j++) {
            data.batch(dataPosition++, window);
            loss += model.forwardLoss(window, data.batchSize());
            model.backward(1.0 / cfg.accumSteps());
        }
        loss /= cfg.accumSteps();
        if (!Double.isFinite(loss)) {
            throw diverged("loss is " + loss, step + 1);
        }
        double norm = GradClip.clip(params, cfg.clipNorm(), cfg.sparseExpertUpdates());
        if (!Double.isFinite(norm)) {
            throw diverged("gradient norm is " + norm, step + 1);
        }
        double lr = cfg.schedule().lr(step);
        opt.step(lr);
        step++;
        lastLoss = loss;
        return new StepMetrics(step, loss, lr, norm, step * tokensPerStep(), flops.trainingFlops(step * tokensPerStep()),
                (System.nanoTime() - t0) / 1e6);
    }

    private TrainingDivergedException diverged(String what, long badStep) {
        String ckpt = lastCheckpoint == null ? "no checkpoint was written yet"
                : "the last good checkpoint is step " + lastCheckpointStep + " at " + lastCheckpoint;
        return new TrainingDivergedException(what + " at step " + badStep + "; parameters were not updated and "
                + ckpt + " (lower the learning rate or tighten clipping before resuming)", badStep);
    }

    /**
     * Mean loss (no gradients) over batches [first, first+count) of {@code source}, with the model in
     * evaluation mode ({@link DecoderLm#eval()}: query BatchNorm on its running statistics, which this
     * leaves untouched) and then back in the mode it was in.
     */
    public double evaluate(BatchSource source, long first, int count) {
        int[] w = new int[source.batchSize() * (source.seqLen() + 1)];
        double sum = 0;
        boolean wasTraining = model.isTraining();
        model.eval();
        try {
            for (int i = 0; i < count; i++) {
                source.batch(first + i, w);
                sum += model.forwardLoss(w, source.batchSize());
            }
        } finally {
            model.setTraining(wasTraining);
        }
        return sum / count;
    }

    /** Writes a checkpoint of the current state under {@code root}, keeping the newest {@code keep}. */
    public Path saveCheckpoint(Path root, int keep) throws IOException {
        CheckpointState st = new CheckpointState(Checkpoint.FORMAT, Checkpoint.VERSION, step, dataPosition,
                rng.state(), model.config(), cfg, List.of(), Map.of(), lastLoss);
        Path dir = Checkpoint.save(root, st, model, opt, keep);
        lastCheckpoint = dir;
        lastCheckpointStep = step;
        listeners.forEach(l -> l.onCheckpoint(this, dir));
        return dir;
    }

    /** Restores model, optimiser and position from a checkpoint folder. */
    public void resume(Path dir) throws IOException {
        CheckpointState st = Checkpoint.readState(dir);
        checkSchedule(dir, st);
        st = Checkpoint.load(dir, model, opt);
        step = st.step();
        dataPosition = st.dataPosition();
        rng.setState(st.rngState());
        lastLoss = st.lastLoss();
        lastCheckpoint = dir;
        lastCheckpointStep = step;
    }

    /**
     * A checkpoint's step must lie on this run's schedule, and its data position must be where that
     * many steps leave the data; anything else means the checkpoint belongs to another run.
     */
    private void checkSchedule(Path dir, CheckpointState st) throws CheckpointException {
        Path state = dir.resolve(Checkpoint.STATE);
        if (st.step() < 0 || st.step() > cfg.steps()) {
            throw new CheckpointException(state + " is at step " + st.step() + ", outside this run's schedule of "
                    + cfg.steps() + " steps; it belongs to another run: delete " + dir + " or start the run over");
        }
        long expected = st.step() * cfg.accumSteps();
        if (st.dataPosition() != expected) {
            throw new CheckpointException(state + " is at step " + st.step() + " but data position "
                    + st.dataPosition() + " (expected " + expected + " with " + cfg.accumSteps() + " micro-batches"
                    + " per step); it belongs to another run: delete " + dir + " or start the run over");
        }
    }

    /** Resumes from the newest checkpoint in {@code root} if there is one; returns whether it did. */
    public boolean resumeLatest(Path root) throws IOException {
        var latest = Checkpoint.latest(root);
        if (latest.isPresent()) {
            resume(latest.get());
        }
        return latest.isPresent();
    }

    public long tokensPerStep() {
        return (long) cfg.accumSteps() * data.batchSize() * data.seqLen();
    }

    public long step() {
        return step;
    }

    public TrainConfig config() {
        return cfg;
    }

    public DecoderLm model() {
        return model;
    }

    public AdamW optimizer() {
        return opt;
    }

    public FlopCount flopCount() {
        return flops;
    }

    public Rng rng() {
        return rng;
    }

    public double lastLoss() {
        return lastLoss;
    }

    public long lastCheckpointStep() {
        return lastCheckpointStep;
    }
}
