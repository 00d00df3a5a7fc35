package org.peerkit.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.peerkit.flops.FfwKind;
import org.peerkit.flops.IsoFlopPlanner;
import org.peerkit.flops.LadderConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code peerkit plan}: isoFLOP ladders for a FLOP budget, per FFW kind. */
@Command(name = "plan",
        description = "Print isoFLOP ladders for a training-FLOP budget: model sizes with total and active params, "
                + "FLOPs/token (the paper's count and the non-embedding count), tokens and steps the budget buys, "
                + "memory of weights and AdamW state.")
public final class PlanCommand implements Callable<Integer> {

    @Option(names = "--budget", required = true, paramLabel = "FLOPS", description = "Training FLOPs, e.g. 1e13.")
    double budget;

    @Option(names = "--kind", paramLabel = "KIND", description = "dense, moe, pkm, peer or all (default: ${DEFAULT-VALUE}).")
    String kind = "all";

    @Option(names = "--scale", paramLabel = "SCALE",
            description = "kit (CPU-sized ladder, default) or paper (Fig. 1's 6e18 ladder shapes).")
    String scale = "kit";

    @Option(names = "--paper-reference", description = "Also print Fig. 1's points beside our parameter counts.")
    boolean paperReference;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        LadderConfig ladder = switch (scale) {
            case "kit" -> LadderConfig.kit();
            case "paper" -> LadderConfig.paper6e18();
            default -> throw new IllegalArgumentException("--scale=" + scale + " is not a scale: use kit or paper");
        };
        List<FfwKind> kinds = kind.equalsIgnoreCase("all") ? List.of(FfwKind.values()) : List.of(FfwKind.parse(kind));
        out.println("FLOPs both ways: train_flops_per_token is the paper's count the budget is spent in (with the output"
                + " head); nonemb_flops_per_token and nonemb_flops leave out the embedding and output head, as the"
                + " fine-grained MoE scaling literature counts.");
        out.println();
        int failed = 0;
        String lastError = "";
        for (FfwKind k : kinds) {
            try {
                out.println(IsoFlopPlanner.table(IsoFlopPlanner.ladder(budget, k, ladder),
                        k.id() + " ladder @ " + IsoFlopPlanner.sci(budget) + " FLOPs (" + scale + " scale)").printAll());
            } catch (IllegalArgumentException e) {
                failed++;
                lastError = e.getMessage();
                out.println(k.id() + ": " + e.getMessage());
            }
            out.println();
        }
        if (paperReference) {
            out.println(IsoFlopPlanner.paperReference().printAll());
        }
        out.flush();
        if (failed == kinds.size()) {
            throw new IllegalArgumentException(lastError);
        }
        return 0;
    }
}
