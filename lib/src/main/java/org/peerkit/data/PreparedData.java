package org.peerkit.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The one-call entry point to the prepared data: tokenizer, shards, texts and batches for one
 * vocabulary size.
 *
 * <pre>{@code
 * PreparedData data = PreparedData.open();          // prepares on first use, with progress bars
 * BatchSource train = data.batches(Split.TRAIN, 16, 256, 42);
 * Batches valid = data.batches(Split.VALID, 16, 256, 0);
 * for (long i = 0; i < valid.evalBatches(); i++) { int rows = valid.evalBatch(i, buf); ... }
 * int vocab = data.vocabSize();
 * }</pre>
 *
 * Shards are memory-mapped once and shared by every {@link Batches} made from this object.
 */
public final class PreparedData {

    private final DataLocation location;
    private final DataManifest manifest;
    private final BpeTokenizer tokenizer;
    private final Map<Split, TokenShard> shards = new EnumMap<>(Split.class);

    private PreparedData(DataLocation location, DataManifest manifest, BpeTokenizer tokenizer) {
        this.location = location;
        this.manifest = manifest;
        this.tokenizer = tokenizer;
        for (Split s : Split.values()) {
            shards.put(s, TokenShard.open(location.vocabDir(manifest.vocabSize()).resolve(s.id() + ".tok"), tokenizer.hash(),
                    manifest.split(s).shardSha256()));
        }
    }

    /** Default location and vocabulary (4096); prepares what is missing, with progress on stderr. */
    public static PreparedData open() {
        return open(BpeTokenizer.DEFAULT_VOCAB);
    }

    /** Default location ({@code PEERKIT_DATA}); prepares what is missing, with progress on stderr. */
    public static PreparedData open(int vocabSize) {
        return open(Corpus.SOTU, vocabSize);
    }

    /**
     * One corpus ({@link Corpus#LIBRARY} lives in {@code $PEERKIT_DATA/library}); prepares what is
     * missing, with progress on stderr.
     */
    public static PreparedData open(Corpus corpus, int vocabSize) {
        DataLocation base = DataLocation.fromEnvironment();
        DataLocation loc = corpus.location(base);
        if (!isPrepared(loc, vocabSize)) {
            new DataPreparer(loc, corpus.archives(base, ArchiveCache.NPM_PACK), corpus.recipe(), true, System.err).prepare(vocabSize);
        }
        return load(loc, vocabSize);
    }

    /**
     * True if {@code data prepare} completed for this vocabulary size: its manifest exists and has
     * this build's format (an older one is prepared again, which rebuilds only what changed).
     */
    public static boolean isPrepared(DataLocation location, int vocabSize) {
        Path dir = location.vocabDir(vocabSize);
        return DataManifest.isCurrent(dir.resolve(DataPreparer.MANIFEST)) && Files.isRegularFile(dir.resolve(Checksums.FILE));
    }

    /**
     * Opens prepared data without preparing anything.
     *
     * @throws DataException naming the command to run if the data was not prepared, or naming the
     *                       bad file if a shard is truncated or was built with another vocabulary
     */
    public static PreparedData load(DataLocation location, int vocabSize) {
        BpeTokenizer.checkVocabSize(vocabSize);
        Path dir = location.vocabDir(vocabSize);
        if (!isPrepared(location, vocabSize)) {
            throw new DataException("no prepared data for vocabulary " + vocabSize + " in " + location.cache()
                    + " (missing " + dir.resolve("manifest.json") + "): run `environment/peerkit data prepare --vocab " + vocabSize
                    + "` (or PreparedData.open() in a notebook); set PEERKIT_DATA if the data lives elsewhere");
        }
        Checksums.problem(dir, DataPreparer.RECORDED).ifPresent(p -> {
            throw new DataException("in " + dir + ": " + p + "; run `environment/peerkit data prepare --vocab " + vocabSize
                    + "` to rebuild it from verified inputs");
        });
        DataManifest m = DataManifest.load(dir.resolve("manifest.json"));
        BpeTokenizer tok = BpeTokenizer.load(dir.resolve("tokenizer.bpe"));
        if (!tok.hash().equals(m.tokenizerHash())) {
            throw new DataException("tokenizer " + dir.resolve("tokenizer.bpe") + " has hash " + tok.hash() + " but the manifest expects "
                    + m.tokenizerHash() + ": run `environment/peerkit data prepare --vocab " + vocabSize + "` to rebuild");
        }
        return new PreparedData(location, m, tok);
    }

    public DataLocation location() {
        return location;
    }

    public DataManifest manifest() {
        return manifest;
    }

    public BpeTokenizer tokenizer() {
        return tokenizer;
    }

    /** Ids are in {@code [0, vocabSize())}; what an embedding table and the softmax need. */
    public int vocabSize() {
        return tokenizer.vocabSize();
    }

    public TokenShard shard(Split split) {
        return shards.get(split);
    }

    /** Training windows are {@link Batches#batch}, evaluation windows {@link Batches#evalBatch}. */
    public Batches batches(Split split, int batchSize, int seqLen, long seed) {
        return new Batches(shard(split), split.id(), batchSize, seqLen, seed);
    }

    /** The split's text (documents joined by blank lines); read from disk, and verified, on each call. */
    public String text(Split split) {
        verifyText(split);
        return DataPreparer.readText(location, split);
    }

    /** The whole documents of a split, in order. */
    public List<Document> documents(Split split) {
        verifyText(split);
        return DataPreparer.documents(location, split);
    }

    /** The ids of the whole documents in a split, in order. */
    public List<String> documentIds(Split split) {
        verifyText(split);
        return DataPreparer.documentIds(location).getOrDefault(split.id(), List.of());
    }

    /** The split's text and documents.tsv must match the checksums data prepare recorded. */
    private void verifyText(Split split) {
        Checksums.problem(location.textDir(), List.of(split.id() + ".txt", DataPreparer.DOCUMENTS_TSV)).ifPresent(p -> {
            throw new DataException("in " + location.textDir() + ": " + p + "; run `environment/peerkit data prepare`"
                    + " to rebuild the texts from the verified archives");
        });
    }
}
