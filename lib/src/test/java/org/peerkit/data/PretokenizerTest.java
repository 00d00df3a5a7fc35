package org.peerkit.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PretokenizerTest {

    static List<String> chunks(String s) {
        List<String> out = new ArrayList<>();
        Pretokenizer.chunks(s, (a, b) -> out.add(s.substring(a, b)));
        return out;
    }

    @Test
    void splitsLikeGpt2() {
        assertEquals(List.of("Hello", ",", " world", "'s", " 1790", "!!", "\n", "\n", "The"), chunks("Hello, world's 1790!!\n\nThe"));
        assertEquals(List.of("a", "  ", " b"), chunks("a   b"));
    }

    @Test
    void chunksCoverTheText() {
        String s = "Ünïcödé 🙂👍🏽\t\u00a0 x\r\n" + "日本語 123abc";
        assertEquals(s, String.join("", chunks(s)));
    }
}
