package org.peerkit.nn;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Many small GEMMs over strided blocks of a few big buffers, one BLAS call each: for every
 * (i, j) in [0,n1)×[0,n2), C_ij = op(A_ij)·op(B_ij), where each X_ij is a row-major matrix inside
 * X's buffer starting at element {@code off + i·s1 + j·s2} with leading dimension {@code ld}.
 *
 * <p>Why: per-head attention products ([L, A]·[A, L] for every sequence and head) through ND4J's
 * rank-3 {@code matmul} op run in libnd4j's own loops, several times slower than BLAS at these
 * shapes, and need head-major copies of q, k, v. Here each head is read straight out of the fused
 * QKV projection (leading dimension 3·D) and written straight into the token-major output, and each
 * product is one {@code cblas_?gemm} on pointers into the buffers (no views, no per-call ND4J
 * dispatch). ND4J's CPU backend calls the same OpenBLAS functions for {@code Nd4j.gemm}.
 *
 * <p>Where that OpenBLAS entry point is absent (the CUDA backend, whose classpath has no OpenBLAS)
 * each block goes through {@code Nd4j.gemm} on a view instead: correct, slower. FLOPs are added to
 * {@link Gemm#count()} like every other product.
 */
public final class GroupedGemm {

    private static final int ROW_MAJOR = 101;
    private static final int NO_TRANS = 111;
    private static final int TRANS = 112;
    private static final MethodHandle SGEMM;
    private static final MethodHandle DGEMM;
    /** Tests switch this off to check the fallback against the direct path. */
    static volatile boolean direct;

    static {
        MethodHandle s = null;
        MethodHandle d = null;
        try {
            if (Nd4j.getBackend().getClass().getName().contains("cpu")) {
                Class<?> cls = Class.forName("org.bytedeco.openblas.global.openblas_nolapack");
                MethodHandles.Lookup l = MethodHandles.publicLookup();
                s = l.findStatic(cls, "cblas_sgemm", MethodType.methodType(void.class, int.class, int.class,
                        int.class, int.class, int.class, int.class, float.class, FloatPointer.class, int.class,
                        FloatPointer.class, int.class, float.class, FloatPointer.class, int.class));
                d = l.findStatic(cls, "cblas_dgemm", MethodType.methodType(void.class, int.class, int.class,
                        int.class, int.class, int.class, int.class, double.class, DoublePointer.class, int.class,
                        DoublePointer.class, int.class, double.class, DoublePointer.class, int.class));
            }
        } catch (ReflectiveOperationException | LinkageError e) {
            s = null;
            d = null;
        }
        SGEMM = s;
        DGEMM = d;
        direct = s != null;
    }

    private GroupedGemm() {
    }

    /**
     * A family of matrices inside {@code array}'s buffer (dense c-order from offset 0): block (i, j)
     * starts at element {@code off + i·s1 + j·s2}, its rows are {@code ld} elements apart.
     */
    public record Blocks(INDArray array, long off, int ld, long s1, long s2) {
    }

    /**
     * C_ij = op(A_ij)·op(B_ij) (overwrites C_ij) for all (i, j) in [0,n1)×[0,n2); op(A) is m×k,
     * op(B) is k×n, C is m×n.
     */
    public static void mm(int n1, int n2, int m, int n, int k, Blocks a, boolean transA, Blocks b,
            boolean transB, Blocks c) {
        DataType dt = c.array().dataType();
        if (a.array().dataType() != dt || b.array().dataType() != dt) {
            throw new IllegalArgumentException("GroupedGemm needs one dtype, got " + a.array().dataType() + ", "
                    + b.array().dataType() + ", " + dt);
        }
        checkBounds("A", a, n1, n2, transA ? k : m, transA ? m : k);
        checkBounds("B", b, n1, n2, transB ? n : k, transB ? k : n);
        checkBounds("C", c, n1, n2, m, n);
        boolean fast = direct && (dt == DataType.FLOAT || dt == DataType.DOUBLE) && plain(a.array())
                && plain(b.array()) && plain(c.array());
        if (fast) {
            native2(n1, n2, m, n, k, a, transA, b, transB, c, dt == DataType.FLOAT);
        } else {
            fallback(n1, n2, m, n, k, a, transA, b, transB, c);
        }
        Gemm.addFlops(2L * n1 * n2 * m * n * k);
    }

    private static void native2(int n1, int n2, int m, int n, int k, Blocks a, boolean transA, Blocks b,
            boolean transB, Blocks c, boolean f32) {
        int ta = transA ? TRANS : NO_TRANS;
        int tb = transB ? TRANS : NO_TRANS;
        try {
            if (f32) {
                FloatPointer pa = new FloatPointer(a.array().data().addressPointer());
                FloatPointer pb = new FloatPointer(b.array().data().addressPointer());
                FloatPointer pc = new FloatPointer(c.array().data().addressPointer());
                for (int i = 0; i < n1; i++) {
                    for (int j = 0; j < n2; j++) {
                        pa.position(a.off() + i * a.s1() + j * a.s2());
                        pb.position(b.off() + i * b.s1() + j * b.s2());
                        pc.position(c.off() + i * c.s1() + j * c.s2());
                        SGEMM.invokeExact(ROW_MAJOR, ta, tb, m, n, k, 1.0f, pa, a.ld(), pb, b.ld(), 0.0f, pc,
                                c.ld());
                    }
                }
            } else {
                DoublePointer pa = new DoublePointer(a.array().data().addressPointer());
                DoublePointer pb = new DoublePointer(b.array().data().addressPointer());
                DoublePointer pc = new DoublePointer(c.array().data().addressPointer());
                for (int i = 0; i < n1; i++) {
                    for (int j = 0; j < n2; j++) {
                        pa.position(a.off() + i * a.s1() + j * a.s2());
                        pb.position(b.off() + i * b.s1() + j * b.s2());
                        pc.position(c.off() + i * c.s1() + j * c.s2());
                        DGEMM.invokeExact(ROW_MAJOR, ta, tb, m, n, k, 1.0, pa, a.ld(), pb, b.ld(), 0.0, pc,
                                c.ld());
                    }
                }
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cblas gemm failed", t);
        }
    }

    private static void fallback(int n1, int n2, int m, int n, int k, Blocks a, boolean transA, Blocks b,
            boolean transB, Blocks c) {
        for (int i = 0; i < n1; i++) {
            for (int j = 0; j < n2; j++) {
                INDArray av = view(a, i, j, transA ? k : m, transA ? m : k);
                INDArray bv = view(b, i, j, transB ? n : k, transB ? k : n);
                INDArray cv = view(c, i, j, m, n);
                cv.assign(Nd4j.gemm(av, bv, transA, transB));
            }
        }
    }

    private static INDArray view(Blocks x, int i, int j, int rows, int cols) {
        long base = x.array().offset();
        return Nd4j.create(x.array().data(), new long[] {rows, cols}, new long[] {x.ld(), 1},
                base + x.off() + i * x.s1() + j * x.s2(), 'c');
    }

    /** Dense c-order from offset 0, so the buffer pointer is element 0 of the array. */
    private static boolean plain(INDArray x) {
        return x.offset() == 0 && x.data().offset() == 0 && (x.rank() <= 1 || x.ordering() == 'c')
                && x.length() == x.data().length();
    }

    private static void checkBounds(String which, Blocks x, int n1, int n2, int rows, int cols) {
        long last = x.off() + (n1 - 1) * x.s1() + (n2 - 1) * x.s2() + (rows - 1) * (long) x.ld() + cols;
        if (x.ld() < cols || x.off() < 0 || last > x.array().length()) {
            throw new IllegalArgumentException("GroupedGemm: " + which + " blocks " + x + " of " + rows + "×"
                    + cols + " (×" + n1 + "×" + n2 + ") do not fit an array of " + x.array().length()
                    + " elements");
        }
    }
}
