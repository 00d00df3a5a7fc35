package org.peerkit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenRangeTest {

    static final int N = 1000;
    @TempDir
    static Path dir;
    static TokenShard shard;

    /** Token i is i mod 300, so a window's first token and the position tell where it starts. */
    @BeforeAll
    static void writeShard() {
        BpeTokenizer tok = BpeTokenizer.train(BpeTokenizerTest.englishLike(5000, 1), 300);
        int[] ids = new int[N];
        for (int i = 0; i < N; i++) {
            ids[i] = i % 300;
        }
        TokenShard.write(dir.resolve("s.tok"), ids, N, tok);
        shard = TokenShard.open(dir.resolve("s.tok"), tok.hash());
    }

    @Test
    void trainingWindowsStayInsideTheirPartAndAreDeterministic() {
        TokenRange[] parts = TokenRange.split(shard, "s", 0.8, 4, 15, 7);
        assertEquals(800, parts[0].to());
        assertEquals(800, parts[1].from());
        assertEquals(N, parts[1].to());
        int[] w = new int[4 * 16];
        int[] again = new int[4 * 16];
        for (int idx = 0; idx < 200; idx++) {
            parts[0].batch(idx, w);
            for (int b = 0; b < 4; b++) {
                int first = w[b * 16];
                // find the window's start: the only start in [0, 800-15] whose token matches and is contiguous
                boolean inside = false;
                for (int s = first; s + 16 <= 800; s += 300) {
                    boolean ok = true;
                    for (int i = 0; i < 16; i++) {
                        ok &= shard.token(s + i) == w[b * 16 + i];
                    }
                    inside |= ok;
                }
                assertTrue(inside, "window " + b + " of batch " + idx + " leaves the training part");
            }
        }
        parts[0].batch(3, w);
        TokenRange.split(shard, "s", 0.8, 4, 15, 7)[0].batch(3, again);
        assertArrayEquals(w, again);
    }

    @Test
    void evaluationWindowsTileTheHeldOutPartInOrder() {
        TokenRange held = TokenRange.split(shard, "s", 0.8, 4, 15, 7)[1];
        assertEquals((200 - 1) / 15, held.evalWindows());
        int[] w = new int[4 * 16];
        long seen = 0;
        for (long i = 0; i < held.evalBatches(); i++) {
            int rows = held.evalBatch(i, w);
            for (int b = 0; b < rows; b++) {
                long start = 800 + (i * 4 + b) * 15;
                assertEquals(shard.token(start), w[b * 16]);
                assertEquals(shard.token(start + 15), w[b * 16 + 15]);
                seen++;
            }
        }
        assertEquals(held.evalWindows(), seen);
    }

    @Test
    void badRangesAreRejectedWithTheirNumbers() {
        assertThrows(IllegalArgumentException.class, () -> TokenRange.split(shard, "s", 1.0, 4, 15, 7));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TokenRange(shard, "s", 0, 10, 4, 15, 7));
        assertTrue(e.getMessage().contains("10 tokens"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TokenRange(shard, "s", 900, 1100, 4, 15, 7));
    }
}
