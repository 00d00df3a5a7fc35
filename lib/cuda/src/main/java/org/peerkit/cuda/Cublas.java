package org.peerkit.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * cuBLAS (libcublas.so.13) for the dense GEMMs: the query projection, the two sub-key score GEMMs
 * of product-key retrieval (paper Eq. 5) and their backward. Row-major wrappers: our tensors are
 * c-order, cuBLAS is column-major, so C = op(A)·op(B) is computed as Cᵀ = op(B)ᵀ·op(A)ᵀ.
 *
 * <p>TF32 ({@link #setTf32}) lets the tensor cores round GEMM inputs to 10-bit mantissas; the golden
 * suite runs with it off, the benchmark reports which mode it used.
 *
 * <p>Where the library is: {@code PEERKIT_CUBLAS} (a file), the CUDA toolkit, then the pip wheels of a
 * Python venv (nvidia/cu13/lib, where PyTorch's CUDA 13 builds put it), then the loader's search.
 */
final class Cublas {
    private static final int OP_N = 0;
    private static final int OP_T = 1;
    private static final int DEFAULT_MATH = 0;
    private static final int TF32_TENSOR_OP_MATH = 3;

    private final MethodHandle sgemm;
    private final MethodHandle setMathMode;
    private final MemorySegment handle;
    private final String library;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment one = arena.allocateFrom(JAVA_FLOAT, 1f);
    private final MemorySegment zero = arena.allocateFrom(JAVA_FLOAT, 0f);
    private boolean tf32;

    private Cublas(NativeLibrary lib) {
        library = lib.name();
        sgemm = lib.function("cublasSgemm_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
        setMathMode = lib.function("cublasSetMathMode", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        MethodHandle create = lib.function("cublasCreate_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        MemorySegment h = arena.allocate(ADDRESS);
        check(call(create, h), "cublasCreate");
        handle = h.get(ADDRESS, 0);
        setTf32(false);
    }

    /** Opens cuBLAS in the current context or explains in one sentence where it was looked for. */
    static Cublas load() {
        List<Path> candidates = candidates();
        return NativeLibrary.open("libcublas.so.13", candidates).map(Cublas::new)
                .orElseThrow(() -> new CudaUnavailableException("cuBLAS 13 (libcublas.so.13) was not found in "
                        + candidates + " nor on the loader path: install the CUDA 13 cuBLAS (pip nvidia-cublas or the"
                        + " toolkit) or point PEERKIT_CUBLAS at libcublas.so.13."));
    }

    static List<Path> candidates() {
        List<Path> out = new ArrayList<>();
        String env = System.getenv("PEERKIT_CUBLAS");
        if (env != null && !env.isBlank()) {
            out.add(Path.of(env));
        }
        for (String home : new String[] {System.getenv("CUDA_HOME"), "/usr/local/cuda", "/usr/local/cuda-13.0"}) {
            if (home != null) {
                out.add(Path.of(home, "lib64", "libcublas.so.13"));
            }
        }
        out.addAll(venvCandidates(Path.of("/opt/torch/.venv/lib")));
        return out;
    }

    private static List<Path> venvCandidates(Path venvLib) {
        if (!Files.isDirectory(venvLib)) {
            return List.of();
        }
        try (Stream<Path> pythons = Files.list(venvLib)) {
            return pythons.flatMap(py -> Stream.of(py.resolve("site-packages/nvidia/cu13/lib/libcublas.so.13"),
                    py.resolve("site-packages/nvidia/cublas/lib/libcublas.so.13"))).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    String library() {
        return library;
    }

    boolean tf32() {
        return tf32;
    }

    void setTf32(boolean on) {
        check(call(setMathMode, handle, on ? TF32_TENSOR_OP_MATH : DEFAULT_MATH), "cublasSetMathMode");
        tf32 = on;
    }

    /**
     * Row-major C[m, n] = op(A)·op(B) + beta·C with op(A) [m, k], op(B) [k, n]; lda/ldb/ldc are the
     * row strides (elements) of the stored matrices, so a column slice of a wider matrix works.
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k, long a, int lda, long b, int ldb, float beta,
            long c, int ldc) {
        MemorySegment betaSeg = beta == 0f ? zero : beta == 1f ? one : arena.allocateFrom(JAVA_FLOAT, beta);
        check(call(sgemm, handle, transB ? OP_T : OP_N, transA ? OP_T : OP_N, n, m, k, one, b, ldb, a, lda, betaSeg,
                c, ldc), "cublasSgemm");
    }

    private static void check(int status, String what) {
        if (status != 0) {
            throw new IllegalStateException(what + " failed with cublasStatus " + status);
        }
    }

    private static int call(MethodHandle h, Object... args) {
        try {
            return (int) h.invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
