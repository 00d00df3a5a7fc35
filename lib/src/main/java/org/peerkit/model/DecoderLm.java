package org.peerkit.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.peerkit.ffw.FeedForward;
import org.peerkit.nn.Buffered;
import org.peerkit.nn.Buffers;
import org.peerkit.nn.CrossEntropy;
import org.peerkit.nn.Embedding;
import org.peerkit.nn.Module;
import org.peerkit.nn.Param;
import org.peerkit.nn.Parameterized;
import org.peerkit.nn.PassGuard;
import org.peerkit.nn.Rng;

/**
 * A decoder-only transformer LM: token embedding (+ learned positions) → pre-norm blocks → final
 * norm → head → softmax cross-entropy. Shapes: B sequences, L positions (≤ context), D width,
 * V vocabulary, T = B·L tokens; windows [B, L+1] of token ids, inputs are positions [0, L) and targets
 * [1, L+1).
 *
 * <p>Weights are drawn from one {@link Rng} in the fixed order of construction, so a seed fixes the
 * model exactly.
 */
public final class DecoderLm implements Parameterized, Buffered {

    private final LmConfig cfg;
    private final Embedding tokens;
    private final Embedding positions;
    private final List<Block> blocks;
    private final Module finalNorm;
    private final LmHead head;
    private final CrossEntropy loss = new CrossEntropy();
    private final List<Param> params;
    private final PassGuard guard = new PassGuard("DecoderLm");
    private int batch;
    private int seq;
    private int[] posIds;
    private INDArray hTxD;
    private boolean training = true;

    /** A model with a dense FFW in every block. */
    public DecoderLm(LmConfig cfg, long seed) {
        this(cfg, FfwFactory.dense(), seed);
    }

    public DecoderLm(LmConfig cfg, FfwFactory ffw, long seed) {
        this.cfg = cfg;
        Rng rng = new Rng(seed);
        var dt = cfg.precision().dataType();
        this.tokens = new Embedding("embed", "vocabulary", cfg.vocabSize(), cfg.dModel(), cfg.initStd(), dt, rng);
        this.positions = cfg.positions() == Positions.LEARNED
                ? new Embedding("pos", "context", cfg.contextLength(), cfg.dModel(), cfg.initStd(), dt, rng) : null;
        List<Block> bs = new ArrayList<>();
        for (int i = 0; i < cfg.nLayers(); i++) {
            bs.add(new Block(i, cfg, ffw, rng));
        }
        this.blocks = Collections.unmodifiableList(bs);
        this.finalNorm = cfg.norm().create("norm", cfg.dModel(), cfg.normEps(), dt);
        this.head = cfg.tieEmbeddings() ? new LmHead(tokens.table(), true)
                : new LmHead(new Param("head.weight", Param.Kind.WEIGHT,
                        rng.normal(dt, cfg.initStd(), cfg.dModel(), cfg.vocabSize())), false);
        this.params = Collections.unmodifiableList(collectParams());
    }

    private List<Param> collectParams() {
        List<Param> ps = new ArrayList<>(tokens.params());
        if (positions != null) {
            ps.addAll(positions.params());
        }
        blocks.forEach(b -> ps.addAll(b.params()));
        ps.addAll(finalNorm.params());
        ps.addAll(head.params());
        return ps;
    }

    public LmConfig config() {
        return cfg;
    }

    /**
     * Training mode (the default) or evaluation mode for every module whose forward depends on it:
     * today the query BatchNorm of PEER and PKM layers, which normalises by the batch's statistics
     * in training and by its running statistics in evaluation (paper §3.3). Evaluation code should
     * switch to {@link #eval()} and back (see {@code Evaluation}).
     */
    public void setTraining(boolean training) {
        this.training = training;
        blocks.forEach(b -> b.setTraining(training));
        finalNorm.setTraining(training);
    }

    /** {@code setTraining(true)}; returns this. */
    public DecoderLm train() {
        setTraining(true);
        return this;
    }

    /** {@code setTraining(false)}: running statistics in the query BatchNorm; returns this. */
    public DecoderLm eval() {
        setTraining(false);
        return this;
    }

    /** Whether the model is in training mode (the last {@link #setTraining} call; true at first). */
    public boolean isTraining() {
        return training;
    }

    public List<Block> blocks() {
        return blocks;
    }

    /** The FFW of each block, in order (for FLOP accounting and routing statistics). */
    public List<FeedForward> feedForwards() {
        return blocks.stream().map(Block::ffw).toList();
    }

    /** Non-trainable state of every block (e.g. query BatchNorm running statistics), for checkpoints. */
    @Override
    public Map<String, double[]> buffers() {
        Map<String, double[]> m = new LinkedHashMap<>();
        for (FeedForward f : feedForwards()) {
            if (f instanceof Buffered b) {
                m.putAll(b.buffers());
            }
        }
        return m;
    }

    @Override
    public List<Param> params() {
        return params;
    }

    /**
     * Mean next-token cross-entropy over the batch of windows, keeping what {@link #backward} needs.
     *
     * @param windowsBT1 B windows of T+1 tokens, row-major
     */
    public double forwardLoss(int[] windowsBT1, int batch) {
        if (batch <= 0 || windowsBT1.length % batch != 0 || windowsBT1.length / batch < 2) {
            throw new IllegalArgumentException("windows of " + windowsBT1.length + " tokens do not split into "
                    + batch + " windows of at least 2 tokens");
        }
        int t = windowsBT1.length / batch - 1;
        int[] inputs = new int[batch * t];
        int[] targets = new int[batch * t];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(windowsBT1, b * (t + 1), inputs, b * t, t);
            System.arraycopy(windowsBT1, b * (t + 1) + 1, targets, b * t, t);
        }
        INDArray logits = logits(inputs, batch);
        double l = loss.forward(logits, targets);
        for (FeedForward f : feedForwards()) {
            l += f.auxLoss();
        }
        guard.forwardDone();
        return l;
    }

    /**
     * Logits [B·L, V] for B sequences of L tokens (row-major ids). Owned by the model: valid until the
     * next forward.
     */
    public INDArray logits(int[] tokensBxL, int batch) {
        int t = tokensBxL.length / batch;
        if (t * batch != tokensBxL.length) {
            throw new IllegalArgumentException(tokensBxL.length + " tokens do not split into " + batch + " sequences");
        }
        if (t > cfg.contextLength()) {
            throw new IllegalArgumentException("sequence length " + t + " exceeds the model's context length "
                    + cfg.contextLength() + "; use shorter windows or a config with a longer contextLength");
        }
        this.batch = batch;
        this.seq = t;
        INDArray xTxD = tokens.forward(tokensBxL);
        if (positions != null) {
            hTxD = Buffers.ensure(hTxD, xTxD.dataType(), xTxD.shape());
            xTxD.add(positions.forward(positionIds(batch, t)), hTxD);
            xTxD = hTxD;
        }
        INDArray h = xTxD.reshape(batch, t, cfg.dModel());
        for (Block b : blocks) {
            h = b.forward(h);
        }
        return head.forward(finalNorm.forward(h.reshape((long) batch * t, cfg.dModel())));
    }

    /** Back-propagates {@code scale}·loss; parameter gradients are accumulated. */
    public void backward(double scale) {
        guard.beginBackward();
        INDArray d = finalNorm.backward(head.backward(loss.backward(scale)));
        INDArray dh = d.reshape(batch, seq, cfg.dModel());
        for (int i = blocks.size() - 1; i >= 0; i--) {
            dh = blocks.get(i).backward(dh);
        }
        INDArray dxTxD = dh.reshape((long) batch * seq, cfg.dModel());
        tokens.backward(dxTxD);
        if (positions != null) {
            positions.backward(dxTxD);
        }
    }

    private int[] positionIds(int b, int t) {
        if (posIds == null || posIds.length != b * t) {
            posIds = new int[b * t];
            for (int i = 0; i < posIds.length; i++) {
                posIds[i] = i % t;
            }
        }
        return posIds;
    }
}
