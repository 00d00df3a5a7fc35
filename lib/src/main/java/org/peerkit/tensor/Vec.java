package org.peerkit.tensor;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Flat element access to a dense c-order FLOAT or DOUBLE array's native memory, for the Java
 * kernels and layers: {@link #get} reads a value as double and {@link #set} stores it in the
 * array's precision, so one loop serves the exact double path (what gradient checks test) and
 * float arrays. The float fast paths use the bulk row copies of {@link F32} instead, which the JIT
 * can vectorise. Two implementations only, so call sites stay bimorphic and the JIT inlines them.
 */
public abstract sealed class Vec permits Vec.F32, Vec.F64 {

    private static final AtomicLong COPIES = new AtomicLong();

    final int off;

    Vec(int off) {
        this.off = off;
    }

    public abstract double get(int i);

    public abstract void set(int i, double v);

    /**
     * Copies {@code dst.length} elements from {@code at} into {@code dst} with one bulk read (a
     * memcpy, then a vectorisable widening for float; {@code scratch} at least as long as dst).
     */
    public abstract void row(int at, double[] dst, float[] scratch);

    /**
     * Copies {@code len} elements of {@code src} from {@code srcAt} to {@code at} here: one bulk
     * copy (a memcpy) when both have the same precision, else element by element.
     */
    public final void copyFrom(Vec src, int srcAt, int at, int len) {
        if (src.getClass() == getClass()) {
            bulkCopy(src, srcAt, at, len);
            return;
        }
        for (int i = 0; i < len; i++) {
            set(at + i, src.get(srcAt + i));
        }
    }

    /** {@link #copyFrom} when {@code src} has this precision. */
    abstract void bulkCopy(Vec src, int srcAt, int at, int len);

    public final void add(int i, double v) {
        set(i, get(i) + v);
    }

    /** Sets {@code len} elements from {@code at} to zero. */
    public void zero(int at, int len) {
        for (int i = at; i < at + len; i++) {
            set(i, 0);
        }
    }

    /** The elements of {@code a} in c order, writable; {@code a} must be dense (a contiguous view is fine). */
    public static Vec of(INDArray a) {
        if (!dense(a)) {
            throw new IllegalArgumentException("Vec needs a dense c-order array (a contiguous view is fine), got shape "
                    + Arrays.toString(a.shape()) + " stride " + Arrays.toString(a.stride()) + " offset " + a.offset());
        }
        if (a.dataType() == DataType.FLOAT) {
            return new F32(a.data().asNioFloat(), (int) a.offset());
        }
        if (a.dataType() == DataType.DOUBLE) {
            return new F64(a.data().asNioDouble(), (int) a.offset());
        }
        throw new IllegalArgumentException("unsupported dtype " + a.dataType() + " (FLOAT and DOUBLE only)");
    }

    /** For inputs: {@code a} itself when dense, else a dense copy (reads only; counted in {@link #copies}). */
    public static Vec read(INDArray a) {
        if (dense(a)) {
            return of(a);
        }
        COPIES.incrementAndGet();
        return of(a.dup('c'));
    }

    /** Dense copies {@link #read} has made since start-up (steady-state steps make none). */
    public static long copies() {
        return COPIES.get();
    }

    /** True when every one of {@code vs} is float32, i.e. the float fast path applies. */
    static boolean allFloat(Vec... vs) {
        for (Vec v : vs) {
            if (!(v instanceof F32)) {
                return false;
            }
        }
        return true;
    }

    private static boolean dense(INDArray a) {
        if (a.ordering() != 'c' && a.rank() > 1) {
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

    /** Float32 storage, with bulk row reads and writes for the float fast path. */
    public static final class F32 extends Vec {
        private final FloatBuffer b;

        F32(FloatBuffer b, int off) {
            super(off);
            this.b = b;
        }

        @Override
        public double get(int i) {
            return b.get(off + i);
        }

        @Override
        public void set(int i, double v) {
            b.put(off + i, (float) v);
        }

        /** Bulk read of {@code dst.length} floats at {@code at} (a memcpy). */
        public void rowF(int at, float[] dst) {
            b.get(off + at, dst, 0, dst.length);
        }

        /** Bulk write of {@code src.length} floats at {@code at}. */
        public void putRowF(int at, float[] src) {
            b.put(off + at, src, 0, src.length);
        }

        @Override
        public void row(int at, double[] dst, float[] scratch) {
            b.get(off + at, scratch, 0, dst.length);
            for (int j = 0; j < dst.length; j++) {
                dst[j] = scratch[j];
            }
        }

        @Override
        void bulkCopy(Vec src, int srcAt, int at, int len) {
            b.put(off + at, ((F32) src).b, src.off + srcAt, len);
        }
    }

    /** Float64 storage: the exact reference path's arrays. */
    public static final class F64 extends Vec {
        private final DoubleBuffer b;

        F64(DoubleBuffer b, int off) {
            super(off);
            this.b = b;
        }

        @Override
        public double get(int i) {
            return b.get(off + i);
        }

        @Override
        public void set(int i, double v) {
            b.put(off + i, v);
        }

        @Override
        public void row(int at, double[] dst, float[] scratch) {
            b.get(off + at, dst, 0, dst.length);
        }

        @Override
        void bulkCopy(Vec src, int srcAt, int at, int len) {
            b.put(off + at, ((F64) src).b, src.off + srcAt, len);
        }
    }
}
