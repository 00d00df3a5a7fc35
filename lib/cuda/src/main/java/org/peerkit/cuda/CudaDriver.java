package org.peerkit.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The CUDA driver API (libcuda.so.1, installed with the NVIDIA driver) as far as PEERkit needs it:
 * initialisation, device queries, the primary context, modules from cubin/PTX images, memory and
 * kernel launches. Everything runs on the legacy default stream, which cuBLAS also uses, so the
 * kernels and GEMMs of a step are ordered without events.
 *
 * <p>Only the driver is needed because our kernels are compiled ahead of time by nvcc (lib/cuda/
 * src/main/cuda/build.sh): no NVRTC, no CUDA runtime library.
 */
final class CudaDriver {
    /** CUDA 13.0, the toolkit our cubins and PTX are built with; older drivers reject them. */
    static final int REQUIRED_VERSION = 13000;
    static final int ATTR_CLOCK_RATE = 13;
    private static final int INVALID_VALUE = 1;
    static final int ATTR_MULTIPROCESSORS = 16;
    static final int ATTR_CC_MAJOR = 75;
    static final int ATTR_CC_MINOR = 76;
    private static final Path DRIVER_FILE = Path.of("/proc/driver/nvidia/version");
    private static final String FIX = "install the NVIDIA driver R580 or newer (CUDA 13) on a machine with an NVIDIA GPU,"
            + " or run the CPU kit with PEERKIT_BACKEND=cpu";

    private final MethodHandle cuInit;
    private final MethodHandle cuDriverGetVersion;
    private final MethodHandle cuDeviceGet;
    private final MethodHandle cuDeviceGetName;
    private final MethodHandle cuDeviceGetAttribute;
    private final MethodHandle cuDeviceTotalMem;
    private final MethodHandle cuDevicePrimaryCtxRetain;
    private final MethodHandle cuCtxSetCurrent;
    private final MethodHandle cuCtxSynchronize;
    private final MethodHandle cuModuleLoadData;
    private final MethodHandle cuModuleGetFunction;
    private final MethodHandle cuMemAlloc;
    private final MethodHandle cuMemFree;
    private final MethodHandle cuMemcpyHtoD;
    private final MethodHandle cuMemcpyDtoH;
    private final MethodHandle cuMemsetD8;
    private final MethodHandle cuMemGetInfo;
    private final MethodHandle cuLaunchKernel;
    private final MethodHandle cuGetErrorName;
    /** cuFuncGetParamInfo (CUDA 12.4+): checks launch arguments against the kernel's parameters. */
    private final Optional<MethodHandle> cuFuncGetParamInfo;

    private CudaDriver(NativeLibrary lib) {
        cuInit = lib.function("cuInit", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        cuDriverGetVersion = lib.function("cuDriverGetVersion", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        cuDeviceGet = lib.function("cuDeviceGet", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuDeviceGetName = lib.function("cuDeviceGetName", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        cuDeviceGetAttribute = lib.function("cuDeviceGetAttribute",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        cuDeviceTotalMem = lib.function("cuDeviceTotalMem_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuDevicePrimaryCtxRetain = lib.function("cuDevicePrimaryCtxRetain",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuCtxSetCurrent = lib.function("cuCtxSetCurrent", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        cuCtxSynchronize = lib.function("cuCtxSynchronize", FunctionDescriptor.of(JAVA_INT));
        cuModuleLoadData = lib.function("cuModuleLoadData", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        cuModuleGetFunction = lib.function("cuModuleGetFunction",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        cuMemAlloc = lib.function("cuMemAlloc_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        cuMemFree = lib.function("cuMemFree_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
        cuMemcpyHtoD = lib.function("cuMemcpyHtoD_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG));
        cuMemcpyDtoH = lib.function("cuMemcpyDtoH_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
        cuMemsetD8 = lib.function("cuMemsetD8_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_BYTE, JAVA_LONG));
        cuMemGetInfo = lib.function("cuMemGetInfo_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        cuLaunchKernel = lib.function("cuLaunchKernel", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        cuGetErrorName = lib.function("cuGetErrorName", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        cuFuncGetParamInfo = lib.optionalFunction("cuFuncGetParamInfo",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));
    }

    /**
     * Loads libcuda.so.1 and initialises it, or throws {@link CudaUnavailableException} with one
     * sentence: no driver, a driver without libcuda (container without the GPU mount), no GPU, or a
     * driver older than CUDA 13.
     */
    static CudaDriver load() {
        if (!Files.isReadable(DRIVER_FILE)) {
            throw new CudaUnavailableException("PEERKIT_BACKEND=cuda but this machine has no NVIDIA driver ("
                    + DRIVER_FILE + " is missing): " + FIX + ".");
        }
        NativeLibrary lib = NativeLibrary.open("libcuda.so.1", List.of()).orElseThrow(() -> new CudaUnavailableException(
                "PEERKIT_BACKEND=cuda but the NVIDIA driver's library libcuda.so.1 cannot be loaded (not on the"
                        + " loader path): " + FIX + ", or add the driver's library folder to LD_LIBRARY_PATH."));
        CudaDriver d = new CudaDriver(lib);
        int rc = d.invokeInt(d.cuInit, 0);
        if (rc != 0) {
            throw new CudaUnavailableException("PEERKIT_BACKEND=cuda but cuInit failed with " + d.errorName(rc)
                    + " (no usable NVIDIA GPU, or the driver and kernel module disagree): " + FIX + ".");
        }
        int version = d.version();
        if (version < REQUIRED_VERSION) {
            throw new CudaUnavailableException("PEERKIT_BACKEND=cuda but the NVIDIA driver supports CUDA "
                    + CudaVersion.format(version) + ", older than the CUDA 13.0 our kernels are built with: " + FIX + ".");
        }
        return d;
    }

    int version() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            check(invokeInt(cuDriverGetVersion, v), "cuDriverGetVersion");
            return v.get(JAVA_INT, 0);
        }
    }

    /** Retains device {@code ordinal}'s primary context and makes it current on this thread. */
    int openDevice(int ordinal) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment dev = a.allocate(JAVA_INT);
            check(invokeInt(cuDeviceGet, dev, ordinal), "cuDeviceGet");
            MemorySegment ctx = a.allocate(ADDRESS);
            check(invokeInt(cuDevicePrimaryCtxRetain, ctx, dev.get(JAVA_INT, 0)), "cuDevicePrimaryCtxRetain");
            check(invokeInt(cuCtxSetCurrent, ctx.get(ADDRESS, 0)), "cuCtxSetCurrent");
            return dev.get(JAVA_INT, 0);
        }
    }

    String deviceName(int device) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(256);
            check(invokeInt(cuDeviceGetName, buf, 256, device), "cuDeviceGetName");
            return buf.getString(0);
        }
    }

    int attribute(int device, int attribute) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            check(invokeInt(cuDeviceGetAttribute, v, attribute, device), "cuDeviceGetAttribute");
            return v.get(JAVA_INT, 0);
        }
    }

    long totalMemory(int device) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_LONG);
            check(invokeInt(cuDeviceTotalMem, v, device), "cuDeviceTotalMem");
            return v.get(JAVA_LONG, 0);
        }
    }

    long freeMemory() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment free = a.allocate(JAVA_LONG);
            MemorySegment total = a.allocate(JAVA_LONG);
            check(invokeInt(cuMemGetInfo, free, total), "cuMemGetInfo");
            return free.get(JAVA_LONG, 0);
        }
    }

    /** Loads a cubin, or a NUL-terminated PTX text, into the current context. */
    MemorySegment loadModule(byte[] image) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment img = a.allocate(image.length + 1L);
            img.copyFrom(MemorySegment.ofArray(image));
            MemorySegment mod = a.allocate(ADDRESS);
            check(invokeInt(cuModuleLoadData, mod, img), "cuModuleLoadData");
            return mod.get(ADDRESS, 0);
        }
    }

    MemorySegment function(MemorySegment module, String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment fn = a.allocate(ADDRESS);
            check(invokeInt(cuModuleGetFunction, fn, module, a.allocateFrom(name)), "cuModuleGetFunction " + name);
            return fn.get(ADDRESS, 0);
        }
    }

    long alloc(long bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(JAVA_LONG);
            check(invokeInt(cuMemAlloc, p, Math.max(bytes, 4)), "cuMemAlloc(" + bytes + " bytes)");
            return p.get(JAVA_LONG, 0);
        }
    }

    void free(long ptr) {
        check(invokeInt(cuMemFree, ptr), "cuMemFree");
    }

    void copyToDevice(long dst, MemorySegment src, long bytes) {
        check(invokeInt(cuMemcpyHtoD, dst, src, bytes), "cuMemcpyHtoD");
    }

    void copyToHost(MemorySegment dst, long src, long bytes) {
        check(invokeInt(cuMemcpyDtoH, dst, src, bytes), "cuMemcpyDtoH");
    }

    void zero(long ptr, long bytes) {
        check(invokeInt(cuMemsetD8, ptr, (byte) 0, bytes), "cuMemsetD8");
    }

    void synchronize() {
        check(invokeInt(cuCtxSynchronize), "cuCtxSynchronize (a kernel failed)");
    }

    /** cuLaunchKernel on the default stream; {@code params} is the void*[] of argument addresses. */
    void launch(MemorySegment fn, int[] grid, int[] block, int sharedBytes, MemorySegment params, String name) {
        check(invokeInt(cuLaunchKernel, fn, grid[0], grid[1], grid[2], block[0], block[1], block[2], sharedBytes,
                MemorySegment.NULL, params, MemorySegment.NULL), "cuLaunchKernel " + name);
    }

    /**
     * The byte sizes of {@code fn}'s parameters in order, or empty where the driver cannot say
     * (before CUDA 12.4). A kernel's C signature and our Java argument list are written separately,
     * so {@link Gpu#launch} compares them before the first launch rather than passing garbage.
     */
    Optional<long[]> parameterSizes(MemorySegment fn) {
        if (cuFuncGetParamInfo.isEmpty()) {
            return Optional.empty();
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment offset = a.allocate(JAVA_LONG);
            MemorySegment size = a.allocate(JAVA_LONG);
            long[] sizes = new long[0];
            for (long i = 0;; i++) {
                int rc = invokeInt(cuFuncGetParamInfo.get(), fn, i, offset, size);
                if (rc == INVALID_VALUE && i > 0) {
                    return Optional.of(sizes);  // past the last parameter
                }
                if (rc != 0) {
                    return Optional.empty();  // the driver cannot tell here: launch unchecked
                }
                sizes = Arrays.copyOf(sizes, sizes.length + 1);
                sizes[sizes.length - 1] = size.get(JAVA_LONG, 0);
            }
        }
    }

    private void check(int rc, String what) {
        if (rc != 0) {
            throw new IllegalStateException(what + " failed: " + errorName(rc) + " (CUresult " + rc + ")");
        }
    }

    private String errorName(int rc) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            if (invokeInt(cuGetErrorName, rc, p) != 0) {
                return "CUresult " + rc;
            }
            return p.get(ADDRESS, 0).reinterpret(256).getString(0);
        }
    }

    private int invokeInt(MethodHandle h, Object... args) {
        try {
            return (int) h.invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
