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
 * + ffw(norm₂(·)). Shapes: B batch, T positions, D width, N = B·T; input and output [B,T,D].
 */
public final class Block implements Module {

    private final Module norm1;
    private final CausalSelfAttention attn;
    private final Module norm2;
    private final FeedForward ffw;
    private final PassGuard guard;
    private INDArray midND;
    private INDArray outND;
    private INDArray dMidND;
    private INDArray dxND;
    private long[] shapeBTD;

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
    public INDArray forward(INDArray xBTD) {
        shapeBTD = xBTD.shape();
        long n = shapeBTD[0] * shapeBTD[1];
        long d = shapeBTD[2];
        INDArray xND = xBTD.reshape(n, d);
        midND = Buffers.ensure(midND, xBTD.dataType(), n, d);
        outND = Buffers.ensure(outND, xBTD.dataType(), n, d);
        INDArray attnBTD = attn.forward(norm1.forward(xND).reshape(shapeBTD));
        xND.add(attnBTD.reshape(n, d), midND);                      // one op: add into the buffer
        midND.add(ffw.forward(norm2.forward(midND)), outND);
        guard.forwardDone();
        return outND.reshape(shapeBTD);
    }

    @Override
    public INDArray backward(INDArray dyBTD) {
        guard.beginBackward();
        long n = shapeBTD[0] * shapeBTD[1];
        long d = shapeBTD[2];
        INDArray dyND = dyBTD.reshape(n, d);
        dMidND = Buffers.ensure(dMidND, dyBTD.dataType(), n, d);
        dxND = Buffers.ensure(dxND, dyBTD.dataType(), n, d);
        dyND.add(norm2.backward(ffw.backward(dyND)), dMidND);
        INDArray dAttnND = attn.backward(dMidND.reshape(shapeBTD)).reshape(n, d);
        dMidND.add(norm1.backward(dAttnND), dxND);
        return dxND.reshape(shapeBTD);
    }
}
