package org.peerkit.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.peerkit.golden.GoldenWriter;

/**
 * The contract between lib's golden writer and this module's suite, checked on the CPU: every
 * tensor and metadata entry PeerGolden and OpsGolden read is in the files, with consistent shapes,
 * so a device run does not fail on a name.
 */
class GoldenFilesTest {
    private static final List<String> PEER_TENSORS = List.of("x", "dy", "wq", "keys1", "keys2", "u", "v", "q", "scores",
            "gates", "experts", "rows", "cols", "preact", "y", "dx_mix", "dgates", "du", "dv", "dscores", "dq",
            "dkeys1", "dkeys2", "dx", "dwq", "touched_rows");
    private static final List<String> PEER_META = List.of("d_model", "num_experts", "heads", "k", "d_key", "activation");
    private static final List<String> OPS_TENSORS = List.of("rms.x", "rms.w", "rms.dy", "rms.y", "rms.dx", "rms.dw",
            "gelu.x", "gelu.dy", "gelu.y", "gelu.dx", "ce.logits", "ce.targets", "ce.loss", "ce.dlogits", "emb.table",
            "emb.tokens", "emb.dy", "emb.y", "emb.dtable", "adam.p", "adam.g", "adam.m", "adam.v", "adam.rows",
            "adam.p1", "adam.m1", "adam.v1", "adam.p1r", "adam.m1r", "adam.v1r");
    private static final List<String> OPS_META = List.of("rms_eps", "adam_lr", "adam_beta1", "adam_beta2", "adam_eps",
            "adam_weight_decay", "adam_step");

    @TempDir
    static Path dir;
    private static List<Path> files;

    @BeforeAll
    static void write() throws IOException {
        files = GoldenWriter.writeAll(dir);
    }

    @Test
    void peerFilesHoldWhatPeerGoldenReads() throws IOException {
        for (Path p : files) {
            if (!p.getFileName().toString().startsWith("peer_")) {
                continue;
            }
            SafeTensorsFile f = SafeTensorsFile.read(p);
            PEER_TENSORS.forEach(f::get);
            PEER_META.forEach(f::meta);
            PeerShape s = new PeerShape(f.meta("d_model"), f.meta("num_experts"), f.meta("heads"), f.meta("k"),
                    f.meta("d_key"), f.meta("activation"));
            long t = f.shape("x")[0];
            assertEquals(t * s.slots(), f.get("experts").length, p.toString());
            if ("1".equals(f.metaText("query_bn"))) {
                List.of("bn_gamma", "bn_beta", "dbn_gamma", "dbn_beta").forEach(f::get);
            }
            assertEquals((long) s.dModel() * s.queryWidth(), f.get("wq").length, p.toString());
            int[] experts = f.ints("experts");
            int[] rows = f.ints("rows");
            int[] cols = f.ints("cols");
            for (int i = 0; i < experts.length; i++) {
                assertEquals(rows[i] * s.subKeys() + cols[i], experts[i], p + " slot " + i);
            }
        }
    }

    private static final List<String> STEP_TENSORS = List.of("ln.x", "ln.g", "ln.b", "ln.dy", "ln.y", "ln.dx", "ln.dg",
            "ln.db", "ffw.w1", "ffw.b1", "ffw.w2", "ffw.b2", "ffw.x", "ffw.dy", "ffw.y", "ffw.dx", "ffw.dw1", "ffw.db1",
            "ffw.dw2", "ffw.db2", "bag.expert", "bag.gates", "bag.v", "bag.dy", "bag.y", "bag.dgates", "bag.dv",
            "bag.touched_rows", "att.wqkv", "att.bqkv", "att.wproj", "att.bproj", "att.x", "att.dy", "att.y", "att.dx",
            "att.dwqkv", "att.dbqkv", "att.dwproj", "att.dbproj", "bn.x", "bn.gamma", "bn.beta", "bn.dy", "bn.run_mean0",
            "bn.run_var0", "bn.y", "bn.dx", "bn.dgamma", "bn.dbeta", "bn.run_mean", "bn.run_var");

    @Test
    void stepFileHoldsWhatStepGoldenReads() throws IOException {
        SafeTensorsFile f = SafeTensorsFile.read(dir.resolve("step.safetensors"));
        STEP_TENSORS.forEach(f::get);
        assertTrue(!f.metaText("ln_eps").isEmpty());
        assertEquals(0, f.shape("att.x")[2] % f.meta("att_heads"));
        assertEquals(f.shape("ffw.x")[1], f.shape("ffw.w1")[0]);
        assertEquals(f.shape("bag.gates")[0] * f.shape("bag.gates")[1], f.get("bag.expert").length);
    }

    @Test
    void lmFilesHoldWhatLmGoldenReads() throws IOException {
        int seen = 0;
        for (Path p : files) {
            if (!p.getFileName().toString().startsWith("lm_")) {
                continue;
            }
            seen++;
            SafeTensorsFile f = SafeTensorsFile.read(p);
            LmShape s = LmShape.fromGolden(f);
            List<LmParam> params = s.params();
            String[] names = f.metaText("params").split(",");
            String[] decay = f.metaText("decay").split(",");
            assertEquals(params.size(), names.length, p.toString());
            for (int i = 0; i < names.length; i++) {
                LmParam q = params.get(i);
                assertEquals(q.name(), names[i], p.toString());
                assertEquals(q.decays(), decay[i].equals("1"), q.name());
                for (String k : new String[] {"p.", "g.", "m.", "v.", "p1.", "m1.", "v1."}) {
                    assertEquals(q.length(), f.get(k + q.name()).length, k + q.name());
                }
            }
            assertEquals(s.batch() * (s.seq() + 1), f.ints("windows").length);
            f.get("loss");
            f.get("grad_norm");
            LmGolden.settings(f);
            assertTrue(Float.parseFloat(f.metaText("lr")) > 0 && f.meta("adam_step") >= 1);
        }
        assertEquals(4, seen, "lm_dense, lm_peer, lm_pkm and lm_rotary");
    }

    @Test
    void pkmFilesHoldWhatPkmGoldenReads() throws IOException {
        for (String name : new String[] {"pkm_heads", "pkm_shared_bn"}) {
            SafeTensorsFile f = SafeTensorsFile.read(dir.resolve(name + ".safetensors"));
            PeerShape s = new PeerShape(f.meta("d_model"), f.meta("num_values"), f.meta("heads"), f.meta("k"),
                    f.meta("d_key"), 0);
            for (String p : f.metaText("params").split(",")) {
                assertEquals(f.get("p." + p).length, f.get("g." + p).length, p);
            }
            assertEquals(f.shape("x")[1], s.dModel());
            List.of("y", "dx", "dy", "touched_rows").forEach(f::get);
        }
    }

    @Test
    void lmBenchSpecsBuildDeviceShapes() throws IOException {
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(dir.resolve("lm_bench.properties"))) {
            p.load(r);
        }
        for (String name : p.getProperty("names").split(",")) {
            LmShape s = LmShape.fromProperties(p, name);
            assertTrue(s.tokens() >= 1024, name + " times at least 1024 tokens per step");
            assertTrue(Long.parseLong(p.getProperty(name + ".training_flops_per_token")) > 0, name);
        }
    }

    @Test
    void opsFileHoldsWhatOpsGoldenReads() throws IOException {
        SafeTensorsFile f = SafeTensorsFile.read(dir.resolve("ops.safetensors"));
        OPS_TENSORS.forEach(f::get);
        OPS_META.forEach(k -> assertTrue(!f.metaText(k).isEmpty(), k));
        assertEquals(f.shape("rms.x")[1], f.get("rms.w").length);
        assertEquals(f.get("adam.p").length, f.get("adam.p1r").length);
        assertEquals(2, f.meta("adam_step"));
    }
}
