package org.peerkit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenShardTest {

    static BpeTokenizer tok;
    static BpeTokenizer other;
    static final String FIX = "; delete it and run `environment/peerkit data prepare` to rebuild it";

    @BeforeAll
    static void train() {
        tok = BpeTokenizer.train(BpeTokenizerTest.englishLike(5000, 1), 300);
        other = BpeTokenizer.train(BpeTokenizerTest.englishLike(5000, 2), 300);
    }

    static Path writeShard(Path dir, int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = (i * 7) % tok.vocabSize();
        }
        Path f = dir.resolve("s.tok");
        TokenShard.write(f, ids, n, tok);
        return f;
    }

    @Test
    void writesAndMapsTokens(@TempDir Path dir) throws Exception {
        int[] ids = tok.encode("the union shall have peace");
        Path f = dir.resolve("a.tok");
        TokenShard.write(f, ids, ids.length, tok);
        TokenShard s = TokenShard.open(f, tok.hash());
        assertEquals(ids.length, s.tokenCount());
        assertEquals(tok.vocabSize(), s.vocabSize());
        assertEquals(tok.hash(), s.vocabHash());
        assertArrayEquals(ids, s.toArray());
        assertEquals(TokenShard.HEADER_BYTES + 2L * ids.length, Files.size(f));
        try (var list = Files.list(dir)) {
            assertEquals(1, list.count(), "no temp file left behind");
        }
    }

    @Test
    void rejectsBadMagic(@TempDir Path dir) throws Exception {
        Path f = writeShard(dir, 100);
        String refusal = refusal(f, raf -> raf.write("NOTASHRD".getBytes()));
        assertEquals("token shard " + f + " has bad magic 'NOTASHRD', expected 'PEERTOKS': not a PEERkit token shard" + FIX, refusal);
    }

    @Test
    void rejectsATruncatedShard(@TempDir Path dir) throws Exception {
        Path f = writeShard(dir, 100);
        String refusal = refusal(f, raf -> raf.setLength(64 + 150));
        assertEquals("token shard " + f + " is truncated: header says 100 tokens (264 bytes) but the file has 214 bytes" + FIX, refusal);
    }

    @Test
    void rejectsAShardShorterThanItsHeader(@TempDir Path dir) throws Exception {
        Path f = writeShard(dir, 100);
        String refusal = refusal(f, raf -> raf.setLength(10));
        assertEquals("token shard " + f + " is truncated: 10 bytes, shorter than the 64-byte header" + FIX, refusal);
    }

    @Test
    void rejectsAShardOfAnotherVocabulary(@TempDir Path dir) {
        Path f = writeShard(dir, 100);
        var e = assertThrows(DataException.class, () -> TokenShard.open(f, other.hash()));
        assertEquals("token shard " + f + " was built with vocabulary " + tok.hash() + " but the tokenizer in use is " + other.hash() + FIX,
                e.getMessage());
    }

    /** A flipped id byte: named by shard and position when out of range, by hash when in range. */
    @Test
    void aFlippedTokenIsCaughtByItsRangeOrByTheRecordedHash(@TempDir Path dir) throws Exception {
        Path f = writeShard(dir, 100);
        String clean = TokenShard.open(f, tok.hash()).sha256();
        assertEquals(DataFiles.sha256(f), clean);
        String refusal = refusal(f, raf -> {
            raf.seek(64 + 2 * 10 + 1);
            raf.write(0x7f);  // id at position 10 becomes 0x7f.. ≥ 300
        });
        assertEquals("token shard " + f + " holds id " + (0x7f00 | 70) + " at position 10, outside its vocabulary of "
                + tok.vocabSize() + " ids: the shard is corrupt" + FIX, refusal);
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.seek(64 + 2 * 10 + 1);
            raf.write(0);
            raf.seek(64 + 2 * 10);
            raf.write(71);  // an in-range id: only the hash sees it
        }
        TokenShard quiet = TokenShard.open(f, tok.hash());
        assertFalse(quiet.sha256().equals(clean));
        var e = assertThrows(DataException.class, () -> TokenShard.open(f, tok.hash(), clean));
        assertEquals("token shard " + f + " is corrupt: its SHA-256 is " + quiet.sha256().substring(0, 12)
                + "…, the data manifest recorded " + clean.substring(0, 12) + "…" + FIX, e.getMessage());
    }

    @Test
    void rejectsAMissingShard(@TempDir Path dir) {
        var e = assertThrows(DataException.class, () -> TokenShard.open(dir.resolve("x.tok"), tok.hash()));
        assertEquals("missing token shard " + dir.resolve("x.tok") + ": run `environment/peerkit data prepare`", e.getMessage());
    }

    @Test
    void refusesIdsOutsideTheVocabularyAndKeepsNothing(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.tok");
        var e = assertThrows(RuntimeException.class, () -> TokenShard.write(f, new int[] {1, 2, 300}, 3, tok));
        assertEquals("token id 300 at position 2 is outside [0, 300)", e.getMessage());
        assertFalse(Files.exists(f));
        try (var list = Files.list(dir)) {
            assertEquals(0, list.count(), "the temp file was removed");
        }
    }

    /** Bytes written over a shard on disk. */
    private interface Damage {
        void apply(RandomAccessFile raf) throws IOException;
    }

    /** The message {@link TokenShard#open} refuses shard {@code f} with after {@code damage}. */
    private static String refusal(Path f, Damage damage) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            damage.apply(raf);
        }
        return assertThrows(DataException.class, () -> TokenShard.open(f, tok.hash())).getMessage();
    }
}
