package org.peerkit.model;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.peerkit.ffw.FeedForward;
import org.peerkit.nn.Buffers;
import org.peerkit.nn.CausalSelfAttention;
import org.peerkit.nn.Module;
import org.peerkit.nn.Param;
import org.peerkit.nn.PassGuard;
import org.peerkit.nn.Rng;
import org.peerkit.nn.Rotary;

/**
 * A pre-norm transformer block (GPT-2 / the paper's backbone): x + attn(norm₁(x)), then
 * + ffw(norm₂(·)). Shapes: B sequences, L positions, D width, T = B·L tokens; input and output [B, L, D].
 */
public final class Block implements Module {

    private final Module norm1;
    private final CausalSelfAttention attn;
    private final Module norm2;
    private final FeedForward ffw;
    private final PassGuard guard;
    private INDArray midTxD;
    private INDArray outTxD;
    private INDArray dMidTxD;
    private INDArray dxTxD;
    private long[] shapeBxLxD;

    public Block(int index, LmConfig cfg, FfwFactory ffwFactory, Rng rng) {
        String p = "blocks." + index;
        var dt = cfg.precision().dataType();
        Rotary rotary = cfg.positions() == Positions.ROTARY
                ? new Rotary(cfg.dModel() / cfg.nHeads(), cfg.ropeBase()) : null;
        this.norm1 = cfg.norm().create(p + ".norm1", cfg.dModel(), cfg.normEps(), dt);
        this.attn = new CausalSelfAttention(p + ".attn", cfg.dModel(), cfg.nHeads(), cfg.bias(), cfg.initStd(),
                cfg.residualStd(), rotary, dt, rng);
        this.norm2 = cfg.norm().create(p + ".norm2", cfg.dModel(), cfg.normEps(), dt);
        this.ffw = ffwFactory.create(p + ".ffw", index, cfg, rng);
        this.guard = new PassGuard(p);
    }

    public FeedForward ffw() {
        return ffw;
    }

    /** Passes the mode on to every sub-module (only the FFW's query BatchNorm depends on it today). */
    @Override
    public void setTraining(boolean training) {
        norm1.setTraining(training);
        attn.setTraining(training);
        norm2.setTraining(training);
        ffw.setTraining(training);
    }

    @Override
    public List<Param> params() {
        List<Param> ps = new ArrayList<>(norm1.params());
        ps.addAll(attn.params());
        ps.addAll(norm2.params());
        ps.addAll(ffw.params());
        return ps;
    }

    @Override
    public INDArray forward(INDArray xBxLxD) {
        shapeBxLxD = xBxLxD.shape();
        long n = shapeBxLxD[0] * shapeBxLxD[1];
        long d = shapeBxLxD[2];
        INDArray xTxD = xBxLxD.reshape(n, d);
        midTxD = Buffers.ensure(midTxD, xBxLxD.dataType(), n, d);
        outTxD = Buffers.ensure(outTxD, xBxLxD.dataType(), n, d);
        INDArray attnBxLxD = attn.forward(norm1.forward(xTxD).reshape(shapeBxLxD));
        xTxD.add(attnBxLxD.reshape(n, d), midTxD);                      // one op: add into the buffer
        midTxD.add(ffw.forward(norm2.forward(midTxD)), outTxD);
        guard.forwardDone();
        return outTxD.reshape(shapeBxLxD);
    }

    @Override
    public INDArray backward(INDArray dyBTD) {
        guard.beginBackward();
        long n = shapeBxLxD[0] * shapeBxLxD[1];
        long d = shapeBxLxD[2];
        INDArray dyTxD = dyBTD.reshape(n, d);
        dMidTxD = Buffers.ensure(dMidTxD, dyBTD.dataType(), n, d);
        dxTxD = Buffers.ensure(dxTxD, dyBTD.dataType(), n, d);
        dyTxD.add(norm2.backward(ffw.backward(dyTxD)), dMidTxD);
        INDArray dAttnTxD = attn.backward(dMidTxD.reshape(shapeBxLxD)).reshape(n, d);
        dMidTxD.add(norm1.backward(dAttnTxD), dxTxD);
        return dxTxD.reshape(shapeBxLxD);
    }
}
