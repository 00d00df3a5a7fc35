package org.peerkit.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the recipe and the downloaded data live.
 *
 * <ul>
 *   <li>{@code root}: the project root, holding {@code datasets/SHA256SUMS}. Found from the system
 *       property {@code peerkit.root} (the launcher sets it), the environment variable
 *       {@code PEERKIT_ROOT}, or else by walking up from the working directory (so notebooks in
 *       {@code notebooks/} and tests in {@code lib/} find it).</li>
 *   <li>{@code cache}: downloaded archives and prepared data. {@code PEERKIT_DATA} (or the system
 *       property {@code peerkit.data}), default {@code <root>/datasets/cache}, which is git-ignored.</li>
 * </ul>
 */
public record DataLocation(Path sha256sums, Path cache) {

    public DataLocation {
        Objects.requireNonNull(sha256sums, "sha256sums");
        Objects.requireNonNull(cache, "cache");
        sha256sums = sha256sums.toAbsolutePath().normalize();
        cache = cache.toAbsolutePath().normalize();
    }

    /** The default location, from the system properties and environment described above. */
    public static DataLocation fromEnvironment() {
        Path root = projectRoot();
        String data = firstNonBlank(System.getProperty("peerkit.data"), System.getenv("PEERKIT_DATA"));
        Path cache = data != null ? Path.of(data) : root.resolve("datasets").resolve("cache");
        return new DataLocation(root.resolve("datasets").resolve("SHA256SUMS"), cache);
    }

    public Path archives() {
        return cache.resolve("archives");
    }

    public Path textDir() {
        return cache.resolve("text");
    }

    /** The folder of everything built with one vocabulary size: tokenizer, shards, manifest. */
    public Path vocabDir(int vocabSize) {
        return cache.resolve("bpe-" + vocabSize);
    }

    /** The project root (the folder holding {@code datasets/SHA256SUMS}), found as described above. */
    public static Path projectRoot() {
        String explicit = firstNonBlank(System.getProperty("peerkit.root"), System.getenv("PEERKIT_ROOT"));
        if (explicit != null) {
            Path root = Path.of(explicit).toAbsolutePath().normalize();
            if (!Files.isRegularFile(root.resolve("datasets/SHA256SUMS"))) {
                throw new DataException("PEERKIT_ROOT/peerkit.root=" + root + " has no datasets/SHA256SUMS: point it at the PEERkit project root");
            }
            return root;
        }
        Path start = Path.of("").toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("datasets/SHA256SUMS"))) {
                return p;
            }
        }
        throw new DataException("cannot find the PEERkit project root (a folder with datasets/SHA256SUMS) above " + start
                + ": run from inside the project, or set PEERKIT_ROOT");
    }

    private static String firstNonBlank(String a, String b) {
        if (a != null && !a.isBlank()) {
            return a;
        }
        return b != null && !b.isBlank() ? b : null;
    }
}
