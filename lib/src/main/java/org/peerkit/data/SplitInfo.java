package org.peerkit.data;

/**
 * Measured facts about one prepared split, as recorded in the manifest.
 *
 * @param split         {@link Split#id()}
 * @param documents     whole documents in the split
 * @param bytes         UTF-8 bytes of the split's text
 * @param words         whitespace-separated words (as {@code wc -w} counts them)
 * @param tokens        BPE tokens in the shard
 * @param encodeSeconds wall time to encode the split when it was prepared
 * @param textSha256    SHA-256 of the split's text file
 * @param shardSha256   SHA-256 of the split's token shard ({@link TokenShard#sha256()}): shards are
 *                      checked against it when opened, and runs record it in their data fingerprint
 */
public record SplitInfo(String split, int documents, long bytes, long words, long tokens, double encodeSeconds,
        String textSha256, String shardSha256) {

    public double bytesPerToken() {
        return tokens == 0 ? 0 : (double) bytes / tokens;
    }

    public double tokensPerWord() {
        return words == 0 ? 0 : (double) tokens / words;
    }

    public double encodeMegabytesPerSecond() {
        return encodeSeconds <= 0 ? 0 : bytes / 1e6 / encodeSeconds;
    }
}
