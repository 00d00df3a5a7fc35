package org.peerkit.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.function.LongConsumer;

/**
 * A byte-level BPE tokenizer: ids 0..255 are the bytes, id {@code 256 + r} is merge {@code r}.
 * Text is cut by {@link Pretokenizer}, each chunk's UTF-8 bytes are merged in rank order. Any
 * UTF-8 string, including scripts and emoji never seen in training, encodes (unseen bytes stay
 * byte tokens), and {@code decode(encode(s)).equals(s)}.
 *
 * <p>Saved as a small versioned text file (header lines, then one merge {@code left right} per
 * line) that names the SHA-256 of the text it was trained on. {@link #hash()} is the SHA-256 of that
 * file's bytes: the "vocabulary hash" every token shard carries, so a shard built with another
 * vocabulary is refused. Instances are immutable and safe to share; {@link #encode} is thread-safe.
 */
public final class BpeTokenizer {

    public static final int FORMAT_VERSION = 1;
    static final String MAGIC_LINE = "#peerkit-bpe v" + FORMAT_VERSION;
    /** Shards store tokens as unsigned 16-bit values. */
    public static final int MAX_VOCAB = 65536;
    public static final int DEFAULT_VOCAB = 4096;

    private final int[][] merges;
    private final String trainingTextSha256;
    private final long trainingTextBytes;
    private final byte[][] tokenBytes;
    private final PairRanks ranks;
    private final String hash;
    private final byte[] fileBytes;

    private BpeTokenizer(List<int[]> merges, String trainingTextSha256, long trainingTextBytes) {
        this.merges = merges.toArray(new int[0][]);
        this.trainingTextSha256 = trainingTextSha256;
        this.trainingTextBytes = trainingTextBytes;
        this.tokenBytes = new byte[256 + this.merges.length][];
        for (int i = 0; i < 256; i++) {
            tokenBytes[i] = new byte[] {(byte) i};
        }
        for (int r = 0; r < this.merges.length; r++) {
            int a = this.merges[r][0];
            int b = this.merges[r][1];
            if (a < 0 || b < 0 || a >= 256 + r || b >= 256 + r) {
                throw new IllegalArgumentException("merge " + r + " = (" + a + ", " + b + ") refers to an id not defined before it");
            }
            tokenBytes[256 + r] = concat(tokenBytes[a], tokenBytes[b]);
        }
        this.ranks = new PairRanks(this.merges);
        this.fileBytes = serialize().getBytes(StandardCharsets.UTF_8);
        this.hash = DataFiles.sha256(fileBytes);
    }

    /**
     * Trains on {@code trainingText} (the training split only) to {@code vocabSize} ids.
     *
     * @param onMerge receives the number of merges done (progress); may be {@code n -> {}}
     */
    public static BpeTokenizer train(String trainingText, int vocabSize, IntConsumer onMerge) {
        byte[] utf8 = trainingText.getBytes(StandardCharsets.UTF_8);
        List<int[]> merges = BpeTrainer.learnMerges(trainingText, vocabSize, onMerge);
        return new BpeTokenizer(merges, DataFiles.sha256(utf8), utf8.length);
    }

    public static BpeTokenizer train(String trainingText, int vocabSize) {
        return train(trainingText, vocabSize, n -> { });
    }

    /** Rejects sizes that cannot hold the 256 byte tokens plus a merge, or do not fit 16 bits. */
    public static void checkVocabSize(int vocabSize) {
        if (vocabSize < 257 || vocabSize > MAX_VOCAB) {
            throw new IllegalArgumentException("vocabSize=" + vocabSize + " must be in [257, " + MAX_VOCAB
                    + "]: 256 byte tokens plus at least one merge, and ids must fit the shards' 16-bit tokens");
        }
    }

    /** Number of ids: 256 + merges (may be below the requested size if the text ran out of pairs). */
    public int vocabSize() {
        return tokenBytes.length;
    }

    /** SHA-256 of the saved file: identifies this vocabulary. */
    public String hash() {
        return hash;
    }

    public String trainingTextSha256() {
        return trainingTextSha256;
    }

    public long trainingTextBytes() {
        return trainingTextBytes;
    }

    /** The bytes token {@code id} stands for (a copy). */
    public byte[] bytesOf(int id) {
        return tokenBytes[id].clone();
    }

    public int[] encode(String text) {
        IntArray out = new IntArray(Math.max(16, text.length() / 3));
        encode(text, out);
        return out.toArray();
    }

    /** Appends the ids of {@code text} to {@code out}; repeated chunks hit a per-call cache. */
    public void encode(CharSequence text, IntArray out) {
        encode(text, out, done -> { });
    }

    /**
     * As {@link #encode(CharSequence, IntArray)}, reporting the characters done about every 64 k
     * characters (for a progress bar).
     */
    public void encode(CharSequence text, IntArray out, LongConsumer charsDone) {
        Map<String, int[]> cache = new HashMap<>();
        long[] reported = {0};
        Pretokenizer.chunks(text, (s, e) -> {
            if (e - reported[0] >= 65536) {
                reported[0] = e;
                charsDone.accept(e);
            }
            String chunk = text.subSequence(s, e).toString();
            int[] ids = cache.get(chunk);
            if (ids == null) {
                ids = encodeChunk(chunk.getBytes(StandardCharsets.UTF_8));
                if (cache.size() < 500_000) {
                    cache.put(chunk, ids);
                }
            }
            out.addAll(ids);
        });
        charsDone.accept(text.length());
    }

    /** Applies the merges to one chunk: repeatedly merge the lowest-ranked adjacent pair present. */
    int[] encodeChunk(byte[] bytes) {
        int[] s = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            s[i] = bytes[i] & 0xFF;
        }
        while (s.length > 1) {
            int bestRank = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < s.length; i++) {
                bestRank = Math.min(bestRank, ranks.rank(s[i], s[i + 1]));
            }
            if (bestRank == Integer.MAX_VALUE) {
                break;
            }
            s = BpeTrainer.replace(s, merges[bestRank][0], merges[bestRank][1], 256 + bestRank);
        }
        return s;
    }

    public String decode(int[] ids) {
        return decode(ids, 0, ids.length);
    }

    /**
     * Decodes {@code ids[from, from+len)}. A slice that cuts a multi-byte character gives U+FFFD
     * for the broken bytes; a whole encoded text always decodes exactly.
     */
    public String decode(int[] ids, int from, int len) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(len * 4);
        for (int i = from; i < from + len; i++) {
            int id = ids[i];
            if (id < 0 || id >= tokenBytes.length) {
                throw new IllegalArgumentException("token id " + id + " at position " + i + " is outside [0, " + tokenBytes.length + ")");
            }
            out.writeBytes(tokenBytes[id]);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Writes the tokenizer file atomically. */
    public void save(Path file) {
        DataFiles.writeAtomically(file, out -> out.write(fileBytes));
    }

    /** Reads a file written by {@link #save}; errors name the file and what to do. */
    public static BpeTokenizer load(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new DataException("missing tokenizer " + file + ": run `environment/peerkit data prepare`");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizer " + file + ": " + e.getMessage(), e);
        }
        try {
            return parse(lines);
        } catch (RuntimeException e) {
            throw new DataException("bad tokenizer file " + file + ": " + e.getMessage()
                    + "; delete it and run `environment/peerkit data prepare` to train it again", e);
        }
    }

    private static BpeTokenizer parse(List<String> lines) {
        if (lines.isEmpty() || !lines.get(0).equals(MAGIC_LINE)) {
            throw new IllegalArgumentException("first line is '" + (lines.isEmpty() ? "" : lines.get(0))
                    + "', expected '" + MAGIC_LINE + "'");
        }
        int vocab = Integer.parseInt(field(lines, 1, "vocab_size"));
        String pre = field(lines, 2, "pretokenizer");
        if (!pre.equals(Pretokenizer.NAME)) {
            throw new IllegalArgumentException("pretokenizer '" + pre + "' is not " + Pretokenizer.NAME);
        }
        String sha = field(lines, 3, "training_text_sha256");
        long textBytes = Long.parseLong(field(lines, 4, "training_text_bytes"));
        int n = Integer.parseInt(field(lines, 5, "merges"));
        if (n != vocab - 256 || lines.size() != 6 + n) {
            throw new IllegalArgumentException("header says vocab_size " + vocab + " and " + n + " merges, file has "
                    + (lines.size() - 6) + " merge lines (truncated?)");
        }
        List<int[]> merges = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String[] ab = lines.get(6 + i).split(" ");
            merges.add(new int[] {Integer.parseInt(ab[0]), Integer.parseInt(ab[1])});
        }
        return new BpeTokenizer(merges, sha, textBytes);
    }

    private static String field(List<String> lines, int i, String key) {
        if (lines.size() <= i || !lines.get(i).startsWith(key + " ")) {
            throw new IllegalArgumentException("line " + (i + 1) + " should be '" + key + " <value>'");
        }
        return lines.get(i).substring(key.length() + 1);
    }

    private String serialize() {
        StringBuilder sb = new StringBuilder(merges.length * 10 + 200);
        sb.append(MAGIC_LINE).append('\n')
          .append("vocab_size ").append(256 + merges.length).append('\n')
          .append("pretokenizer ").append(Pretokenizer.NAME).append('\n')
          .append("training_text_sha256 ").append(trainingTextSha256).append('\n')
          .append("training_text_bytes ").append(trainingTextBytes).append('\n')
          .append("merges ").append(merges.length).append('\n');
        for (int[] m : merges) {
            sb.append(m[0]).append(' ').append(m[1]).append('\n');
        }
        return sb.toString();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
