package org.peerkit.golden;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.peerkit.nn.Rng;
import org.peerkit.train.SafeTensors;

/**
 * One golden file being assembled: inputs stored as F32 (they are drawn float32-representable, so
 * the device sees exactly the values the reference used), references as F64, integer tensors as
 * F64 (exact below 2⁵³), and metadata. Written atomically.
 */
final class GoldenTensors {
    private final Map<String, INDArray> tensors = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    /** An N(0, std²) double array whose values are float32-representable. */
    static INDArray input(Rng rng, double std, long... shape) {
        return rng.normal(DataType.DOUBLE, std, shape).castTo(DataType.FLOAT).castTo(DataType.DOUBLE);
    }

    /** Rounds an existing double array to float32-representable values in place. */
    static void roundToFloat(INDArray a) {
        a.assign(a.castTo(DataType.FLOAT).castTo(DataType.DOUBLE));
    }

    static INDArray ints(int[] values) {
        double[] d = new double[values.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = values[i];
        }
        return Nd4j.createFromArray(d);
    }

    GoldenTensors in(String name, INDArray a) {
        tensors.put(name, a.castTo(DataType.FLOAT));
        return this;
    }

    GoldenTensors ref(String name, INDArray a) {
        tensors.put(name, a.castTo(DataType.DOUBLE).dup());
        return this;
    }

    GoldenTensors meta(String key, Object value) {
        metadata.put(key, String.valueOf(value));
        return this;
    }

    /** One part of a golden file: draws its inputs from {@code rng} and adds them and their references. */
    interface Section {
        void add(Rng rng, GoldenTensors out);
    }

    /** A golden file of {@code sections}, in order, all drawing from one {@code Rng(seed)}. */
    static void write(Path file, long seed, Section... sections) throws IOException {
        Rng rng = new Rng(seed);
        GoldenTensors out = new GoldenTensors();
        for (Section s : sections) {
            s.add(rng, out);
        }
        out.write(file);
    }

    void write(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        SafeTensors.write(tmp, tensors, metadata);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
