package org.peerkit.flops;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.peerkit.model.LmConfig;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * isoFLOP planning (paper §3.1): for a training-FLOP budget and an FFW kind, a ladder of model
 * sizes with their total and active parameters, training FLOPs per token, the tokens and steps the
 * budget buys, and the memory of weights and AdamW state. Counts are analytic
 * ({@link FlopCount#dense} for the backbone, {@link FfwSpec#count} for the middle block's FFW), so
 * planning a 4-billion-parameter PEER model builds nothing.
 *
 * <pre>{@code
 * IsoFlopPlanner.plan(1e13, FfwKind.PEER)                    // kit scale, a Tablesaw table
 * IsoFlopPlanner.plan(6e18, LadderConfig.paper6e18())        // every kind at paper scale
 * IsoFlopPlanner.paperReference()                            // our counts vs Fig. 1's points
 * }</pre>
 */
public final class IsoFlopPlanner {

    private IsoFlopPlanner() {
    }

    /** The kit-scale ladder of one kind. */
    public static Table plan(double budget, FfwKind kind) {
        return table(ladder(budget, kind, LadderConfig.kit()), "isoFLOP ladder " + kind.id() + " @ " + sci(budget));
    }

    /** The ladder of every kind, one after another. */
    public static Table plan(double budget, LadderConfig ladder) {
        List<ModelPlan> all = new ArrayList<>();
        for (FfwKind k : FfwKind.values()) {
            all.addAll(ladder(budget, k, ladder));
        }
        return table(all, "isoFLOP ladders @ " + sci(budget));
    }

    /**
     * The most optimiser steps one run may take: 10⁹ (over three years at 0.1 s a step). A budget
     * that buys more is a typo, and counts beyond it would overflow the schedule's int warm-up steps.
     */
    public static final long MAX_STEPS = 1_000_000_000L;

    /**
     * The rungs of {@code ladder} for {@code kind} that the budget buys at least one step of.
     *
     * @throws IllegalArgumentException if the budget is too small for the smallest model, naming
     *     the least budget that would do
     */
    public static List<ModelPlan> ladder(double budget, FfwKind kind, LadderConfig ladder) {
        if (!(budget > 0) || !Double.isFinite(budget)) {
            throw new IllegalArgumentException("budget=" + budget + " FLOPs must be a positive number, e.g. 1e13");
        }
        List<ModelPlan> out = new ArrayList<>();
        FfwSpec ffw = ladder.ffw().get(kind);
        for (int d : ladder.dModels()) {
            ModelPlan p = size(ladder.backbone(d), ffw, budget, ladder.tokensPerStep());
            double steps = budget / p.count().trainingFlopsPerToken() / ladder.tokensPerStep();
            if (steps > MAX_STEPS) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "budget=%s FLOPs buys %s steps of the"
                        + " d_model=%d %s model, more than the %d steps a run may take; lower the budget (a typo in"
                        + " its exponent?)", sci(budget), sci(steps), d, kind.id(), MAX_STEPS));
            }
            if (p.steps() >= 1) {
                out.add(p);
            }
        }
        if (out.isEmpty()) {
            ModelPlan smallest = size(ladder.backbone(ladder.dModels().get(0)), ffw, budget, ladder.tokensPerStep());
            double least = (double) smallest.count().trainingFlopsPerToken() * ladder.tokensPerStep();
            throw new IllegalArgumentException(String.format(Locale.ROOT, "budget=%s FLOPs is too small for the smallest"
                    + " %s model (d_model=%d, %s params): one step of %d tokens needs %s FLOPs; use a budget of at least %s",
                    sci(budget), kind.id(), smallest.backbone().dModel(), human(smallest.count().totalParams()),
                    ladder.tokensPerStep(), sci(least), sci(least)));
        }
        return out;
    }

    /** One model: {@code ffw} in the middle block of {@code backbone} (the paper's placement). */
    public static ModelPlan size(LmConfig backbone, FfwSpec ffw, double budget, long tokensPerStep) {
        FlopCount count = count(backbone, ffw);
        long tokens = (long) (budget / count.trainingFlopsPerToken());
        return new ModelPlan(backbone, ffw, count, budget, tokens, tokens / tokensPerStep);
    }

    /** Analytic counts of {@code backbone} with {@code ffw} in its middle block. */
    public static FlopCount count(LmConfig backbone, FfwSpec ffw) {
        FlopCount dense = FlopCount.dense(backbone, backbone.contextLength());
        String middle = "blocks." + backbone.middleBlock() + ".ffw";
        List<LayerCount> layers = new ArrayList<>();
        for (LayerCount l : dense.layers()) {
            layers.add(l.name().equals(middle) ? ffw.count(middle, backbone.dModel(), backbone.dFf(), backbone.bias()) : l);
        }
        return new FlopCount(layers, dense.seqLen());
    }

    /**
     * A ladder as a table: one row per rung. FLOPs both ways: {@code train_flops_per_token} is the
     * paper's count that the budget is spent in (§3.1; {@link FlopCount}'s class comment), and
     * {@code nonemb_flops_per_token} / {@code nonemb_flops} the same tokens counted without the
     * embedding and output head, the count of the fine-grained MoE scaling literature.
     */
    public static Table table(List<ModelPlan> plans, String name) {
        Table t = Table.create(name,
                StringColumn.create("kind"), StringColumn.create("ffw"), IntColumn.create("d_model"),
                IntColumn.create("layers"), IntColumn.create("heads"), LongColumn.create("total_params"),
                LongColumn.create("active_params"), LongColumn.create("train_flops_per_token"),
                LongColumn.create("nonemb_flops_per_token"), DoubleColumn.create("nonemb_flops"),
                LongColumn.create("tokens"), LongColumn.create("steps"), DoubleColumn.create("tokens_per_param"),
                DoubleColumn.create("weights_mb"), DoubleColumn.create("adam_mb"));
        for (ModelPlan p : plans) {
            t.stringColumn("kind").append(p.ffw().kind().id());
            t.stringColumn("ffw").append(p.ffw().label());
            t.intColumn("d_model").append(p.backbone().dModel());
            t.intColumn("layers").append(p.backbone().nLayers());
            t.intColumn("heads").append(p.backbone().nHeads());
            t.longColumn("total_params").append(p.count().totalParams());
            t.longColumn("active_params").append(p.count().activeParams());
            t.longColumn("train_flops_per_token").append(p.count().trainingFlopsPerToken());
            t.longColumn("nonemb_flops_per_token").append(p.count().nonEmbeddingTrainingFlopsPerToken());
            t.doubleColumn("nonemb_flops").append(sig3(p.nonEmbeddingFlops()));
            t.longColumn("tokens").append(p.tokens());
            t.longColumn("steps").append(p.steps());
            t.doubleColumn("tokens_per_param").append(sig3(p.tokensPerParam()));
            t.doubleColumn("weights_mb").append(Math.round(p.weightBytes() / 1e4) / 100.0);
            t.doubleColumn("adam_mb").append(Math.round(p.optimizerBytes() / 1e4) / 100.0);
        }
        return t;
    }

    /**
     * Fig. 1's points beside our analytic counts of the inferred configurations: budget, kind,
     * d_model, the figure's parameters and perplexity, ours, and the relative difference.
     */
    public static Table paperReference() {
        Table t = Table.create("Fig. 1 points vs planned parameter counts",
                StringColumn.create("budget"), StringColumn.create("kind"), IntColumn.create("d_model"),
                LongColumn.create("fig1_params"), LongColumn.create("planned_params"), DoubleColumn.create("rel_diff"),
                LongColumn.create("planned_active"), DoubleColumn.create("fig1_c4_ppl"), StringColumn.create("minimum"));
        for (PaperFig1.Point pt : PaperFig1.points()) {
            LadderConfig ladder = pt.budget() < 1e19 ? LadderConfig.paper6e18() : LadderConfig.paper2e19();
            FlopCount c = count(ladder.backbone(pt.dModel()), ladder.ffw().get(pt.kind()));
            t.stringColumn("budget").append(sci(pt.budget()));
            t.stringColumn("kind").append(pt.kind().id());
            t.intColumn("d_model").append(pt.dModel());
            t.longColumn("fig1_params").append(pt.params());
            t.longColumn("planned_params").append(c.totalParams());
            t.doubleColumn("rel_diff").append(Math.round(1e4 * ((double) c.totalParams() / pt.params() - 1)) / 1e4);
            t.longColumn("planned_active").append(c.activeParams());
            t.doubleColumn("fig1_c4_ppl").append(pt.c4Perplexity());
            t.stringColumn("minimum").append(pt.minimum() ? "*" : "");
        }
        return t;
    }

    private static double sig3(double v) {
        return v == 0 ? 0 : new BigDecimal(v).round(new MathContext(3)).doubleValue();
    }

    /** 1e13, 2.04e9, 6e18: short scientific notation for messages and table names. */
    public static String sci(double v) {
        String[] parts = String.format(Locale.ROOT, "%.2e", v).split("e");
        String mantissa = parts[0].replaceAll("\\.?0+$", "");
        int exp = Integer.parseInt(parts[1]);
        if (exp >= 0 && exp <= 3) {
            return new BigDecimal(parts[0]).scaleByPowerOfTen(exp).stripTrailingZeros().toPlainString();
        }
        return mantissa + "e" + exp;
    }

    static String human(long n) {
        return n >= 1_000_000_000 ? String.format(Locale.ROOT, "%.2fB", n / 1e9)
                : n >= 1_000_000 ? String.format(Locale.ROOT, "%.1fM", n / 1e6)
                : String.format(Locale.ROOT, "%.1fk", n / 1e3);
    }
}
