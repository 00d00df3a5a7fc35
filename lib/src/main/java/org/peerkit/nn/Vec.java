package org.peerkit.nn;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Flat element access to a contiguous FLOAT or DOUBLE array's native memory, so one Java kernel
 * serves both precisions (the double path is what gradient checks test; the float path is the same
 * code). Values are read and computed as double and stored in the array's precision. Only two
 * implementations exist, so call sites stay bimorphic and the JIT inlines them.
 */
public abstract sealed class Vec permits Vec.F32, Vec.F64 {

    public abstract double get(int i);

    public abstract void set(int i, double v);

    /**
     * Copies {@code len} elements of {@code src} from {@code srcAt} to {@code at} here: one bulk
     * copy (a memcpy) when both have the same precision, which the per-element path cannot match
     * for row gathers.
     */
    public abstract void copyFrom(Vec src, int srcAt, int at, int len);

    /** Sets {@code len} elements from {@code at} to zero. */
    public void zero(int at, int len) {
        for (int i = at; i < at + len; i++) {
            set(i, 0);
        }
    }

    void copyEach(Vec src, int srcAt, int at, int len) {
        for (int i = 0; i < len; i++) {
            set(at + i, src.get(srcAt + i));
        }
    }

    /**
     * The elements of {@code a} in c order, writable; {@code a} must be dense c-order from offset 0
     * (the module-owned buffers and their reshapes are).
     */
    public static Vec of(INDArray a) {
        if (!dense(a)) {
            throw new IllegalArgumentException("Vec needs a dense c-order array from offset 0, got shape "
                    + java.util.Arrays.toString(a.shape()) + " stride " + java.util.Arrays.toString(a.stride())
                    + " offset " + a.offset());
        }
        // host memory is the current copy from here on (no-ops on the CPU backend; on CUDA this keeps
        // the Java kernels correct, if slow, by syncing to the host and marking the host copy newest)
        Nd4j.getAffinityManager().ensureLocation(a, AffinityManager.Location.HOST);
        Nd4j.getAffinityManager().tagLocation(a, AffinityManager.Location.HOST);
        if (a.dataType() == DataType.FLOAT) {
            return new F32(a.data().asNioFloat());
        }
        if (a.dataType() == DataType.DOUBLE) {
            return new F64(a.data().asNioDouble());
        }
        throw new IllegalArgumentException("unsupported dtype " + a.dataType() + " (FLOAT and DOUBLE only)");
    }

    /** For inputs: {@code a} itself when dense, else a dense copy (reads only). */
    public static Vec read(INDArray a) {
        if (dense(a)) {
            return of(a);
        }
        Buffers.countAllocation();
        return of(a.dup('c'));
    }

    private static boolean dense(INDArray a) {
        if (a.offset() != 0 || a.ordering() != 'c' && a.rank() > 1) {
            return false;
        }
        long expected = 1;
        for (int k = a.rank() - 1; k >= 0; k--) {
            if (a.size(k) != 1 && a.stride(k) != expected) {
                return false;
            }
            expected *= a.size(k);
        }
        return true;
    }

    static final class F32 extends Vec {
        private final FloatBuffer b;

        F32(FloatBuffer b) {
            this.b = b;
        }

        @Override
        public double get(int i) {
            return b.get(i);
        }

        @Override
        public void set(int i, double v) {
            b.put(i, (float) v);
        }

        @Override
        public void copyFrom(Vec src, int srcAt, int at, int len) {
            if (src instanceof F32 f) {
                b.put(at, f.b, srcAt, len);
            } else {
                copyEach(src, srcAt, at, len);
            }
        }
    }

    static final class F64 extends Vec {
        private final DoubleBuffer b;

        F64(DoubleBuffer b) {
            this.b = b;
        }

        @Override
        public double get(int i) {
            return b.get(i);
        }

        @Override
        public void set(int i, double v) {
            b.put(i, v);
        }

        @Override
        public void copyFrom(Vec src, int srcAt, int at, int len) {
            if (src instanceof F64 f) {
                b.put(at, f.b, srcAt, len);
            } else {
                copyEach(src, srcAt, at, len);
            }
        }
    }
}
