package org.peerkit.model;

import org.peerkit.nn.Rng;

/** Token windows for model tests: B windows of T+1 ids drawn uniformly from [0, vocab). */
public final class RandomWindows {

    private RandomWindows() {
    }

    /** Row-major [B, T+1], drawn from {@code Rng(seed)}. */
    public static int[] of(int batch, int t, int vocab, long seed) {
        Rng rng = new Rng(seed);
        int[] w = new int[batch * (t + 1)];
        for (int i = 0; i < w.length; i++) {
            w[i] = rng.nextInt(vocab);
        }
        return w;
    }
}
