package org.peerkit.golden;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.peerkit.ffw.PkmConfig;
import org.peerkit.ffw.PkmLayer;
import org.peerkit.ffw.ProductKeys;
import org.peerkit.nn.Param;
import org.peerkit.nn.Rng;

/**
 * One PKM golden file (the paper's PKM baseline, §3.1; lib's ffw.PkmLayer in float64, training
 * mode): inputs x, dy and every parameter ({@code p.NAME}, rounded to float32), the output y, dx, every
 * gradient ({@code g.NAME}) and the number of value rows touched. Parameter names are lib's, listed
 * in the metadata in PkmLayer.params() order, so the device layer (lib/cuda PkmDevice) maps them by name.
 *
 * @param tokens T, the tokens of the batch
 */
record PkmGoldenCase(String name, PkmConfig cfg, int tokens, long seed) {

    /** Per-head sub-keys with a query bias (XLM's default), and shared sub-keys with query BN. */
    static List<PkmGoldenCase> cases() {
        return List.of(new PkmGoldenCase("pkm_heads", new PkmConfig(32, new ProductKeys(12 * 12, 3, 5, 16, false), false), 20, 41),
                new PkmGoldenCase("pkm_shared_bn", new PkmConfig(48, new ProductKeys(8 * 8, 2, 8, 8, true), true), 24, 42));
    }

    void write(Path dir) throws IOException {
        Rng rng = new Rng(seed);
        PkmLayer layer = new PkmLayer("pkm", cfg, DataType.DOUBLE, rng);
        for (Param p : layer.params()) {  // biases and BN away from their zero/identity init
            if (p.kind() == Param.Kind.BIAS || p.kind() == Param.Kind.NORM) {
                p.value().assign(GoldenTensors.input(rng, 0.5, p.shape()).addi(p.name().endsWith("bn.weight") ? 1 : 0));
            }
        }
        layer.params().forEach(p -> GoldenTensors.roundToFloat(p.value()));
        INDArray x = GoldenTensors.input(rng, 1, tokens, cfg.dModel());
        INDArray dy = GoldenTensors.input(rng, 1, tokens, cfg.dModel());
        List<String> names = new ArrayList<>();
        layer.params().forEach(p -> names.add(p.name()));
        GoldenTensors out = new GoldenTensors().meta("d_model", cfg.dModel()).meta("num_values", cfg.numExperts())
                .meta("heads", cfg.heads()).meta("k", cfg.k()).meta("d_key", cfg.dKey())
                .meta("shared_keys", cfg.sharedKeys() ? 1 : 0).meta("query_bn", cfg.keys().queryBatchNorm() ? 1 : 0)
                .meta("params", String.join(",", names));
        out.in("x", x).in("dy", dy);
        layer.params().forEach(p -> out.in("p." + p.name(), p.value()));
        layer.setTraining(true);
        out.ref("y", layer.forward(x));
        layer.params().forEach(Param::zeroGrad);
        out.ref("dx", layer.backward(dy));
        layer.params().forEach(p -> out.ref("g." + p.name(), p.grad()));
        out.ref("touched_rows", Nd4j.createFromArray(new double[] {layer.touchedRows().length}));
        out.write(dir.resolve(name + ".safetensors"));
    }
}
