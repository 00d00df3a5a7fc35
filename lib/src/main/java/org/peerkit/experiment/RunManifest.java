package org.peerkit.experiment;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.peerkit.tensor.Backend;
import org.peerkit.tensor.Simd;

/**
 * Provenance of a run (manifest.json): what code, machine and data produced it. Not part of the
 * spec hash: the same spec run on another machine is the same experiment; the manifest says where
 * it ran. A resume checks that the data fingerprint still matches.
 *
 * @param peerkitVersion the jar's Implementation-Version, "dev" from classes
 * @param gitSha commit of the project checkout, "unknown" outside git
 * @param specSha256 full SHA-256 of the canonical spec (the folder name is its first 16 digits)
 * @param backend ND4J backend started in this JVM
 * @param threads processors the JVM sees, and OMP_NUM_THREADS if set. Results are bit-exact for
 *     the same ND4J/OpenBLAS thread count (OMP_NUM_THREADS, or ND4J's default on the same machine)
 *     whatever the processors the JVM sees: the Java kernels split their sums into a fixed number
 *     of parts ({@code ThreadCountDeterminismTest}), so a sweep member trained beside others
 *     ({@code peerkit sweep --jobs}) equals one trained alone; OpenBLAS's sgemm and ND4J's
 *     reductions give other bits on another OpenMP thread count. It also names the float kernels'
 *     path ({@code tensor.Simd}): the vector and scalar paths sum in other orders, so a run resumed
 *     in a JVM without {@code --add-modules=jdk.incubator.vector} leaves its curve in the last bits.
 * @param jvm vendor, name and version
 * @param os name, version, architecture
 * @param createdAt when the run dir was made (ISO-8601)
 * @param data data fingerprint: source, tokenizer hash, training-text hash, each split's shard hash
 * @param totalParams parameters of the built model
 * @param activeParams parameters a token uses
 * @param trainingFlopsPerToken 3 × forward FLOPs per token (FlopCount convention)
 * @param steps optimiser steps the budget buys
 */
public record RunManifest(int formatVersion, String peerkitVersion, String gitSha, String specSha256, String backend,
        String threads, String jvm, String os, String createdAt, Map<String, String> data, long totalParams,
        long activeParams, long trainingFlopsPerToken, long steps) {

    public static final int VERSION = 1;
    private static volatile String cachedGitSha;

    /** The manifest of a run of {@code spec} starting now in this JVM. */
    static RunManifest capture(RunSpec spec, Map<String, String> data, long totalParams, long activeParams,
            long flopsPerToken, long steps) {
        String version = Optional.ofNullable(RunManifest.class.getPackage().getImplementationVersion()).orElse("dev");
        String omp = System.getenv("OMP_NUM_THREADS");
        String threads = Runtime.getRuntime().availableProcessors() + " processors"
                + (omp == null ? "" : ", OMP_NUM_THREADS=" + omp) + ", float kernels " + Simd.describe();
        String jvm = System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.version");
        String os = System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch");
        return new RunManifest(VERSION, version, currentGitSha(), SpecJson.sha256(spec.toJson()),
                Backend.current().map(Enum::name).orElse("not started"), threads, jvm, os, Instant.now().toString(),
                Map.copyOf(data), totalParams, activeParams, flopsPerToken, steps);
    }

    /** {@code git rev-parse HEAD} in the project root, once per JVM; "unknown" if git or the checkout is missing. */
    static String currentGitSha() {
        if (cachedGitSha == null) {
            String sha = "unknown";
            try {
                Path root = RunStore.projectRoot();
                Process p = new ProcessBuilder("git", "-C", root.toString(), "rev-parse", "HEAD")
                        .redirectErrorStream(true).start();
                if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    sha = new String(p.getInputStream().readAllBytes()).trim();
                } else {
                    p.destroyForcibly();
                }
            } catch (Exception e) {
                // no git, or not in a checkout: the manifest says "unknown"
            }
            cachedGitSha = sha;
        }
        return cachedGitSha;
    }
}
