package org.peerkit.data;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.IntConsumer;

/**
 * Trains a byte-level BPE (Sennrich et al. 2016; GPT-2's byte-level variant): start from the 256
 * byte values, repeatedly merge the most frequent adjacent pair inside pre-tokenised chunks.
 *
 * <p>Written by hand because no library served here trains BPE in Java: jtokkit
 * ({@code com.knuddels:jtokkit}) only encodes with fixed OpenAI vocabularies; DJL's
 * {@code ai.djl.huggingface:tokenizers} 0.38.0 wraps the Rust library through JNI (an 18 MB jar
 * with native code) and exposes loading and encoding, but no trainer
 * ({@code TokenizersLibrary} has {@code createTokenizer}/{@code createBpeTokenizer}, nothing that
 * trains).
 *
 * <p>Speed: training works on distinct chunks with their counts, keeps pair counts and a
 * pair → chunks index up to date incrementally after each merge (only the chunks that contain the
 * merged pair are touched), and finds the best pair with a lazily-updated priority queue, instead
 * of recounting all pairs per merge.
 *
 * <p>Determinism: ties between equally frequent pairs go to the smaller (left, right) id pair, so the
 * merges depend only on the text and the vocabulary size.
 */
public final class BpeTrainer {

    private BpeTrainer() {
    }

    /**
     * Learns {@code vocabSize - 256} merges from {@code text} (fewer if the text runs out of pairs).
     *
     * @param onMerge called with the number of merges done so far (for a progress bar)
     */
    public static List<int[]> learnMerges(CharSequence text, int vocabSize, IntConsumer onMerge) {
        BpeTokenizer.checkVocabSize(vocabSize);
        Map<String, int[]> counts = countChunks(text);
        int n = counts.size();
        int[][] words = new int[n][];
        long[] freq = new long[n];
        int w = 0;
        for (Map.Entry<String, int[]> e : counts.entrySet()) {
            byte[] b = e.getKey().getBytes(StandardCharsets.UTF_8);
            int[] s = new int[b.length];
            for (int i = 0; i < b.length; i++) {
                s[i] = b[i] & 0xFF;
            }
            words[w] = s;
            freq[w++] = e.getValue()[0];
        }
        return new Run(words, freq).merge(vocabSize - 256, onMerge);
    }

    static Map<String, int[]> countChunks(CharSequence text) {
        Map<String, int[]> counts = new HashMap<>();
        Pretokenizer.chunks(text, (s, e) -> counts.computeIfAbsent(text.subSequence(s, e).toString(), k -> new int[1])[0]++);
        return counts;
    }

    static long pair(int a, int b) {
        return ((long) a << 32) | b;
    }

    /** One training run's mutable state. */
    private static final class Run {
        private final int[][] words;
        private final long[] freq;
        private final Map<Long, long[]> pairCount = new HashMap<>();
        private final Map<Long, IntList> where = new HashMap<>();
        /** count descending, then pair id ascending: the deterministic tie-break */
        private final PriorityQueue<long[]> heap = new PriorityQueue<>((x, y) ->
                x[0] != y[0] ? Long.compare(y[0], x[0]) : Long.compare(x[1], y[1]));
        private final int[] visitedAt;

        Run(int[][] words, long[] freq) {
            this.words = words;
            this.freq = freq;
            this.visitedAt = new int[words.length];
            for (int w = 0; w < words.length; w++) {
                int[] s = words[w];
                for (int i = 0; i + 1 < s.length; i++) {
                    long p = pair(s[i], s[i + 1]);
                    pairCount.computeIfAbsent(p, k -> new long[1])[0] += freq[w];
                    where.computeIfAbsent(p, k -> new IntList()).add(w);
                }
            }
            pairCount.forEach((p, c) -> heap.add(new long[] {c[0], p}));
        }

        List<int[]> merge(int maxMerges, IntConsumer onMerge) {
            List<int[]> merges = new ArrayList<>(maxMerges);
            while (merges.size() < maxMerges) {
                long best = popBest();
                if (best < 0) {
                    break;
                }
                int a = (int) (best >>> 32);
                int b = (int) best;
                int z = 256 + merges.size();
                merges.add(new int[] {a, b});
                apply(best, a, b, z, merges.size());
                onMerge.accept(merges.size());
            }
            return merges;
        }

        /** The most frequent pair whose queued count is current, or -1 if none is left. */
        private long popBest() {
            while (!heap.isEmpty()) {
                long[] top = heap.poll();
                long[] c = pairCount.get(top[1]);
                long current = c == null ? 0 : c[0];
                if (current == top[0] && current > 0) {
                    return top[1];
                }
                // stale: the count fell since it was queued; requeue the current count
                if (current > 0 && current < top[0]) {
                    heap.add(new long[] {current, top[1]});
                }
            }
            return -1;
        }

        /** Replaces (a, b) by z in every chunk that holds it and updates the pair counts. */
        private void apply(long ab, int a, int b, int z, int step) {
            IntList ws = where.remove(ab);
            Map<Long, long[]> delta = new HashMap<>();
            for (int k = 0; k < ws.size; k++) {
                int w = ws.items[k];
                if (visitedAt[w] == step) {
                    continue;
                }
                visitedAt[w] = step;
                int[] s = words[w];
                int[] ns = replace(s, a, b, z);
                if (ns == s) {
                    continue; // stale index entry: an earlier merge consumed the pair here
                }
                long f = freq[w];
                for (int i = 0; i + 1 < s.length; i++) {
                    delta.computeIfAbsent(pair(s[i], s[i + 1]), q -> new long[1])[0] -= f;
                }
                for (int i = 0; i + 1 < ns.length; i++) {
                    long p = pair(ns[i], ns[i + 1]);
                    delta.computeIfAbsent(p, q -> new long[1])[0] += f;
                    if (ns[i] == z || ns[i + 1] == z) {
                        where.computeIfAbsent(p, q -> new IntList()).add(w);
                    }
                }
                words[w] = ns;
            }
            delta.forEach((p, d) -> {
                if (d[0] == 0) {
                    return;
                }
                long[] c = pairCount.computeIfAbsent(p, q -> new long[1]);
                c[0] += d[0];
                if (c[0] <= 0) {
                    pairCount.remove(p);
                } else if (d[0] > 0) {
                    heap.add(new long[] {c[0], p});
                }
            });
        }
    }

    /** {@code s} with each non-overlapping (a, b), left to right, replaced by z; {@code s} itself if none. */
    static int[] replace(int[] s, int a, int b, int z) {
        int[] out = null;
        int n = 0;
        for (int i = 0; i < s.length; i++) {
            if (i + 1 < s.length && s[i] == a && s[i + 1] == b) {
                if (out == null) {
                    out = new int[s.length - 1];
                    System.arraycopy(s, 0, out, 0, i);
                    n = i;
                }
                out[n++] = z;
                i++;
            } else if (out != null) {
                out[n++] = s[i];
            }
        }
        if (out == null) {
            return s;
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /** A growable int array (the pair → chunks index holds hundreds of thousands of entries). */
    private static final class IntList {
        int[] items = new int[4];
        int size;

        void add(int v) {
            if (size == items.length) {
                items = Arrays.copyOf(items, size * 2);
            }
            items[size++] = v;
        }
    }
}
