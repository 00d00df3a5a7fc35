package org.peerkit.experiment;

import java.util.function.Consumer;
import org.peerkit.data.BpeTokenizer;
import org.peerkit.flops.FfwSpec;
import org.peerkit.model.LmConfig;
import org.peerkit.train.AdamWConfig;

/**
 * Everything that changes a run's result, and nothing that does not (checkpoint frequency, where the
 * runs live, threads): two equal specs are the same run. {@link #id()} hashes the canonical JSON
 * ({@link SpecJson}), so field order, whitespace and number spelling do not matter.
 *
 * @param model backbone shape and options; {@code vocabSize} is the tokenizer's vocabulary and
 *     {@code precision} the number format
 * @param ffw the FFW kind and its settings
 * @param placement which blocks get {@code ffw} (paper: the middle one)
 * @param budget training FLOPs or tokens; fixes the number of steps
 * @param schedule learning-rate schedule
 * @param optimizer AdamW settings
 * @param clipNorm global gradient-norm limit, ≤ 0 for none
 * @param batchSize B sequences per micro-batch
 * @param seqLen T tokens per sequence
 * @param accumSteps micro-batches per optimiser step
 * @param data token source and evaluation sets
 * @param seed model init, trainer RNG and data order
 */
public record RunSpec(LmConfig model, FfwSpec ffw, Placement placement, Budget budget, ScheduleSpec schedule,
        AdamWConfig optimizer, double clipNorm, int batchSize, int seqLen, int accumSteps, DataSpec data,
        long seed) {

    public RunSpec {
        required("model", model);
        required("ffw", ffw);
        required("placement", placement);
        required("budget", budget);
        required("schedule", schedule);
        required("optimizer", optimizer);
        required("data", data);
        if (!Double.isFinite(clipNorm)) {
            throw new IllegalArgumentException("clipNorm=" + clipNorm + " must be finite (≤ 0 turns clipping off)");
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize=" + batchSize + " must be positive");
        }
        if (accumSteps <= 0) {
            throw new IllegalArgumentException("accumSteps=" + accumSteps + " must be positive");
        }
        if (seqLen <= 0 || seqLen > model.contextLength()) {
            throw new IllegalArgumentException("seqLen=" + seqLen + " must be in [1, model.contextLength="
                    + model.contextLength() + "]");
        }
        if (data.source() != DataSpec.Source.SYNTHETIC) {
            try {
                BpeTokenizer.checkVocabSize(model.vocabSize());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("model.vocabSize=" + model.vocabSize() + " is not a tokenizer"
                        + " vocabulary for data.source=" + data.source() + ": " + e.getMessage(), e);
            }
        }
    }

    private static void required(String field, Object v) {
        if (v == null) {
            throw new IllegalArgumentException(field + " is missing");
        }
    }

    /** A tiny dense run on synthetic data: 2 layers, D=64, 64 tokens per step, 40 steps. */
    public static RunSpec defaults() {
        return new RunSpec(LmConfig.tiny(64), new FfwSpec.Dense(), Placement.MIDDLE, Budget.tokens(40L * 4 * 16),
                new ScheduleSpec(3e-3, 0.1, 0.1), AdamWConfig.defaults(), 1.0, 4, 16, 1, DataSpec.synthetic(), 1);
    }

    /** Canonical JSON hash, 16 hex digits (64 bits of SHA-256): the run's folder name. */
    public String id() {
        return SpecJson.id(this);
    }

    /** Canonical JSON (sorted keys, compact, stable numbers). */
    public String toJson() {
        return SpecJson.canonical(this);
    }

    public static RunSpec fromJson(String json) {
        return SpecJson.read(json, "spec");
    }

    public RunSpec withModel(LmConfig m) {
        return with(d -> d.model = m);
    }

    public RunSpec withFfw(FfwSpec f) {
        return with(d -> d.ffw = f);
    }

    public RunSpec withPlacement(Placement p) {
        return with(d -> d.placement = p);
    }

    public RunSpec withBudget(Budget b) {
        return with(d -> d.budget = b);
    }

    public RunSpec withSchedule(ScheduleSpec s) {
        return with(d -> d.schedule = s);
    }

    /** A copy with B = {@code b} sequences of T = {@code t} tokens per micro-batch. */
    public RunSpec withBatch(int b, int t) {
        return with(d -> {
            d.batchSize = b;
            d.seqLen = t;
        });
    }

    public RunSpec withData(DataSpec data) {
        return with(d -> d.data = data);
    }

    public RunSpec withSeed(long s) {
        return with(d -> d.seed = s);
    }

    /**
     * A copy with the fields {@code change} sets, validated by the constructor: each {@code withX}
     * names only its own field instead of repeating the twelve positional arguments.
     */
    private RunSpec with(Consumer<Draft> change) {
        Draft d = new Draft(this);
        change.accept(d);
        return new RunSpec(d.model, d.ffw, d.placement, d.budget, d.schedule, d.optimizer, d.clipNorm, d.batchSize,
                d.seqLen, d.accumSteps, d.data, d.seed);
    }

    /** The fields of a spec being copied by {@link #with}. */
    private static final class Draft {
        LmConfig model;
        FfwSpec ffw;
        Placement placement;
        Budget budget;
        ScheduleSpec schedule;
        AdamWConfig optimizer;
        double clipNorm;
        int batchSize;
        int seqLen;
        int accumSteps;
        DataSpec data;
        long seed;

        Draft(RunSpec s) {
            model = s.model;
            ffw = s.ffw;
            placement = s.placement;
            budget = s.budget;
            schedule = s.schedule;
            optimizer = s.optimizer;
            clipNorm = s.clipNorm;
            batchSize = s.batchSize;
            seqLen = s.seqLen;
            accumSteps = s.accumSteps;
            data = s.data;
            seed = s.seed;
        }
    }

    /** Tokens per optimiser step: B·T·accumulation. */
    public long tokensPerStep() {
        return (long) batchSize * seqLen * accumSteps;
    }
}
