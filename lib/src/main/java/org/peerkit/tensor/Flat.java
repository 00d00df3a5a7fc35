package org.peerkit.tensor;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Flat element access to a dense c-order FLOAT or DOUBLE array's native memory, for the Java
 * kernels: values are read as double and stored in the array's precision, so one kernel serves
 * the float path (speed) and the double path (gradient checks). Written here rather than reusing
 * {@code nn.Vec} because {@code tensor} sits below {@code nn} in the dependency order. Two
 * implementations only, so call sites stay bimorphic and the JIT inlines them.
 */
abstract sealed class Flat permits Flat.F32, Flat.F64 {

    abstract double get(int i);

    abstract void set(int i, double v);

    /**
     * Copies {@code dst.length} elements from {@code off} into {@code dst} with one bulk read (a
     * memcpy, then a vectorisable widening for float; {@code scratch} at least as long as dst).
     * The per-element {@link #get} path cannot be vectorised by the JIT; rows can.
     */
    abstract void row(int off, double[] dst, float[] scratch);

    final void add(int i, double v) {
        set(i, get(i) + v);
    }

    static Flat of(INDArray a) {
        if (a.rank() > 1 && a.ordering() != 'c' || a.elementWiseStride() != 1) {
            throw new IllegalArgumentException("kernel arrays must be dense c-order (a contiguous view is fine), got shape "
                    + java.util.Arrays.toString(a.shape()) + " stride " + java.util.Arrays.toString(a.stride())
                    + " offset " + a.offset());
        }
        if (a.dataType() == DataType.FLOAT) {
            return new F32(a.data().asNioFloat(), (int) a.offset());
        }
        if (a.dataType() == DataType.DOUBLE) {
            return new F64(a.data().asNioDouble(), (int) a.offset());
        }
        throw new IllegalArgumentException("unsupported dtype " + a.dataType() + " (FLOAT and DOUBLE only)");
    }

    static final class F32 extends Flat {
        private final FloatBuffer b;
        private final int off;

        F32(FloatBuffer b, int off) {
            this.b = b;
            this.off = off;
        }

        @Override
        double get(int i) {
            return b.get(off + i);
        }

        @Override
        void set(int i, double v) {
            b.put(off + i, (float) v);
        }

        /** Bulk read of {@code dst.length} floats at {@code at} (a memcpy). */
        void rowF(int at, float[] dst) {
            b.get(off + at, dst, 0, dst.length);
        }

        /** Bulk write of {@code src.length} floats at {@code at}. */
        void putRowF(int at, float[] src) {
            b.put(off + at, src, 0, src.length);
        }

        @Override
        void row(int at, double[] dst, float[] scratch) {
            b.get(off + at, scratch, 0, dst.length);
            for (int j = 0; j < dst.length; j++) {
                dst[j] = scratch[j];
            }
        }
    }

    static final class F64 extends Flat {
        private final DoubleBuffer b;
        private final int off;

        F64(DoubleBuffer b, int off) {
            this.b = b;
            this.off = off;
        }

        @Override
        double get(int i) {
            return b.get(off + i);
        }

        @Override
        void set(int i, double v) {
            b.put(off + i, v);
        }

        @Override
        void row(int at, double[] dst, float[] scratch) {
            b.get(off + at, dst, 0, dst.length);
        }
    }
}
