package org.peerkit.data;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One split's tokens, encoded once and memory-mapped: reading a window copies only that window,
 * never the corpus, into the heap.
 *
 * <p>File layout (little-endian), {@value #HEADER_BYTES}-byte header then the tokens:
 * <pre>
 *  0  8 bytes  magic "PEERTOKS"
 *  8  int32    format version ({@value #VERSION})
 * 12  int32    vocabulary size
 * 16  int64    token count N
 * 24  32 bytes SHA-256 of the tokenizer file ({@link BpeTokenizer#hash()})
 * 56  8 bytes  zero
 * 64  N × uint16 token ids
 * </pre>
 */
public final class TokenShard {

    public static final int HEADER_BYTES = 64;
    public static final int VERSION = 1;
    static final byte[] MAGIC = "PEERTOKS".getBytes(StandardCharsets.US_ASCII);

    private final Path file;
    private final int vocabSize;
    private final long tokenCount;
    private final String vocabHash;
    private final String sha256;
    private final ByteBuffer tokens;

    private TokenShard(Path file, int vocabSize, long tokenCount, String vocabHash, String sha256, ByteBuffer tokens) {
        this.file = file;
        this.vocabSize = vocabSize;
        this.tokenCount = tokenCount;
        this.vocabHash = vocabHash;
        this.sha256 = sha256;
        this.tokens = tokens;
    }

    /** Writes {@code ids} atomically (temp + fsync + rename); every id must be below the vocabulary size. */
    public static void write(Path file, int[] ids, int count, BpeTokenizer tokenizer) {
        int vocab = tokenizer.vocabSize();
        byte[] hash = HexFormat.of().parseHex(tokenizer.hash());
        DataFiles.writeAtomically(file, raw -> {
            var out = new BufferedOutputStream(raw, 1 << 16);
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            header.put(MAGIC).putInt(VERSION).putInt(vocab).putLong(count).put(hash);
            out.write(header.array());
            byte[] buf = new byte[2];
            for (int i = 0; i < count; i++) {
                int id = ids[i];
                if (id < 0 || id >= vocab) {
                    throw new IllegalArgumentException("token id " + id + " at position " + i + " is outside [0, " + vocab + ")");
                }
                buf[0] = (byte) id;
                buf[1] = (byte) (id >>> 8);
                out.write(buf);
            }
            out.flush();
        });
    }

    /**
     * Maps a shard, checks its header against the tokenizer it must have been built with, and reads
     * every id once: each must lie below the header's vocabulary size, and the file's SHA-256 is
     * taken on the way ({@link #sha256()}).
     *
     * @param expectedVocabHash {@link BpeTokenizer#hash()} of the tokenizer in use
     * @throws DataException naming the file and what to do if it is missing, truncated, not a
     *                       shard, of another version, built with another vocabulary, or holds an
     *                       id outside its vocabulary
     */
    public static TokenShard open(Path file, String expectedVocabHash) {
        return open(file, expectedVocabHash, null);
    }

    /**
     * As {@link #open(Path, String)}, and the file's SHA-256 must equal {@code expectedSha256}
     * (recorded when the shard was written; null skips the comparison).
     */
    public static TokenShard open(Path file, String expectedVocabHash, String expectedSha256) {
        String fix = "; delete it and run `environment/peerkit data prepare` to rebuild it";
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < HEADER_BYTES) {
                throw new DataException("token shard " + file + " is truncated: " + size + " bytes, shorter than the "
                        + HEADER_BYTES + "-byte header" + fix);
            }
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, 0, Math.min(size, Integer.MAX_VALUE));
            map.order(ByteOrder.LITTLE_ENDIAN);
            byte[] magic = new byte[MAGIC.length];
            map.get(0, magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new DataException("token shard " + file + " has bad magic '" + printable(magic) + "', expected 'PEERTOKS': not a PEERkit token shard" + fix);
            }
            int version = map.getInt(8);
            if (version != VERSION) {
                throw new DataException("token shard " + file + " has format version " + version + ", this build reads version " + VERSION + fix);
            }
            int vocab = map.getInt(12);
            long count = map.getLong(16);
            byte[] hash = new byte[32];
            map.get(24, hash);
            String hashHex = HexFormat.of().formatHex(hash);
            long expectedSize = HEADER_BYTES + 2 * count;
            if (count < 0 || size < expectedSize) {
                throw new DataException("token shard " + file + " is truncated: header says " + count + " tokens ("
                        + expectedSize + " bytes) but the file has " + size + " bytes" + fix);
            }
            if (size > expectedSize) {
                throw new DataException("token shard " + file + " has " + (size - expectedSize) + " bytes after its "
                        + count + " tokens" + fix);
            }
            if (expectedSize > Integer.MAX_VALUE) {
                throw new DataException("token shard " + file + " has " + count + " tokens; shards over 2 GB are not supported, split the text");
            }
            if (expectedVocabHash != null && !hashHex.equals(expectedVocabHash)) {
                throw new DataException("token shard " + file + " was built with vocabulary " + hashHex
                        + " but the tokenizer in use is " + expectedVocabHash + fix);
            }
            ByteBuffer tokens = map.slice(HEADER_BYTES, (int) (2 * count)).order(ByteOrder.LITTLE_ENDIAN);
            checkIds(file, tokens, vocab, fix);
            String sha = checkSha256(file, map.slice(0, (int) expectedSize), expectedSha256, fix);
            return new TokenShard(file, vocab, count, hashHex, sha, tokens);
        } catch (NoSuchFileException e) {
            throw new DataException("missing token shard " + file + ": run `environment/peerkit data prepare`");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read token shard " + file + ": " + e.getMessage(), e);
        }
    }

    /** The file's SHA-256, which must equal {@code expected} when one is given. */
    private static String checkSha256(Path file, ByteBuffer whole, String expected, String fix) {
        String sha = DataFiles.sha256(whole);
        if (expected != null && !sha.equals(expected)) {
            throw new DataException("token shard " + file + " is corrupt: its SHA-256 is " + sha.substring(0, 12)
                    + "…, the data manifest recorded " + expected.substring(0, 12) + "…" + fix);
        }
        return sha;
    }

    /** Every id must lie in [0, vocab): a flipped byte would otherwise reach the model as a valid-looking id. */
    private static void checkIds(Path file, ByteBuffer tokens, int vocab, String fix) {
        int n = tokens.limit() / 2;
        for (int i = 0; i < n; i++) {
            int id = Short.toUnsignedInt(tokens.getShort(2 * i));
            if (id >= vocab) {
                throw new DataException("token shard " + file + " holds id " + id + " at position " + i
                        + ", outside its vocabulary of " + vocab + " ids: the shard is corrupt" + fix);
            }
        }
    }

    public Path file() {
        return file;
    }

    public int vocabSize() {
        return vocabSize;
    }

    public long tokenCount() {
        return tokenCount;
    }

    public String vocabHash() {
        return vocabHash;
    }

    /** SHA-256 of the whole file (header and tokens), as recorded in the data manifest. */
    public String sha256() {
        return sha256;
    }

    public int token(long i) {
        checkRange(i, 1);
        return Short.toUnsignedInt(tokens.getShort((int) (2 * i)));
    }

    /** Copies tokens {@code [start, start+len)} into {@code dst[off, off+len)}. */
    public void read(long start, int[] dst, int off, int len) {
        checkRange(start, len);
        int p = (int) (2 * start);
        for (int i = 0; i < len; i++) {
            dst[off + i] = Short.toUnsignedInt(tokens.getShort(p + 2 * i));
        }
    }

    /** All tokens as an array (for tests and small splits; batches never need this). */
    public int[] toArray() {
        int[] all = new int[Math.toIntExact(tokenCount)];
        read(0, all, 0, all.length);
        return all;
    }

    private void checkRange(long start, int len) {
        if (start < 0 || len < 0 || start + len > tokenCount) {
            throw new IndexOutOfBoundsException("tokens [" + start + ", " + (start + len) + ") outside [0, " + tokenCount + ") of " + file);
        }
    }

    private static String printable(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(x >= 32 && x < 127 ? (char) x : '?');
        }
        return sb.toString();
    }
}
