package org.peerkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.peerkit.experiment.Budget;
import org.peerkit.experiment.RunSpec;
import org.peerkit.experiment.SpecJson;

class ExperimentCommandsTest extends InProcessCli {

    @Test
    void planPrintsALadderForEveryKind() {
        assertEquals(0, run("plan", "--budget", "1e13"), err.toString());
        for (String k : new String[] {"dense ladder", "moe ladder", "pkm ladder", "peer ladder"}) {
            assertTrue(out.toString().contains(k + " @ 1e13 FLOPs"), out.toString());
        }
        assertTrue(out.toString().contains("total_params") && out.toString().contains("adam_mb")
                && out.toString().contains("nonemb_flops_per_token"), out.toString());
    }

    @Test
    void planAtPaperScaleWithTheFig1Reference() {
        assertEquals(0, run("plan", "--budget", "6e18", "--scale", "paper", "--kind", "peer", "--paper-reference"),
                err.toString());
        assertTrue(out.toString().contains("peer ladder @ 6e18 FLOPs (paper scale)"), out.toString());
        assertTrue(out.toString().contains("peer N=1048576 h=8 k=16"), out.toString());
        assertTrue(out.toString().contains("Fig. 1 points vs planned parameter counts"), out.toString());
        assertEquals(1, run("plan", "--budget", "1e13", "--scale", "huge"));
        assertTrue(err.toString().contains("error: --scale=huge is not a scale: use kit or paper"), err.toString());
    }

    @Test
    void planErrorsNameTheBadInput() {
        assertEquals(1, run("plan", "--budget", "1e3"));
        assertTrue(err.toString().contains("error: budget=1000 FLOPs is too small for the smallest peer model"), err.toString());
        assertEquals(1, run("plan", "--budget", "1e13", "--kind", "mlp"));
        assertTrue(err.toString().contains("error: unknown FFW kind 'mlp': use one of dense, moe, pkm, peer"), err.toString());
        assertEquals(2, run("plan"));
        assertTrue(err.toString().contains("Missing required option: '--budget=FLOPS'"), err.toString());
        assertEquals(2, run("plan", "--budget", "lots"));
        assertTrue(err.toString().contains("'lots' is not a double"), err.toString());
        assertEquals(1, run("plan", "--budget", "1e300", "--kind", "dense"));
        assertTrue(err.toString().contains("error: budget=1e300 FLOPs buys") && err.toString().contains(
                "more than the 1000000000 steps a run may take"), err.toString());
        assertTrue(!out.toString().contains("9223372036854775807"), out.toString());
    }

    @Test
    void trainTwiceTrainsOnceThenListsAndEvaluatesTheRun(@TempDir Path dir) throws Exception {
        RunSpec s = RunSpec.defaults().withBudget(Budget.tokens(6L * 4 * 16));
        Path spec = dir.resolve("tiny.json");
        Files.writeString(spec, SpecJson.pretty(s));
        String runs = dir.resolve("runs").toString();
        assertEquals(0, run("train", "--spec", spec.toString(), "--runs", runs), err.toString());
        assertTrue(out.toString().startsWith("run " + s.id() + " (trained)"), out.toString());
        assertEquals(0, run("train", "--spec", spec.toString(), "--runs", runs), err.toString());
        assertTrue(out.toString().startsWith("run " + s.id() + " (loaded)"), out.toString());
        assertTrue(out.toString().contains("valid        loss"), out.toString());

        assertEquals(0, run("runs", "--runs", runs));
        assertTrue(out.toString().matches("(?s).*" + s.id() + " +\\| +complete.*"), out.toString());

        assertEquals(0, run("eval", s.id().substring(0, 6), "--runs", runs, "--splits", "valid,brown"), err.toString());
        assertTrue(out.toString().contains("brown        loss"), out.toString());
        assertEquals(1, run("eval", "ffff", "--runs", runs));
        assertTrue(err.toString().contains("error: no run 'ffff' in"), err.toString());

        // a spec edited inside the run dir: reported, and --force re-runs it
        Path inDir = dir.resolve("runs").resolve(s.id()).resolve("spec.json");
        Files.writeString(inDir, Files.readString(inDir).replace("\"seed\" : 1", "\"seed\" : 9"));
        assertEquals(1, run("train", "--spec", spec.toString(), "--runs", runs));
        assertTrue(err.toString().contains("is corrupt: its spec.json hashes to") && err.toString().contains("--force"),
                err.toString());
        assertEquals(0, run("runs", "--runs", runs));
        assertTrue(out.toString().contains("corrupt"), out.toString());
        assertEquals(0, run("train", "--spec", spec.toString(), "--runs", runs, "--force"), err.toString());
        assertTrue(out.toString().startsWith("run " + s.id() + " (trained)"), out.toString());
    }

    @Test
    void trainReportsBadSpecFiles(@TempDir Path dir) throws Exception {
        assertEquals(1, run("train", "--spec", dir.resolve("nope.json").toString()));
        assertTrue(err.toString().contains("does not exist; write one with `peerkit train --print-spec"), err.toString());
        Path f = dir.resolve("bad.json");
        Files.writeString(f, SpecJson.pretty(RunSpec.defaults()).replace("\"seed\" : 1", "\"seed\" : 1, \"sed\" : 2"));
        assertEquals(1, run("train", "--spec", f.toString()));
        assertTrue(err.toString().contains("unknown field 'sed'"), err.toString());
        Files.writeString(f, SpecJson.pretty(RunSpec.defaults()).replace("\"kind\" : \"dense\"", "\"kind\" : \"mlp\""));
        assertEquals(1, run("train", "--spec", f.toString()));
        assertTrue(err.toString().contains("unknown FFW kind 'mlp'"), err.toString());
        Files.writeString(f, SpecJson.pretty(RunSpec.defaults()).replace("\"seed\" : 1", "\"seed\" : 1.9"));
        assertEquals(1, run("train", "--spec", f.toString()));
        assertTrue(err.toString().contains("'seed' must be a whole number, not 1.9"), err.toString());
        Files.writeString(f, SpecJson.pretty(RunSpec.defaults()));
        assertEquals(2, run("train", "--spec", f.toString(), "--wait", "-5", "--runs", dir.resolve("runs").toString()));
        assertTrue(err.toString().contains("--wait=-5 is negative"), err.toString());
        assertEquals(0, run("train", "--print-spec"));
        assertEquals(RunSpec.defaults(), RunSpec.fromJson(out.toString()));
    }

    @Test
    void aSmokeSweepOfFourRunsFinishesWithAResultsTable(@TempDir Path dir) throws Exception {
        Path grid = dir.resolve("smoke.json");
        Files.writeString(grid, "{\"name\": \"smoke\", \"base\": " + SpecJson.pretty(RunSpec.defaults()
                .withBudget(Budget.tokens(4L * 4 * 16))) + ", \"grid\": {\"model.dModel\": [32, 64], \"seed\": [1, 2]}}");
        String runs = dir.resolve("runs").toString();
        assertEquals(0, run("sweep", "--grid", grid.toString(), "--runs", runs), err.toString());
        String o = out.toString();
        assertEquals(4, o.split("trained", -1).length - 1, o);
        assertTrue(o.contains("sweep smoke") && o.contains("valid_ppl"), o);
        assertEquals(0, run("sweep", "--grid", grid.toString(), "--runs", runs), err.toString());
        assertEquals(4, out.toString().split("loaded", -1).length - 1, out.toString());
    }
}
