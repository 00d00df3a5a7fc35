package org.peerkit.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.peerkit.flops.FfwKind;
import org.peerkit.flops.IsoFlopPlanner;
import org.peerkit.flops.LadderBracket;
import org.peerkit.train.TrainListener;

/**
 * isoFLOP ladders that bracket their optimum (paper §3.1, Fig. 1): runs the ladders of a grid
 * file's {@code isoflop} block, then, for up to {@code bracket.rounds} rounds, adds one narrower
 * or wider rung to every (budget, kind) ladder whose seed-averaged validation minimum still sits at
 * an end ({@link LadderBracket#next}), until each is bracketed or cannot grow (and says why).
 *
 * <p>Every run goes through the {@link RunStore}, so a second call loads what is finished and
 * continues where it stopped; {@code peerkit sweep --grid FILE} runs the initial ladders of the
 * same file into the same store. Each round runs one {@link Sweep} named after the file holding
 * all members so far, so {@code <store>/sweeps/<name>.json} lists every rung trained.
 */
public final class BracketedIsoFlop {

    private final String name;
    private final RunSpec base;
    private final IsoFlopGrid.Block block;

    private BracketedIsoFlop(String name, RunSpec base, IsoFlopGrid.Block block) {
        this.name = name;
        this.base = base;
        this.block = block;
    }

    /**
     * One ladder's outcome.
     *
     * @param widths every rung trained, ascending
     * @param decision bracketed, or why not
     */
    public record Outcome(double budget, FfwKind kind, List<Integer> widths, LadderBracket.Decision decision) {

        public boolean bracketed() {
            return decision.status() == LadderBracket.Status.BRACKETED;
        }
    }

    /** The runs of every round and each ladder's outcome. */
    public record Result(SweepResult sweep, List<Outcome> outcomes) {
    }

    /** Reads a grid file with an {@code isoflop} block (see {@link IsoFlopGrid}). */
    public static BracketedIsoFlop fromFile(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("grid file " + file + " is unreadable: " + e.getMessage(), e);
        }
        if (root == null || !root.has("isoflop")) {
            throw new IllegalArgumentException("grid file " + file + " has no 'isoflop' block: only isoFLOP ladders"
                    + " can be bracketed");
        }
        Sweep.fromFile(file);   // the same checks as 'peerkit sweep --grid', before anything trains
        String name = root.has("name") ? root.get("name").asText()
                : file.getFileName().toString().replaceFirst("\\.json$", "");
        RunSpec base = root.has("base") ? SpecJson.read(root.get("base").toString(), file + " base")
                : RunSpec.defaults();
        return new BracketedIsoFlop(name, base, IsoFlopGrid.block(root.get("isoflop"), base, file.toString()));
    }

    public String name() {
        return name;
    }

    /** Runs the initial ladders, then extends them round by round; failures are recorded, not thrown. */
    public Result run(RunStore store, SweepListener listener, TrainListener... perRun) {
        Map<String, TreeSet<Integer>> widths = new LinkedHashMap<>();
        for (double b : block.budgets()) {
            for (FfwKind k : block.kinds()) {
                TreeSet<Integer> ws = new TreeSet<>();
                IsoFlopPlanner.ladder(b, k, block.ladder()).forEach(p -> ws.add(p.backbone().dModel()));
                widths.put(key(b, k), ws);
            }
        }
        Map<String, Outcome> done = new LinkedHashMap<>();
        SweepResult result = null;
        for (int round = 0; round <= block.rounds(); round++) {
            result = Sweep.of(name, specs(widths)).run(store, listener, perRun);
            boolean extended = false;
            for (double b : block.budgets()) {
                for (FfwKind k : block.kinds()) {
                    String key = key(b, k);
                    if (done.containsKey(key)) {
                        continue;
                    }
                    LadderBracket.Decision d = decide(result, b, k, round);
                    if (d.status() == LadderBracket.Status.EXTEND) {
                        widths.get(key).add(d.nextWidth());
                        extended = true;
                    } else {
                        done.put(key, new Outcome(b, k, List.copyOf(widths.get(key)), d));
                    }
                }
            }
            if (!extended) {
                break;
            }
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (double b : block.budgets()) {
            for (FfwKind k : block.kinds()) {
                outcomes.add(done.get(key(b, k)));
            }
        }
        return new Result(result, outcomes);
    }

    /** The decision for one ladder after {@code round}; an extension past the last round becomes "cannot". */
    private LadderBracket.Decision decide(SweepResult result, double budget, FfwKind kind, int round) {
        Map<Integer, Double> losses = new TreeMap<>();
        for (SweepMember m : result.members()) {
            RunSpec s = m.spec();
            if (s.budget().equals(Budget.flops(budget)) && s.ffw().kind() == kind && m.failed()) {
                return new LadderBracket.Decision(LadderBracket.Status.CANNOT, 0, 0, "the run of d_model="
                        + s.model().dModel() + ", seed " + s.seed() + " failed: " + m.error());
            }
        }
        for (SeedGroup g : SeedGroup.of(result.results())) {
            if (g.spec().budget().equals(Budget.flops(budget)) && g.spec().ffw().kind() == kind) {
                losses.put(g.spec().model().dModel(), g.loss().estimate());
            }
        }
        LadderBracket.Decision d = LadderBracket.next(block.ladder(), kind, budget, losses, block.minSteps());
        if (d.status() == LadderBracket.Status.EXTEND && round == block.rounds()) {
            return new LadderBracket.Decision(LadderBracket.Status.CANNOT, d.optimum(), 0, d.reason().replace(": add",
                    ": would add") + ", but the file allows " + block.rounds() + " extension rounds (isoflop.bracket.rounds)");
        }
        return d;
    }

    private List<RunSpec> specs(Map<String, TreeSet<Integer>> widths) {
        List<RunSpec> out = new ArrayList<>();
        for (long seed : block.seeds()) {
            for (double b : block.budgets()) {
                for (FfwKind k : block.kinds()) {
                    List<Integer> ws = List.copyOf(widths.get(key(b, k)));
                    out.addAll(Sweep.isoFlop(name, base.withSeed(seed), b, block.ladder().withDModels(ws), k).specs());
                }
            }
        }
        return out;
    }

    private static String key(double budget, FfwKind kind) {
        return budget + "/" + kind.id();
    }
}
