package org.peerkit.experiment;

import java.nio.file.Path;
import tech.tablesaw.api.Table;

/**
 * A finished run: its spec, its final numbers and where its files are.
 *
 * @param origin whether this call loaded it, resumed it or trained it from scratch
 */
public record RunResult(String id, Path dir, RunSpec spec, RunSummary summary, Origin origin) {

    public enum Origin { LOADED, RESUMED, TRAINED }

    /** Per-step metrics (metrics.csv): step, tokens, flops, loss, lr, grad_norm, step_ms. */
    public Table metrics() {
        return CsvTables.read(dir.resolve(RunStore.METRICS), "metrics " + id);
    }

    /** Evaluations (evals.csv): step, split, loss, perplexity. */
    public Table evals() {
        return CsvTables.read(dir.resolve(RunStore.EVALS), "evals " + id);
    }

    /** Perplexity on the first evaluation split of the spec. */
    public double perplexity() {
        return summary.perplexity(spec.data().evalSplits().get(0).id());
    }

    /** A one-line description for lists and legends. */
    public String label() {
        return spec.ffw().label() + " d=" + spec.model().dModel() + " L=" + spec.model().nLayers();
    }
}
