package org.peerkit.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.peerkit.ffw.PeerConfig;
import org.peerkit.ffw.PeerLayer;
import org.peerkit.nn.Param;
import org.peerkit.nn.Rng;
import org.peerkit.train.SafeTensors;

/**
 * The golden files exist, read back, and are self-consistent: a float32 PeerLayer loaded from a
 * file meets the tolerance the GPU suite applies (1e-4 of the largest reference value), and the
 * stage outputs compose into the layer's gradients.
 */
class GoldenWriterTest {
    /** lib/cuda GoldenCheck.TOLERANCE. */
    private static final double TOLERANCE = 1e-4;

    @TempDir
    static Path dir;
    private static List<Path> files;

    @BeforeAll
    static void write() throws IOException {
        files = GoldenWriter.writeAll(dir);
    }

    @Test
    void everyCaseIsWritten() {
        List<String> names = files.stream().map(p -> p.getFileName().toString()).toList();
        assertEquals(GoldenWriter.PEER_CASES.size() + 2 + LmGoldenCase.cases().size() + PkmGoldenCase.cases().size(),
                names.size(), names.toString());
        assertTrue(names.containsAll(List.of("ops.safetensors", "step.safetensors", "peer_yardstick.safetensors")), names.toString());
    }

    @Test
    void aFloat32LayerMeetsTheDeviceTolerance() throws IOException {
        PeerGoldenCase c = GoldenWriter.PEER_CASES.get(0);
        PeerConfig cfg = c.cfg();
        PeerLayer layer = new PeerLayer("f32", cfg, DataType.FLOAT, new Rng(1));
        Map<String, INDArray> params = new LinkedHashMap<>();
        params.put("wq", layer.queryWeight().value());
        params.put("keys1", layer.subKeys1().value());
        params.put("keys2", layer.subKeys2().value());
        params.put("u", layer.u().value());
        params.put("v", layer.v().value());
        SafeTensors.readInto(file(c.name()), params);
        Map<String, INDArray> io = read(c, "x", "dy", DataType.FLOAT, c.tokens(), cfg.dModel());
        Map<String, INDArray> ref = read(c, "y", "dx", DataType.DOUBLE, c.tokens(), cfg.dModel());
        layer.setTraining(true);
        assertTrue(relErr(layer.forward(io.get("x")), ref.get("y")) < TOLERANCE);
        layer.params().forEach(Param::zeroGrad);
        assertTrue(relErr(layer.backward(io.get("dy")), ref.get("dx")) < TOLERANCE);
    }

    @Test
    void stagesComposeIntoTheLayerGradient() throws IOException {
        PeerGoldenCase c = GoldenWriter.PEER_CASES.get(1);
        int t = c.tokens();
        int d = c.cfg().dModel();
        int qw = c.cfg().heads() * c.cfg().dKey();
        Map<String, INDArray> a = new LinkedHashMap<>();
        a.put("dx_mix", Nd4j.zeros(DataType.DOUBLE, t, d));
        a.put("dq", Nd4j.zeros(DataType.DOUBLE, t, qw));
        a.put("dx", Nd4j.zeros(DataType.DOUBLE, t, d));
        a.put("wq", Nd4j.zeros(DataType.FLOAT, d, qw));
        SafeTensors.readInto(file(c.name()), a);
        INDArray composed = a.get("dx_mix").add(a.get("dq").mmul(a.get("wq").castTo(DataType.DOUBLE).transpose()));
        assertTrue(relErr(composed, a.get("dx")) < 1e-12);
    }

    private static Path file(String name) {
        return dir.resolve(name + ".safetensors");
    }

    private static Map<String, INDArray> read(PeerGoldenCase c, String a, String b, DataType type, long... shape)
            throws IOException {
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put(a, Nd4j.zeros(type, shape));
        m.put(b, Nd4j.zeros(type, shape));
        SafeTensors.readInto(file(c.name()), m);
        return m;
    }

    /** max|got − ref| / max|ref|, as the GPU suite measures. */
    private static double relErr(INDArray got, INDArray ref) {
        INDArray g = got.castTo(DataType.DOUBLE);
        return g.sub(ref).amaxNumber().doubleValue() / ref.amaxNumber().doubleValue();
    }
}
