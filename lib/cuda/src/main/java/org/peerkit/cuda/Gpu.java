package org.peerkit.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One NVIDIA GPU as PEERkit uses it: the driver's primary context on device 0, our kernel modules
 * (retrieval, mixing, ops) loaded for its architecture, cuBLAS, and float/int arrays in its memory.
 * {@link #open()} is the start-up check of {@code PEERKIT_BACKEND=cuda}: it fails with one sentence
 * when the machine cannot run the kernels.
 */
public class Gpu {
    private static final String[] MODULES = {"retrieval", "mixing", "ops", "attention"};

    private final CudaDriver driver;
    private final int device;
    private final int ccMajor;
    private final int ccMinor;
    private final Cublas blas;
    private final Map<String, MemorySegment> modules = new HashMap<>();
    private final Map<String, MemorySegment> functions = new HashMap<>();

    private Gpu(CudaDriver driver) {
        this.driver = driver;
        this.device = driver.openDevice(0);
        this.ccMajor = driver.attribute(device, CudaDriver.ATTR_CC_MAJOR);
        this.ccMinor = driver.attribute(device, CudaDriver.ATTR_CC_MINOR);
        for (String m : MODULES) {
            modules.put(m, driver.loadModule(KernelImages.read(KernelImages.select(m, ccMajor, ccMinor))));
        }
        this.blas = Cublas.load();
    }

    /**
     * No driver, no kernels: for a stand-in that overrides memory, launches and GEMMs with Java
     * transcriptions of the kernels (this module's tests run {@link LmDevice} on the CPU with one).
     */
    Gpu() {
        this.driver = null;
        this.device = 0;
        this.ccMajor = 0;
        this.ccMinor = 0;
        this.blas = null;
    }

    /** Opens GPU 0, or throws {@link CudaUnavailableException} with one sentence (cause and fix). */
    public static Gpu open() {
        if (KernelImages.modules().isEmpty()) {
            throw new CudaUnavailableException("this peerkit-cuda jar holds no CUDA kernels (nvcc was missing when it"
                    + " was built): rebuild lib/cuda on a machine with the CUDA 13 toolkit.");
        }
        return new Gpu(CudaDriver.load());
    }

    /** "NVIDIA H100 80GB HBM3, sm_90, 132 SMs, 79.1 GiB, CUDA driver 13.0 (580.x), cuBLAS …". */
    public String describe() {
        return String.format("%s, sm_%d%d, %d SMs, %.1f GiB, CUDA driver %s (kernel module %s), cuBLAS %s",
                driver.deviceName(device), ccMajor, ccMinor, multiprocessors(), driver.totalMemory(device) / (double) (1L << 30),
                CudaVersion.format(driver.version()), kernelModuleVersion(), blas.library());
    }

    public int multiprocessors() {
        return driver.attribute(device, CudaDriver.ATTR_MULTIPROCESSORS);
    }

    /** The SM clock in Hz (the driver reports kHz), or NaN where the driver no longer reports it. */
    public double clockHz() {
        try {
            return driver.attribute(device, CudaDriver.ATTR_CLOCK_RATE) * 1e3;
        } catch (IllegalStateException e) {
            return Double.NaN;
        }
    }

    public int computeCapability() {
        return 10 * ccMajor + ccMinor;
    }

    public String name() {
        return driver.deviceName(device);
    }

    static String kernelModuleVersion() {
        try {
            String s = Files.readString(Path.of("/proc/driver/nvidia/version"));
            Matcher m = Pattern.compile("Kernel Module(?: for [^ ]+)?\\s+([0-9.]+)").matcher(s);
            return m.find() ? m.group(1) : "unknown";
        } catch (IOException e) {
            return "unknown";
        }
    }

    Cublas blas() {
        return blas;
    }

    public void setTf32(boolean on) {
        blas.setTf32(on);
    }

    public boolean tf32() {
        return blas.tf32();
    }

    /** A zeroed array of {@code length} 4-byte elements. */
    public DeviceArray alloc(long length) {
        DeviceArray a = new DeviceArray(driver.alloc(4 * length), length);
        driver.zero(a.address(), a.bytes());
        return a;
    }

    public void free(DeviceArray a) {
        driver.free(a.address());
    }

    public void zero(DeviceArray a) {
        driver.zero(a.address(), a.bytes());
    }

    public DeviceArray upload(float[] host) {
        DeviceArray a = new DeviceArray(driver.alloc(4L * host.length), host.length);
        try (Arena arena = Arena.ofConfined()) {
            driver.copyToDevice(a.address(), arena.allocateFrom(JAVA_FLOAT, host), a.bytes());
        }
        return a;
    }

    public DeviceArray upload(int[] host) {
        DeviceArray a = new DeviceArray(driver.alloc(4L * host.length), host.length);
        try (Arena arena = Arena.ofConfined()) {
            driver.copyToDevice(a.address(), arena.allocateFrom(JAVA_INT, host), a.bytes());
        }
        return a;
    }

    /** Overwrites an existing array with host values (lengths must match). */
    public void write(DeviceArray a, float[] host) {
        requireLength(a, host.length);
        try (Arena arena = Arena.ofConfined()) {
            driver.copyToDevice(a.address(), arena.allocateFrom(JAVA_FLOAT, host), a.bytes());
        }
    }

    public void write(DeviceArray a, int[] host) {
        requireLength(a, host.length);
        try (Arena arena = Arena.ofConfined()) {
            driver.copyToDevice(a.address(), arena.allocateFrom(JAVA_INT, host), a.bytes());
        }
    }

    private static void requireLength(DeviceArray a, long n) {
        if (a.length() != n) {
            throw new IllegalArgumentException("host array of " + n + " elements for a device array of " + a.length());
        }
    }

    public float[] floats(DeviceArray a) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(a.bytes());
            driver.copyToHost(host, a.address(), a.bytes());
            return host.toArray(JAVA_FLOAT);
        }
    }

    public int[] ints(DeviceArray a) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(a.bytes());
            driver.copyToHost(host, a.address(), a.bytes());
            return host.toArray(JAVA_INT);
        }
    }

    public void synchronize() {
        driver.synchronize();
    }

    public long freeMemory() {
        return driver.freeMemory();
    }

    /**
     * Launches {@code kernel} (from module {@code module}) on a 1-D grid. Arguments: a
     * {@link DeviceArray} or Long is passed as 8 bytes (a device pointer or a long long), an Integer
     * as an int, a Float as a float — in the order of the kernel's C signature.
     */
    public void launch(String module, String kernel, long gridX, int blockX, int sharedBytes, Object... args) {
        MemorySegment fn = functions.computeIfAbsent(kernel, k -> checked(driver.function(modules.get(module), k), k,
                args));
        if (gridX <= 0) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = arena.allocate(ADDRESS, args.length);
            for (int i = 0; i < args.length; i++) {
                params.setAtIndex(ADDRESS, i, argument(arena, args[i], kernel, i));
            }
            driver.launch(fn, new int[] {Math.toIntExact(gridX), 1, 1}, new int[] {blockX, 1, 1}, sharedBytes, params,
                    kernel);
        }
    }

    /** {@code fn} after comparing the kernel's parameter sizes with the Java arguments of its first launch. */
    private MemorySegment checked(MemorySegment fn, String kernel, Object[] args) {
        driver.parameterSizes(fn).ifPresent(sizes -> {
            long[] given = new long[args.length];
            for (int i = 0; i < args.length; i++) {
                given[i] = args[i] instanceof Integer || args[i] instanceof Float ? 4 : 8;
            }
            if (!Arrays.equals(sizes, given)) {
                throw new IllegalArgumentException(kernel + " takes parameters of " + Arrays.toString(sizes)
                        + " bytes but was launched with " + Arrays.toString(given) + ": fix the call's argument list");
            }
        });
        return fn;
    }

    private static MemorySegment argument(Arena arena, Object arg, String kernel, int index) {
        if (arg instanceof DeviceArray d) {
            return arena.allocateFrom(JAVA_LONG, d.address());
        } else if (arg instanceof Long l) {
            return arena.allocateFrom(JAVA_LONG, l);
        } else if (arg instanceof Integer n) {
            return arena.allocateFrom(JAVA_INT, n);
        } else if (arg instanceof Float f) {
            return arena.allocateFrom(JAVA_FLOAT, f);
        }
        throw new IllegalArgumentException(kernel + " argument " + index + " is a " + arg.getClass().getSimpleName()
                + ": pass a DeviceArray, Long, Integer or Float");
    }

    /** Row-major C[m, n] (+)= op(A)·op(B); see {@link Cublas#gemm}. */
    public void gemm(boolean transA, boolean transB, int m, int n, int k, long a, int lda, long b, int ldb,
            float beta, long c, int ldc) {
        blas.gemm(transA, transB, m, n, k, a, lda, b, ldb, beta, c, ldc);
    }
}
