package org.peerkit.kernel;

import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.io.File;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a Jupyter kernelspec directory (kernel.json) that starts this kernel. The JSON names the
 * absolute {@code java} of the JVM running this command (users' PATH often holds another one),
 * headless AWT, generous JavaCPP off-heap limits for ND4J, the absolute kernel jar plus the
 * project's runtime classpath (so notebooks need no {@code %maven}), message-mode interrupts,
 * and the startup script in {@code PEERKIT_KERNEL_STARTUP}. Written atomically (temp, fsync,
 * rename) so a failed run never leaves half a kernel.json.
 *
 * @param name        the kernel name the caller will install it under (only checked and echoed)
 * @param displayName shown in Jupyter's kernel menu
 * @param classpath   extra classpath entries, absolute
 * @param startup     the startup script, absolute, or null
 * @param jvmOptions  extra JVM options, after ours (so a repeated -D wins)
 */
record KernelSpec(String name, String displayName, List<Path> classpath, Path startup, List<String> jvmOptions) {
    static final String MAIN_CLASS = "org.peerkit.kernel.KernelMain";

    KernelSpec {
        if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("--name '" + name + "' is not a kernel name: use letters, digits, . _ -");
        }
        if (displayName == null || displayName.isBlank()) {
            throw new IllegalArgumentException("--display-name must not be blank");
        }
        classpath = List.copyOf(classpath);
        jvmOptions = List.copyOf(jvmOptions);
        if (startup != null && !startup.isAbsolute()) {
            throw new IllegalArgumentException("startup script " + startup + " must be an absolute path");
        }
    }

    static KernelSpec defaults() {
        return new KernelSpec("java", "Java (PEERkit)", List.of(), null, List.of());
    }

    /** The kernel.json content. */
    Map<String, Object> json(Path kernelJar, String javaExecutable, long physicalBytes) {
        List<String> argv = new ArrayList<>();
        argv.add(javaExecutable);
        argv.add("-Djava.awt.headless=true");
        // the Vector API for PEER's expert mixing (lib's tensor.Simd; scalar without it)
        argv.add("--add-modules=jdk.incubator.vector");
        // JavaCPP (ND4J's off-heap allocator) defaults to the heap size; notebooks train models
        long gib = 1L << 30;
        long ram = Math.max(4 * gib, physicalBytes);
        argv.add("-Dorg.bytedeco.javacpp.maxbytes=" + (ram * 3 / 4 / gib) + "g");
        argv.add("-Dorg.bytedeco.javacpp.maxphysicalbytes=" + (ram / gib) + "g");
        argv.addAll(jvmOptions);
        argv.add("-cp");
        List<String> cp = new ArrayList<>();
        cp.add(kernelJar.toString());
        classpath.forEach(p -> cp.add(p.toString()));
        argv.add(String.join(File.pathSeparator, cp));
        argv.add(MAIN_CLASS);
        argv.add("run");
        argv.add("{connection_file}");

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("argv", argv);
        json.put("display_name", displayName);
        json.put("language", "java");
        json.put("interrupt_mode", "message");
        Map<String, String> env = new LinkedHashMap<>();
        if (startup != null) {
            env.put(KernelMain.STARTUP_ENV, startup.toString());
        }
        // ND4J's OpenMP and OpenBLAS threads must sleep, not spin, between ops: PEERkit's Java kernels
        // run on the same cores between ND4J calls, and spinning workers slowed them up to 8×; and
        // malloc should hand the expert tables transparent huge pages (README)
        new java.util.TreeMap<>(NATIVE_ENV_DEFAULTS).forEach((name, value) -> env.put(name, System.getenv().getOrDefault(name, value)));
        json.put("env", env);
        return json;
    }

    /**
     * How the native libraries behave (the caller's value wins): BLAS worker threads sleep between
     * calls (OpenMP PASSIVE; OpenBLAS stops spinning after 2^4 cycles, the shortest it allows), and
     * glibc's malloc asks for transparent huge pages.
     */
    static final Map<String, String> NATIVE_ENV_DEFAULTS = Map.of("OMP_WAIT_POLICY", "PASSIVE",
            "OPENBLAS_THREAD_TIMEOUT", "4", "GLIBC_TUNABLES", "glibc.malloc.hugetlb=1");

    /** Writes {@code dir/kernel.json} for this JVM's java and the jar this class came from. */
    Path writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        String text = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create()
                .toJson(json(ownJar(), java.toString(), physicalMemory())) + "\n";
        Path target = dir.resolve("kernel.json");
        Path tmp = Files.createTempFile(dir, "kernel", ".json.tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    /** Reads a classpath file (entries separated by ':' or newlines), entries made absolute. */
    static List<Path> readClasspathFile(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("--classpath-file " + file.toAbsolutePath() + " does not exist; build the library first");
        }
        List<Path> entries = new ArrayList<>();
        for (String e : Files.readString(file).split("[" + File.pathSeparator + "\\n\\r]+")) {
            if (!e.isBlank()) {
                entries.add(Path.of(e.strip()).toAbsolutePath().normalize());
            }
        }
        return entries;
    }

    private static Path ownJar() {
        try {
            return Path.of(KernelSpec.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the kernel jar", e);
        }
    }

    private static long physicalMemory() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getTotalMemorySize() : 0L;
    }
}
