package org.peerkit.nn;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.peerkit.tensor.Vec;

/**
 * A lookup table [V,D]: row ids[i] of the table becomes row i of the output [T, D]. Used for tokens
 * (V = vocabulary) and for learned positions (V = context length).
 *
 * <p>The backward is a plain Java scatter-add over the raw buffers rather than ND4J's
 * {@code scatter_add}: it must be bit-for-bit deterministic (repeated ids add in a fixed order) for
 * exact resume, and it touches only N·D numbers.
 */
public final class Embedding implements Parameterized {

    private final String name;
    private final String what;
    private final Param table;
    private final PassGuard guard;
    private int[] ids;
    private INDArray outTxD;

    /**
     * @param what what an id indexes, for error messages ("vocabulary", "context")
     */
    public Embedding(String name, String what, int count, int dim, double std, DataType dtype, Rng rng) {
        this.name = name;
        this.what = what;
        this.table = new Param(name + ".weight", Param.Kind.EMBEDDING, rng.normal(dtype, std, count, dim));
        this.guard = new PassGuard(name);
    }

    public Param table() {
        return table;
    }

    public int count() {
        return (int) table.value().size(0);
    }

    public int dim() {
        return (int) table.value().size(1);
    }

    @Override
    public List<Param> params() {
        return List.of(table);
    }

    /** Rows of the table for {@code ids}; every id must be in [0, count). */
    public INDArray forward(int[] ids) {
        int v = count();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= v) {
                throw new IllegalArgumentException(name + ": id " + ids[i] + " at position " + i
                        + " is outside the " + what + " [0, " + v + "); check the tokenizer's vocabulary"
                        + " size against the model config");
            }
        }
        this.ids = ids.clone();
        outTxD = Buffers.ensure(outTxD, table.value().dataType(), ids.length, dim());
        Nd4j.pullRows(table.value(), outTxD, 1, this.ids);
        guard.forwardDone();
        return outTxD;
    }

    /** Adds dy's rows into the table gradient at the forward's ids. */
    public void backward(INDArray dyTxD) {
        guard.beginBackward();
        Vec dy = Vec.read(dyTxD);
        Vec g = Vec.of(table.grad());
        int d = dim();
        for (int i = 0; i < ids.length; i++) {  // sequential: repeated ids add in a fixed order
            int row = ids[i] * d;
            int from = i * d;
            for (int j = 0; j < d; j++) {
                g.set(row + j, g.get(row + j) + dy.get(from + j));
            }
        }
    }
}
