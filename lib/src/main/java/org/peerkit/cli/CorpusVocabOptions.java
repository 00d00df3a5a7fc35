package org.peerkit.cli;

import java.io.PrintWriter;
import org.peerkit.data.BpeTokenizer;
import org.peerkit.data.Corpus;
import org.peerkit.data.DataLocation;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options that name one prepared data set, shared by {@code data prepare} and {@code data info}:
 * which corpus and which BPE vocabulary size.
 */
final class CorpusVocabOptions {

    @Option(names = "--vocab", paramLabel = "N", description = "BPE vocabulary size, 257..65536 (default: ${DEFAULT-VALUE})")
    int vocab = BpeTokenizer.DEFAULT_VOCAB;

    @Option(names = "--corpus", paramLabel = "NAME", converter = CorpusOption.class,
            description = "sotu (default: State of the Union addresses) or library (adds Jane Austen, the World English Bible"
                    + " and the Jargon File from Debian packages; prepared in $PEERKIT_DATA/library)")
    Corpus corpus = Corpus.SOTU;

    /** The command this is mixed into (picocli sets it): where its output goes. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    PrintWriter out() {
        return command.commandLine().getOut();
    }

    /** Where this corpus is prepared under {@code base} ($PEERKIT_DATA). */
    DataLocation location(DataLocation base) {
        return corpus.location(base);
    }
}
