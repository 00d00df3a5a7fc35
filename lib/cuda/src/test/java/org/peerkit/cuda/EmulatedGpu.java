package org.peerkit.cuda;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link Gpu} without a GPU, for this module's CPU tests: device memory is Java arrays at made-up
 * addresses, GEMMs are row-major loops with cuBLAS's argument conventions, and launches run
 * {@link EmulatedKernels}' transcriptions of the .cu kernels after checking each argument's kind
 * against the kernel's C signature ({@link KernelSignatures}). It tests the launchers' orchestration
 * (which buffers, in which order, with which sizes), not the CUDA code itself.
 */
final class EmulatedGpu extends Gpu {
    private final TreeMap<Long, float[]> memory = new TreeMap<>();
    private final KernelSignatures signatures;
    private final EmulatedKernels kernels = new EmulatedKernels(this);
    private long next = 1L << 20;
    private boolean tf32;

    EmulatedGpu() throws IOException {
        signatures = new KernelSignatures(Path.of("src/main/cuda"));
    }

    /** A view of device memory from an address (a whole array or a slice of one). */
    record Ptr(float[] a, int off) {
        float get(long i) {
            return a[off + (int) i];
        }

        void set(long i, float v) {
            a[off + (int) i] = v;
        }

        void add(long i, float v) {
            a[off + (int) i] += v;
        }

        int geti(long i) {
            return Float.floatToRawIntBits(a[off + (int) i]);
        }

        void seti(long i, int v) {
            a[off + (int) i] = Float.intBitsToFloat(v);
        }

        double getDouble() {
            return Double.longBitsToDouble(((long) geti(1) << 32) | (geti(0) & 0xffffffffL));
        }

        void setDouble(double d) {
            long bits = Double.doubleToRawLongBits(d);
            seti(0, (int) bits);
            seti(1, (int) (bits >>> 32));
        }

        /** Byte {@code i} (little-endian within each 4-byte word): the unsigned char flags of pk_mix_backward. */
        int getByte(long i) {
            return (geti(i / 4) >>> (8 * (int) (i % 4))) & 0xff;
        }

        void setByte(long i, int v) {
            int shift = 8 * (int) (i % 4);
            int w = geti(i / 4);
            seti(i / 4, (w & ~(0xff << shift)) | ((v & 0xff) << shift));
        }
    }

    Ptr ptr(Object arg) {
        long address = arg instanceof DeviceArray d ? d.address() : (Long) arg;
        Map.Entry<Long, float[]> e = memory.floorEntry(address);
        if (e == null || address - e.getKey() > 4L * e.getValue().length) {
            throw new IllegalArgumentException("address " + address + " is in no allocated array");
        }
        return new Ptr(e.getValue(), (int) ((address - e.getKey()) / 4));
    }

    @Override
    public DeviceArray alloc(long length) {
        long address = next;
        memory.put(address, new float[(int) Math.max(1, length)]);
        next += 4 * Math.max(1, length) + 256;
        return new DeviceArray(address, length);
    }

    @Override
    public void free(DeviceArray a) {
        if (memory.remove(a.address()) == null) {
            throw new IllegalStateException("double free of " + a);
        }
    }

    @Override
    public void zero(DeviceArray a) {
        Arrays.fill(memory.get(a.address()), 0f);
    }

    @Override
    public DeviceArray upload(float[] host) {
        DeviceArray a = alloc(host.length);
        write(a, host);
        return a;
    }

    @Override
    public DeviceArray upload(int[] host) {
        DeviceArray a = alloc(host.length);
        write(a, host);
        return a;
    }

    @Override
    public void write(DeviceArray a, float[] host) {
        requireLength(a, host.length);
        System.arraycopy(host, 0, memory.get(a.address()), 0, host.length);
    }

    @Override
    public void write(DeviceArray a, int[] host) {
        requireLength(a, host.length);
        Ptr p = ptr(a);
        for (int i = 0; i < host.length; i++) {
            p.seti(i, host[i]);
        }
    }

    private static void requireLength(DeviceArray a, long n) {
        if (a.length() != n) {
            throw new IllegalArgumentException("host array of " + n + " elements for a device array of " + a.length());
        }
    }

    @Override
    public float[] floats(DeviceArray a) {
        return Arrays.copyOf(memory.get(a.address()), (int) a.length());
    }

    @Override
    public int[] ints(DeviceArray a) {
        int[] out = new int[(int) a.length()];
        Ptr p = ptr(a);
        for (int i = 0; i < out.length; i++) {
            out[i] = p.geti(i);
        }
        return out;
    }

    @Override
    public void synchronize() {
    }

    @Override
    public void setTf32(boolean on) {
        tf32 = on;
    }

    @Override
    public boolean tf32() {
        return tf32;
    }

    @Override
    public void launch(String module, String kernel, long gridX, int blockX, int sharedBytes, Object... args) {
        signatures.check(kernel, args);
        if (gridX > 0) {
            kernels.run(kernel, gridX, args);
        }
    }

    /** Row-major C[m, n] = op(A)·op(B) + beta·C, as {@link Cublas#gemm}, accumulated in double. */
    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, long a, int lda, long b, int ldb,
            float beta, long c, int ldc) {
        Ptr pa = ptr(a);
        Ptr pb = ptr(b);
        Ptr pc = ptr(c);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int l = 0; l < k; l++) {
                    float x = transA ? pa.get((long) l * lda + i) : pa.get((long) i * lda + l);
                    float y = transB ? pb.get((long) j * ldb + l) : pb.get((long) l * ldb + j);
                    s += (double) x * y;
                }
                long o = (long) i * ldc + j;
                pc.set(o, (float) (s + (beta == 0f ? 0 : beta * pc.get(o))));
            }
        }
    }
}
