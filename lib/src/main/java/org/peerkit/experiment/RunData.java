package org.peerkit.experiment;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.peerkit.data.BatchSource;
import org.peerkit.data.Corpus;
import org.peerkit.data.PreparedData;
import org.peerkit.data.Split;
import org.peerkit.train.SyntheticBatches;

/**
 * Turns a spec's {@link DataSpec} into token sources. {@link #standard()} opens the prepared corpus
 * (once per vocabulary size) or makes synthetic batches; tests substitute their own to observe that
 * a finished run is loaded without touching any data.
 */
public interface RunData {

    /** Training windows, random access by batch index, seeded by the spec. */
    BatchSource train(RunSpec spec);

    /** The evaluation windows of one held-out split. */
    EvalSet eval(RunSpec spec, Split split);

    /** What identifies the data for the manifest: source, tokenizer, text and token-shard hashes. */
    Map<String, String> fingerprint(RunSpec spec);

    static RunData standard() {
        return new Standard();
    }

    /** The prepared corpus via {@link PreparedData#open(Corpus, int)}, or {@link SyntheticBatches}. */
    final class Standard implements RunData {
        private final Map<String, PreparedData> corpora = new HashMap<>();

        /** The prepared corpus of the spec's source (SOTU or LIBRARY) at the model's vocabulary size. */
        private synchronized PreparedData corpus(RunSpec s) {
            Corpus c = s.data().source() == DataSpec.Source.LIBRARY ? Corpus.LIBRARY : Corpus.SOTU;
            int vocab = s.model().vocabSize();
            return corpora.computeIfAbsent(c.id() + "/" + vocab, k -> PreparedData.open(c, vocab));
        }

        @Override
        public BatchSource train(RunSpec s) {
            if (s.data().source() == DataSpec.Source.SYNTHETIC) {
                return new SyntheticBatches(s.batchSize(), s.seqLen(), s.model().vocabSize(), s.seed());
            }
            return corpus(s).batches(Split.TRAIN, s.batchSize(), s.seqLen(), s.seed());
        }

        @Override
        public EvalSet eval(RunSpec s, Split split) {
            if (s.data().source() == DataSpec.Source.SYNTHETIC) {
                // a different seed per split: held-out sequences of the same family
                long seed = s.seed() ^ (0x5DEECE66DL * (split.ordinal() + 1));
                return EvalSet.firstBatches(split.id(), new SyntheticBatches(s.batchSize(), s.seqLen(), s.model().vocabSize(), seed),
                        s.data().evalBatches());
            }
            long most = s.data().evalBatches() == 0 ? Long.MAX_VALUE : s.data().evalBatches();
            return EvalSet.windows(split.id(), corpus(s).batches(split, s.batchSize(), s.seqLen(), 0), most);
        }

        @Override
        public Map<String, String> fingerprint(RunSpec s) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("source", s.data().source().name());
            if (s.data().source() == DataSpec.Source.SYNTHETIC) {
                m.put("generator", SyntheticBatches.class.getName());
            } else {
                PreparedData d = corpus(s);
                m.put("tokenizerHash", d.manifest().tokenizerHash());
                m.put("trainingTextSha256", d.manifest().trainingTextSha256());
                m.put("tokenizerVocab", Integer.toString(d.vocabSize()));
                for (Split split : Split.values()) {  // the tokens themselves: a changed shard is other data
                    m.put(split.id() + "ShardSha256", d.shard(split).sha256());
                }
            }
            return m;
        }
    }
}
