package org.peerkit.experiment;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.peerkit.data.BatchSource;
import org.peerkit.data.Split;

/** {@link RunData#standard()} that counts how often a run asked for data. */
final class CountingData implements RunData {
    final AtomicInteger calls = new AtomicInteger();
    private final RunData inner = RunData.standard();

    @Override
    public BatchSource train(RunSpec spec) {
        calls.incrementAndGet();
        return inner.train(spec);
    }

    @Override
    public EvalSet eval(RunSpec spec, Split split) {
        calls.incrementAndGet();
        return inner.eval(spec, split);
    }

    @Override
    public Map<String, String> fingerprint(RunSpec spec) {
        calls.incrementAndGet();
        return inner.fingerprint(spec);
    }
}
