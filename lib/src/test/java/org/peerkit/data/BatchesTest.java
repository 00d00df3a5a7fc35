package org.peerkit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchesTest {

    static final int N = 1000;
    @TempDir
    static Path dir;
    static TokenShard shard;

    /** Start of each 4-token prefix: tokens are random, so a window's first tokens tell where it starts. */
    static final Map<List<Integer>, Integer> START = new HashMap<>();

    @BeforeAll
    static void writeShard() {
        BpeTokenizer tok = BpeTokenizer.train(BpeTokenizerTest.englishLike(5000, 1), 300);
        Random r = new Random(5);
        int[] ids = new int[N];
        for (int i = 0; i < N; i++) {
            ids[i] = r.nextInt(300);
        }
        for (int i = 0; i + 4 <= N; i++) {
            assertEquals(null, START.put(List.of(ids[i], ids[i + 1], ids[i + 2], ids[i + 3]), i), "prefixes are unique");
        }
        TokenShard.write(dir.resolve("s.tok"), ids, N, tok);
        shard = TokenShard.open(dir.resolve("s.tok"), tok.hash());
    }

    @Test
    void trainingBatchesAreDeterministicPerSeedAndIndex() {
        Batches a = new Batches(shard, "s", 4, 16, 42);
        Batches b = new Batches(shard, "s", 4, 16, 42);
        Batches c = new Batches(shard, "s", 4, 16, 43);
        int[] x = new int[4 * 17];
        int[] y = new int[4 * 17];
        int[] z = new int[4 * 17];
        a.batch(7, x);
        b.batch(3, y);
        b.batch(7, y); // random access: order of calls does not matter
        c.batch(7, z);
        assertArrayEquals(x, y);
        assertFalse(Arrays.equals(x, z), "another seed, other windows");
        a.batch(8, y);
        assertFalse(Arrays.equals(x, y), "another index, other windows");
    }

    @Test
    void trainingWindowsAreContiguousSlicesInsideTheSplit() {
        Batches a = new Batches(shard, "s", 8, 31, 1);
        int[] buf = new int[8 * 32];
        int[] all = shard.toArray();
        boolean sawLastStart = false;
        for (long i = 0; i < 2000; i++) {
            a.batch(i, buf);
            for (int r = 0; r < 8; r++) {
                int[] row = Arrays.copyOfRange(buf, r * 32, r * 32 + 32);
                int start = startOf(all, row);
                assertTrue(start >= 0 && start + 32 <= N, "window inside [0, N)");
                sawLastStart |= start == N - 32;
            }
        }
        assertTrue(sawLastStart, "the last valid start is reachable");
    }

    private static int startOf(int[] all, int[] row) {
        int s = START.get(List.of(row[0], row[1], row[2], row[3]));
        return Arrays.equals(Arrays.copyOfRange(all, s, s + row.length), row) ? s : -1;
    }

    @Test
    void evalWindowsAreSequentialAndNonOverlapping() {
        Batches e = new Batches(shard, "s", 3, 100, 0);
        assertEquals(9, e.evalWindows()); // floor(999 / 100)
        assertEquals(3, e.evalBatches());
        int[] buf = new int[3 * 101];
        int[] all = shard.toArray();
        long window = 0;
        for (long i = 0; i < e.evalBatches(); i++) {
            int rows = e.evalBatch(i, buf);
            for (int r = 0; r < rows; r++, window++) {
                int start = (int) (window * 100);
                assertArrayEquals(Arrays.copyOfRange(all, start, start + 101), Arrays.copyOfRange(buf, r * 101, r * 101 + 101));
            }
        }
        assertEquals(9, window);
        Batches partial = new Batches(shard, "s", 4, 100, 0);
        assertEquals(1, partial.evalBatch(2, new int[4 * 101]), "the last batch holds the one remaining window");
    }

    @Test
    void rejectsASequenceLongerThanTheSplit() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Batches(shard, "valid", 2, 1000, 0));
        assertEquals("seqLen=1000 is longer than split 'valid' allows: a window needs 1001 tokens but the split has 1000; use a shorter seqLen",
                e.getMessage());
    }

    @Test
    void rejectsAWrongBufferAndBadIndices() {
        Batches a = new Batches(shard, "s", 2, 10, 0);
        var e = assertThrows(IllegalArgumentException.class, () -> a.batch(0, new int[21]));
        assertEquals("tokensBT1.length=21 must be B*(T+1) = 2*11 = 22", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> a.batch(-1, new int[22]));
        assertEquals("batch index=-1 must be non-negative", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> a.evalBatch(a.evalBatches(), new int[22]));
        assertEquals("eval batch index=50 outside [0, 50) of split 's'", e.getMessage());
    }
}
