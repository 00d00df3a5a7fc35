package org.peerkit.nn;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.peerkit.tensor.Vec;

/**
 * Reuse of preallocated activation buffers: a buffer is allocated once per shape and reused while
 * the shape stays the same, so steady-state steps allocate no large arrays (lib/README.md, ND4J on the CPU).
 */
public final class Buffers {

    private static final AtomicLong ALLOCATIONS = new AtomicLong();

    private Buffers() {
    }

    /**
     * Arrays allocated by {@link #ensure} and copies made by {@link Vec#read} since start-up. Tests
     * hold it constant across steady-state training steps.
     */
    public static long allocations() {
        return ALLOCATIONS.get() + Vec.copies();
    }

    /** {@code current} if it already has this dtype and shape, else a fresh c-order zero array. */
    public static INDArray ensure(INDArray current, DataType dtype, long... shape) {
        if (current != null && current.dataType() == dtype && Arrays.equals(current.shape(), shape)) {
            return current;
        }
        if (current != null) {
            current.close();
        }
        ALLOCATIONS.incrementAndGet();
        return Nd4j.zeros(dtype, shape);
    }

    /** Checks a 2-D input's column count, naming the module and what was expected. */
    public static void requireCols(String owner, INDArray x, long cols) {
        if (x.rank() != 2 || x.size(1) != cols) {
            throw new IllegalArgumentException(owner + ": expected input [N, " + cols + "], got "
                    + Arrays.toString(x.shape()));
        }
    }
}
