package org.peerkit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BpeTokenizerTest {

    /** Small English-like training text, built deterministically. */
    static final String TEXT = englishLike(40_000, 1);
    static BpeTokenizer tok;

    @BeforeAll
    static void train() {
        tok = BpeTokenizer.train(TEXT, 600);
    }

    /** Words from a fixed list plus made-up words of 1-3 syllables, so there are many distinct chunks. */
    static String englishLike(int words, long seed) {
        String[] vocab = {"the", "union", "state", "of", "congress", "people", "and", "a", "nation", "shall", "we",
            "government", "public", "year", "citizens", "peace", "war", "treaty", "tax", "law", "1790", "42", "—", "\"",
            "it's", "we'll", "(", ")", ",", ".", ";", ":", "United", "States", "America"};
        String[] syllables = {"ka", "ro", "min", "ta", "vel", "sto", "ph", "ing", "er", "qu", "an", "ex", "ul", "ri", "on", "de"};
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words; i++) {
            if (r.nextBoolean()) {
                sb.append(vocab[r.nextInt(vocab.length)]);
            } else {
                for (int k = 1 + r.nextInt(3); k > 0; k--) {
                    sb.append(syllables[r.nextInt(syllables.length)]);
                }
            }
            sb.append(r.nextInt(20) == 0 ? "\n\n" : r.nextInt(30) == 0 ? "  " : " ");
        }
        return sb.toString();
    }

    @Test
    void learnsTheRequestedNumberOfMerges() {
        assertEquals(600, tok.vocabSize());
        assertEquals(DataFiles.sha256(TEXT.getBytes(StandardCharsets.UTF_8)), tok.trainingTextSha256());
        assertTrue(tok.encode(TEXT).length < TEXT.length() / 2, "merges compress the training text");
    }

    @Test
    void roundTripsTrainingAndUnseenText() {
        for (String s : List.of("", " ", "\n\n\n", "the union", TEXT.substring(0, 5000),
                "Ελληνικά και русский язык, 日本語のテキスト, العربية, हिन्दी", "emoji 🙂👍🏽 🇺🇸 family 👨‍👩‍👧‍👦",
                "tabs\tand\r\nCRLF  \u00a0nbsp\u2028sep", "\u0000\u0001\u007f control", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 math 𝟙𝟚𝟛", "''' ''s 'll")) {
            assertEquals(s, tok.decode(tok.encode(s)), () -> "round trip of '" + s + "'");
        }
    }

    @Test
    void roundTripsRandomValidUnicode() {
        Random r = new Random(7);
        for (int trial = 0; trial < 300; trial++) {
            StringBuilder sb = new StringBuilder();
            int n = r.nextInt(60);
            for (int i = 0; i < n; i++) {
                int cp;
                do {
                    cp = switch (r.nextInt(4)) {
                        case 0 -> r.nextInt(128);
                        case 1 -> r.nextInt(0x800);
                        case 2 -> r.nextInt(0x10000);
                        default -> 0x10000 + r.nextInt(0x100000);
                    };
                } while (cp >= 0xD800 && cp <= 0xDFFF); // lone surrogates are not valid UTF-8 text
                sb.appendCodePoint(cp);
            }
            String s = sb.toString();
            assertEquals(s, tok.decode(tok.encode(s)), () -> "round trip of code points " + s.codePoints().boxed().toList());
        }
    }

    @Test
    void unseenBytesFallBackToByteTokens() {
        int[] ids = tok.encode("😀");
        assertArrayEquals(new int[] {0xF0, 0x9F, 0x98, 0x80}, ids);
    }

    @Test
    void trainingIsDeterministic() {
        BpeTokenizer again = BpeTokenizer.train(TEXT, 600);
        assertEquals(tok.hash(), again.hash());
        BpeTokenizer other = BpeTokenizer.train(englishLike(40_000, 2), 600);
        assertNotEquals(tok.hash(), other.hash(), "another text gives another vocabulary");
    }

    @Test
    void incrementalTrainerMatchesNaiveRecounting() {
        String text = englishLike(3000, 3);
        List<int[]> fast = BpeTrainer.learnMerges(text, 400, n -> { });
        List<int[]> naive = naiveMerges(text, 400 - 256);
        assertEquals(naive.size(), fast.size());
        for (int i = 0; i < naive.size(); i++) {
            assertArrayEquals(naive.get(i), fast.get(i), "merge " + i);
        }
    }

    /** Reference: recount every pair before each merge (slow, obviously correct). */
    static List<int[]> naiveMerges(String text, int n) {
        Map<String, int[]> counts = BpeTrainer.countChunks(text);
        List<int[]> words = new ArrayList<>();
        List<Integer> freq = new ArrayList<>();
        counts.forEach((k, v) -> {
            byte[] b = k.getBytes(StandardCharsets.UTF_8);
            int[] s = new int[b.length];
            for (int i = 0; i < b.length; i++) {
                s[i] = b[i] & 0xFF;
            }
            words.add(s);
            freq.add(v[0]);
        });
        List<int[]> merges = new ArrayList<>();
        for (int m = 0; m < n; m++) {
            Map<Long, Long> pc = new HashMap<>();
            for (int w = 0; w < words.size(); w++) {
                int[] s = words.get(w);
                for (int i = 0; i + 1 < s.length; i++) {
                    pc.merge(BpeTrainer.pair(s[i], s[i + 1]), (long) freq.get(w), Long::sum);
                }
            }
            long best = -1;
            long bestCount = 0;
            for (var e : pc.entrySet()) {
                if (e.getValue() > bestCount || (e.getValue() == bestCount && e.getKey() < best)) {
                    best = e.getKey();
                    bestCount = e.getValue();
                }
            }
            if (best < 0) {
                break;
            }
            int a = (int) (best >>> 32);
            int b = (int) best;
            merges.add(new int[] {a, b});
            for (int w = 0; w < words.size(); w++) {
                words.set(w, BpeTrainer.replace(words.get(w), a, b, 256 + m));
            }
        }
        return merges;
    }

    @Test
    void savesAndLoadsTheSameTokenizer(@TempDir Path dir) {
        Path f = dir.resolve("tokenizer.bpe");
        tok.save(f);
        BpeTokenizer loaded = BpeTokenizer.load(f);
        assertEquals(tok.hash(), loaded.hash());
        assertArrayEquals(tok.encode(TEXT.substring(0, 3000)), loaded.encode(TEXT.substring(0, 3000)));
    }

    @Test
    void rejectsAVocabularyBelow257() {
        var e = assertThrows(IllegalArgumentException.class, () -> BpeTokenizer.train(TEXT, 256));
        assertEquals("vocabSize=256 must be in [257, 65536]: 256 byte tokens plus at least one merge, and ids must fit the shards' 16-bit tokens",
                e.getMessage());
    }

    @Test
    void rejectsACorruptFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("tokenizer.bpe");
        tok.save(f);
        List<String> lines = Files.readAllLines(f);
        Files.write(f, lines.subList(0, lines.size() - 10));
        var e = assertThrows(DataException.class, () -> BpeTokenizer.load(f));
        assertTrue(e.getMessage().startsWith("bad tokenizer file " + f + ": header says vocab_size 600 and 344 merges, file has 334 merge lines (truncated?)"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("delete it and run `environment/peerkit data prepare` to train it again"), e.getMessage());
    }

    @Test
    void missingFileNamesTheCommand(@TempDir Path dir) {
        var e = assertThrows(DataException.class, () -> BpeTokenizer.load(dir.resolve("nope.bpe")));
        assertEquals("missing tokenizer " + dir.resolve("nope.bpe") + ": run `environment/peerkit data prepare`", e.getMessage());
    }
}
