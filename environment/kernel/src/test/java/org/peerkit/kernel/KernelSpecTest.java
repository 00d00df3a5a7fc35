package org.peerkit.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelSpecTest {
    @TempDir
    Path tmp;

    @Test
    void jsonStartsTheKernelWithAbsolutePathsAndMessageInterrupts() {
        Path startup = tmp.resolve("startup.jsh").toAbsolutePath();
        KernelSpec spec = new KernelSpec("java", "Java (PEERkit)", List.of(Path.of("/repo/lib/target/classes")),
                startup, List.of("-Xmx4g"));
        Map<String, Object> json = spec.json(Path.of("/k/peerkit-kernel.jar"), "/jdk/bin/java", 16L << 30);
        @SuppressWarnings("unchecked")
        List<String> argv = (List<String>) json.get("argv");
        assertEquals(List.of("/jdk/bin/java", "-Djava.awt.headless=true", "--add-modules=jdk.incubator.vector",
                "-Dorg.bytedeco.javacpp.maxbytes=12g", "-Dorg.bytedeco.javacpp.maxphysicalbytes=16g", "-Xmx4g",
                "-cp", "/k/peerkit-kernel.jar:/repo/lib/target/classes",
                "org.peerkit.kernel.KernelMain", "run", "{connection_file}"), argv);
        assertEquals("message", json.get("interrupt_mode"));
        assertEquals("java", json.get("language"));
        assertEquals(Map.of(KernelMain.STARTUP_ENV, startup.toString(),
                "OMP_WAIT_POLICY", System.getenv().getOrDefault("OMP_WAIT_POLICY", "PASSIVE"),
                "OPENBLAS_THREAD_TIMEOUT", System.getenv().getOrDefault("OPENBLAS_THREAD_TIMEOUT", "4"),
                "GLIBC_TUNABLES", System.getenv().getOrDefault("GLIBC_TUNABLES", "glibc.malloc.hugetlb=1")), json.get("env"));
    }

    @Test
    void writesKernelJsonAndReadsClasspathFiles() throws Exception {
        Path cpFile = tmp.resolve("classpath.txt");
        Files.writeString(cpFile, "/a/x.jar:/b/y.jar\n");
        List<Path> cp = KernelSpec.readClasspathFile(cpFile);
        assertEquals(List.of(Path.of("/a/x.jar"), Path.of("/b/y.jar")), cp);
        Path written = new KernelSpec("peerkit-java-dev", "Java (dev)", cp, null, List.of()).writeTo(tmp.resolve("spec"));
        String text = Files.readString(written);
        assertTrue(text.contains("\"interrupt_mode\": \"message\"") && text.contains("/a/x.jar:/b/y.jar"), text);
        try (var files = Files.list(tmp.resolve("spec"))) {
            assertEquals(List.of(written), files.toList(), "no temp file left behind");
        }
    }

    @Test
    void badInputIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new KernelSpec("my kernel", "x", List.of(), null, List.of()));
        assertEquals("--name 'my kernel' is not a kernel name: use letters, digits, . _ -", e.getMessage());
        Exception missing = assertThrows(Exception.class, () -> KernelSpec.readClasspathFile(tmp.resolve("none.txt")));
        assertTrue(missing.getMessage().contains("none.txt does not exist"), missing.getMessage());
    }
}
