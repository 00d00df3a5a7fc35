package org.peerkit.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code <cache>/bpe-<V>/manifest.json}: what {@code data prepare} built for one vocabulary size,
 * written last, so its presence marks a complete preparation.
 *
 * @param formatVersion         {@value #VERSION}
 * @param vocabSize             ids in the tokenizer
 * @param tokenizerHash         {@link BpeTokenizer#hash()}
 * @param trainingTextSha256    SHA-256 of {@code text/train.txt}, the only text the tokenizer saw
 * @param tokenizerTrainSeconds wall time of BPE training when it was prepared; -1 if the tokenizer was kept
 *                              from an earlier run whose manifest is gone
 * @param splits                one entry per {@link Split}, in enum order
 */
public record DataManifest(int formatVersion, int vocabSize, String tokenizerHash, String trainingTextSha256,
                           double tokenizerTrainSeconds, List<SplitInfo> splits) {

    /** 2: each split records its shard's SHA-256. */
    public static final int VERSION = 2;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public SplitInfo split(Split s) {
        return splits.stream().filter(i -> i.split().equals(s.id())).findFirst()
                .orElseThrow(() -> new DataException("manifest has no split '" + s.id() + "': run `environment/peerkit data prepare`"));
    }

    public void save(Path file) {
        DataFiles.writeAtomically(file, out -> out.write(JSON.writeValueAsBytes(this)));
    }

    /** Whether {@code file} is a manifest of this format version (false when missing or unreadable). */
    static boolean isCurrent(Path file) {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try {
            return JSON.readTree(file.toFile()).path("formatVersion").asInt(-1) == VERSION;
        } catch (IOException e) {
            return false;
        }
    }

    public static DataManifest load(Path file) {
        try {
            DataManifest m = JSON.readValue(file.toFile(), DataManifest.class);
            if (m.formatVersion() != VERSION) {
                throw new DataException("manifest " + file + " has format version " + m.formatVersion() + ", expected " + VERSION
                        + ": delete its folder and run `environment/peerkit data prepare`");
            }
            return m;
        } catch (IOException e) {
            throw new DataException("cannot read manifest " + file + " (" + e.getMessage()
                    + "): delete it and run `environment/peerkit data prepare`", e);
        }
    }
}
