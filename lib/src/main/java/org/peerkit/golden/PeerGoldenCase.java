package org.peerkit.golden;

import java.io.IOException;
import java.nio.file.Path;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.peerkit.ffw.PeerConfig;
import org.peerkit.ffw.PeerLayer;
import org.peerkit.nn.Param;
import org.peerkit.nn.Rng;
import org.peerkit.tensor.CpuKernels;
import org.peerkit.tensor.Kernels;
import org.peerkit.tensor.Retrieval;

/**
 * One PEER golden file: lib's PeerLayer in float64 (with or without query BatchNorm, training
 * mode) run forward and backward on float32-representable inputs, plus each kernel's stage on its own
 * (Kernels.retrieve, mixBackward, softmaxGroupsBackward, retrieveBackward) so that the device can
 * check every kernel from the reference inputs of its stage.
 *
 * @param tokens T, the tokens of the batch
 */
record PeerGoldenCase(String name, PeerConfig cfg, int tokens, long seed) {

    void write(Path dir) throws IOException {
        Rng rng = new Rng(seed);
        Kernels kernels = new CpuKernels();
        PeerLayer layer = new PeerLayer(name, cfg, DataType.DOUBLE, rng, kernels);
        if (layer.queryBatchNorm() != null) {  // away from the identity, so the device's BN is exercised
            layer.queryBatchNorm().gamma().value().assign(GoldenTensors.input(rng, 1, cfg.heads() * cfg.dKey()).addi(1));
            layer.queryBatchNorm().beta().value().assign(GoldenTensors.input(rng, 1, cfg.heads() * cfg.dKey()));
        }
        layer.params().forEach(p -> GoldenTensors.roundToFloat(p.value()));
        INDArray x = GoldenTensors.input(rng, 1, tokens, cfg.dModel());
        INDArray dy = GoldenTensors.input(rng, 1, tokens, cfg.dModel());
        GoldenTensors out = new GoldenTensors().meta("d_model", cfg.dModel()).meta("num_experts", cfg.numExperts())
                .meta("heads", cfg.heads()).meta("k", cfg.k()).meta("d_key", cfg.dKey())
                .meta("activation", cfg.activation().ordinal()).meta("seed", seed)
                .meta("query_bn", cfg.keys().queryBatchNorm() ? 1 : 0);
        if (layer.queryBatchNorm() != null) {
            out.in("bn_gamma", layer.queryBatchNorm().gamma().value()).in("bn_beta", layer.queryBatchNorm().beta().value());
        }
        out.in("x", x).in("dy", dy).in("wq", layer.queryWeight().value()).in("keys1", layer.subKeys1().value())
                .in("keys2", layer.subKeys2().value()).in("u", layer.u().value()).in("v", layer.v().value());
        layer.setTraining(true);
        out.ref("y", layer.forward(x)).ref("q", layer.queries()).ref("scores", layer.scores())
                .ref("gates", layer.gates()).ref("preact", layer.preActivations());
        Retrieval r = Retrieval.allocate(Nd4j.zeros(DataType.DOUBLE, tokens, (long) cfg.heads() * cfg.k()));
        kernels.retrieve(layer.queries(), layer.subKeys1().value(), layer.subKeys2().value(), cfg.heads(), cfg.k(), r);
        out.ref("experts", GoldenTensors.ints(r.expertTHK())).ref("rows", GoldenTensors.ints(r.rowTHK()))
                .ref("cols", GoldenTensors.ints(r.colTHK()));
        stages(layer, kernels, r, x, dy, out);
        layer.params().forEach(Param::zeroGrad);
        out.ref("dx", layer.backward(dy)).ref("dwq", layer.queryWeight().grad())
                .ref("dkeys1", layer.subKeys1().grad()).ref("dkeys2", layer.subKeys2().grad())
                .ref("du", layer.u().grad()).ref("dv", layer.v().grad())
                .ref("touched_rows", Nd4j.createFromArray(new double[] {layer.touchedRows().length}));
        if (layer.queryBatchNorm() != null) {
            out.ref("dbn_gamma", layer.queryBatchNorm().gamma().grad()).ref("dbn_beta", layer.queryBatchNorm().beta().grad());
        }
        out.write(dir.resolve(name + ".safetensors"));
    }

    /** The backward kernels one at a time, each from the previous stage's reference output. */
    private void stages(PeerLayer layer, Kernels kernels, Retrieval r, INDArray x, INDArray dy, GoldenTensors out) {
        int m = cfg.heads() * cfg.k();
        INDArray dxMix = Nd4j.zeros(DataType.DOUBLE, tokens, cfg.dModel());
        INDArray dGates = Nd4j.zeros(DataType.DOUBLE, tokens, m);
        INDArray du = Nd4j.zeros(DataType.DOUBLE, cfg.numExperts(), cfg.dModel());
        INDArray dv = Nd4j.zeros(DataType.DOUBLE, cfg.numExperts(), cfg.dModel());
        kernels.mixBackward(dy, x, r.expertTHK(), layer.gates(), layer.u().value(), layer.v().value(),
                cfg.activation(), layer.preActivations(), dxMix, dGates, du, dv);
        INDArray dScores = Nd4j.zeros(DataType.DOUBLE, tokens, m);
        kernels.softmaxGroupsBackward(layer.gates(), dGates, cfg.k(), dScores);
        INDArray dq = Nd4j.zeros(DataType.DOUBLE, tokens, (long) cfg.heads() * cfg.dKey());
        INDArray dk1 = Nd4j.zeros(DataType.DOUBLE, layer.subKeys1().value().shape());
        INDArray dk2 = Nd4j.zeros(DataType.DOUBLE, layer.subKeys2().value().shape());
        kernels.retrieveBackward(dScores, layer.queries(), layer.subKeys1().value(), layer.subKeys2().value(),
                cfg.heads(), r, dq, dk1, dk2);
        out.ref("dx_mix", dxMix).ref("dgates", dGates).ref("dscores", dScores).ref("dq", dq);
    }
}
