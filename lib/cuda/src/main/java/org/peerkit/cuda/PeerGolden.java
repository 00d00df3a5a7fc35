package org.peerkit.cuda;

/**
 * Checks the PEER kernels against one golden file of lib's double-precision PEER layer: each
 * kernel is fed the reference inputs of its stage (so one wrong kernel fails alone), then the
 * whole layer runs forward and backward from x and the parameters.
 */
final class PeerGolden {
    private final Gpu gpu;
    private final SafeTensorsFile f;
    private final GoldenCheck check;
    private final int tokens;
    private final PeerDevice layer;

    PeerGolden(Gpu gpu, SafeTensorsFile f, GoldenCheck check) {
        this.gpu = gpu;
        this.f = f;
        this.check = check;
        this.tokens = (int) f.shape("x")[0];
        PeerShape shape = new PeerShape(f.meta("d_model"), f.meta("num_experts"), f.meta("heads"), f.meta("k"),
                f.meta("d_key"), f.meta("activation"));
        this.layer = new PeerDevice(gpu, shape, tokens, "1".equals(f.metaText("query_bn")));
        if (layer.batchNorm() != null) {
            gpu.write(layer.batchNorm().gamma, f.floats("bn_gamma"));
            gpu.write(layer.batchNorm().beta, f.floats("bn_beta"));
        }
        gpu.write(layer.wq, f.floats("wq"));
        gpu.write(layer.keys1, f.floats("keys1"));
        gpu.write(layer.keys2, f.floats("keys2"));
        gpu.write(layer.u, f.floats("u"));
        gpu.write(layer.v, f.floats("v"));
    }

    void run() {
        DeviceArray x = gpu.upload(f.floats("x"));
        DeviceArray dy = gpu.upload(f.floats("dy"));
        stages(x, dy);
        wholeLayer(x, dy);
        gpu.free(x);
        gpu.free(dy);
        layer.free();
    }

    private void stages(DeviceArray x, DeviceArray dy) {
        PeerBuffers b = layer.buffers();
        gpu.write(b.q, f.floats("q"));
        layer.retrieve(tokens);
        check.close("retrieval scores", gpu.floats(b.scores), f.get("scores"));
        check.routing("retrieval experts", gpu.ints(b.expert), f.get("experts"));
        check.close("softmax gates", gpu.floats(b.gates), f.get("gates"));
        gpu.write(b.expert, f.ints("experts"));
        gpu.write(b.gates, f.floats("gates"));
        layer.mixForward(x, tokens);
        check.close("mix pre-activations", gpu.floats(b.preAct), f.get("preact"));
        check.close("mix y", gpu.floats(b.y), f.get("y"));
        gpu.write(b.preAct, f.floats("preact"));
        layer.mixBackward(x, dy, tokens);
        check.close("mix backward dx", gpu.floats(b.dx), f.get("dx_mix"));
        check.close("mix backward dgates", gpu.floats(b.dGates), f.get("dgates"));
        check.close("mix backward du", gpu.floats(layer.du), f.get("du"));
        check.close("mix backward dv", gpu.floats(layer.dv), f.get("dv"));
        layer.collectTouchedRows();  // clears the expert flags for the whole-layer run
        gpu.write(b.dGates, f.floats("dgates"));
        layer.softmaxBackward(tokens);
        check.close("softmax backward", gpu.floats(b.dScores), f.get("dscores"));
        gpu.write(b.dScores, f.floats("dscores"));
        gpu.write(b.rows, f.ints("rows"));
        gpu.write(b.cols, f.ints("cols"));
        layer.retrievalBackward(tokens);
        check.close("retrieval backward dq", gpu.floats(b.dq), f.get("dq"));
        check.close("retrieval backward dkeys1", gpu.floats(layer.dkeys1), f.get("dkeys1"));
        check.close("retrieval backward dkeys2", gpu.floats(layer.dkeys2), f.get("dkeys2"));
    }

    private void wholeLayer(DeviceArray x, DeviceArray dy) {
        for (DeviceArray g : new DeviceArray[] {layer.dwq, layer.dkeys1, layer.dkeys2, layer.du, layer.dv}) {
            gpu.zero(g);
        }
        layer.zeroGradients();  // also the query BatchNorm's
        DeviceArray y = layer.forward(x, tokens);
        check.close("layer q (cuBLAS)", gpu.floats(layer.buffers().q), f.get("q"));
        check.close("layer y", gpu.floats(y), f.get("y"));
        DeviceArray dx = layer.backward(x, dy, tokens);
        check.close("layer dx", gpu.floats(dx), f.get("dx"));
        check.close("layer dwq", gpu.floats(layer.dwq), f.get("dwq"));
        check.close("layer dkeys1", gpu.floats(layer.dkeys1), f.get("dkeys1"));
        check.close("layer du", gpu.floats(layer.du), f.get("du"));
        check.close("layer dv", gpu.floats(layer.dv), f.get("dv"));
        if (layer.batchNorm() != null) {
            check.close("layer query-BN dgamma", gpu.floats(layer.batchNorm().dGamma), f.get("dbn_gamma"));
            check.close("layer query-BN dbeta", gpu.floats(layer.batchNorm().dBeta), f.get("dbn_beta"));
        }
        int touched = gpu.ints(layer.buffers().touchedCount)[0];
        check.close("touched rows", new float[] {touched}, new double[] {f.get("touched_rows")[0]}, 0);
        layer.zeroGradients();
        check.close("zeroed du", gpu.floats(layer.du), new double[(int) layer.du.length()], 0);
    }
}
