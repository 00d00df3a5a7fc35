package org.peerkit.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.peerkit.data.Corpus;
import org.peerkit.data.DataException;
import org.peerkit.data.DataFiles;
import org.peerkit.data.DataLocation;
import org.peerkit.data.DataManifest;
import org.peerkit.data.PreparedData;
import org.peerkit.data.Split;
import org.peerkit.data.SplitInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code peerkit data info}: splits, sizes, token counts, tokenizer hash; optionally batch throughput. */
@Command(name = "info",
        description = "Show the prepared splits (documents, bytes, words, tokens) and the tokenizer.")
public final class DataInfoCommand implements Callable<Integer> {

    @Mixin
    CorpusVocabOptions dataSet;

    @Option(names = "--throughput", description = "Also measure encode throughput (validation text) and random training batch throughput (B=32, T=256, about 2 s).")
    boolean throughput;

    @Override
    public Integer call() {
        PrintWriter out = dataSet.out();
        DataLocation loc = dataSet.location(DataLocation.fromEnvironment());
        if (dataSet.corpus != Corpus.SOTU && !PreparedData.isPrepared(loc, dataSet.vocab)) {
            throw new DataException("no prepared " + dataSet.corpus.id() + " corpus for vocabulary " + dataSet.vocab
                    + " in " + loc.cache() + ": run `environment/peerkit data prepare --corpus " + dataSet.corpus.id()
                    + " --vocab " + dataSet.vocab + "`");
        }
        PreparedData data = PreparedData.load(loc, dataSet.vocab);
        printTable(out, loc, data.manifest());
        if (throughput) {
            printThroughput(out, data);
        }
        return 0;
    }

    static void printTable(PrintWriter out, DataLocation loc, DataManifest m) {
        out.println();
        out.printf("data cache  %s%n", loc.cache());
        out.printf("tokenizer   %s  vocab %d  sha256 %s%n", loc.vocabDir(m.vocabSize()).resolve("tokenizer.bpe"), m.vocabSize(), m.tokenizerHash());
        out.printf("            trained on text/train.txt (sha256 %s) %s%n", m.trainingTextSha256(),
                m.tokenizerTrainSeconds() < 0 ? "(training time not recorded)" : String.format("in %.1f s", m.tokenizerTrainSeconds()));
        out.printf("%-10s %5s %10s %10s %10s %11s %11s %9s%n", "split", "docs", "bytes", "words", "tokens", "bytes/tok", "tok/word", "enc MB/s");
        for (Split s : Split.values()) {
            SplitInfo i = m.split(s);
            out.printf("%-10s %5d %10s %10d %10d %11.2f %11.3f %9.1f%n", i.split(), i.documents(), DataFiles.humanBytes(i.bytes()),
                    i.words(), i.tokens(), i.bytesPerToken(), i.tokensPerWord(), i.encodeMegabytesPerSecond());
        }
        out.flush();
    }

    /**
     * Encode throughput on the validation text (best of 3, after one warm-up run, each run with a
     * cold chunk cache) and random training batch throughput for about 2 s.
     */
    private static void printThroughput(PrintWriter out, PreparedData data) {
        String text = data.text(Split.VALID);
        double mb = text.getBytes(StandardCharsets.UTF_8).length / 1e6;
        data.tokenizer().encode(text);
        double best = Double.MAX_VALUE;
        for (int rep = 0; rep < 3; rep++) {
            long t0 = System.nanoTime();
            data.tokenizer().encode(text);
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        out.printf("%nencode valid text (%.1f MB, warm JIT, best of 3): %.1f MB/s%n", mb, mb / best);

        var batches = data.batches(Split.TRAIN, 32, 256, 1);
        int[] buf = new int[32 * 257];
        long checksum = 0;
        long n = 0;
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < 2_000_000_000L) {
            batches.batch(n++, buf);
            checksum += buf[0];
        }
        double s = (System.nanoTime() - t0) / 1e9;
        out.printf("random training batches (B=32, T=256): %d batches in %.2f s = %.1f M tokens/s (checksum %d)%n",
                n, s, n * 32.0 * 257 / s / 1e6, checksum);
        out.flush();
    }
}
