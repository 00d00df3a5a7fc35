package org.peerkit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;
import org.peerkit.ffw.DenseFfw;
import org.peerkit.model.DecoderLm;
import org.peerkit.model.FfwFactory;
import org.peerkit.model.LmConfig;
import org.peerkit.nn.Param;

class CheckpointTest {

    private static final LmConfig CFG = LmConfig.tiny(32);

    /** A trainer two steps in, checkpointed to {@code root}; returns the checkpoint folder. */
    private static Path trainedCheckpoint(Path root, Trainer[] out) throws Exception {
        Trainer t = new Trainer(new DecoderLm(CFG, 3), new SyntheticBatches(2, 8, 32, 1), TrainerTest.config(5, 1, 1e-3));
        t.trainStep();
        t.trainStep();
        out[0] = t;
        return t.saveCheckpoint(root, 2);
    }

    @Test
    void roundTripRestoresParametersMomentsAndState(@TempDir Path root) throws Exception {
        Trainer[] t = new Trainer[1];
        Path dir = trainedCheckpoint(root, t);
        assertEquals(root.resolve("step-00000002"), dir);
        Trainer fresh = new Trainer(new DecoderLm(CFG, 99), new SyntheticBatches(2, 8, 32, 1),
                TrainerTest.config(5, 1, 1e-3));
        assertTrue(fresh.resumeLatest(root));
        assertEquals(2, fresh.step());
        assertEquals(2, fresh.optimizer().stepCount());
        for (int i = 0; i < CFG.nLayers(); i++) {
            Param a = t[0].model().params().get(i);
            Param b = fresh.model().params().get(i);
            assertArrayEquals(a.value().dup().reshape(a.size()).toFloatVector(),
                    b.value().dup().reshape(b.size()).toFloatVector(), a.name());
            String n = a.name();
            assertEquals(t[0].optimizer().secondMoments().get(n), fresh.optimizer().secondMoments().get(n), n);
        }
        // keeps the newest two
        t[0].trainStep();
        t[0].saveCheckpoint(root, 2);
        t[0].trainStep();
        t[0].saveCheckpoint(root, 2);
        assertEquals(List.of(root.resolve("step-00000003"), root.resolve("step-00000004")), Checkpoint.list(root));
    }

    @Test
    void corruptTruncatedForeignAndMismatchedCheckpointsAreRefusedWithReasons(@TempDir Path root) throws Exception {
        Trainer[] t = new Trainer[1];
        Path dir = trainedCheckpoint(root, t);
        Path params = dir.resolve(Checkpoint.PARAMS);
        Path opt = dir.resolve(Checkpoint.OPTIMIZER);
        Path state = dir.resolve(Checkpoint.STATE);
        DecoderLm target = new DecoderLm(CFG, 4);

        byte[] original = Files.readAllBytes(params);
        try (RandomAccessFile f = new RandomAccessFile(params.toFile(), "rw")) {
            f.seek(original.length - 10);
            f.write(original[original.length - 10] ^ 0x40);
        }
        assertMessage(dir, target, "params.safetensors is corrupt, truncated or edited: its SHA-256");
        Files.write(params, original);

        byte[] moments = Files.readAllBytes(opt);
        Files.write(opt, Arrays.copyOf(moments, moments.length / 2));
        assertMessage(dir, target, "optimizer.safetensors is corrupt, truncated or edited");
        Files.write(opt, moments);

        String json = Files.readString(state);
        Files.writeString(state, json.substring(0, json.length() / 2));
        assertMessage(dir, target, "state.json is corrupt, truncated or edited");
        Files.writeString(state, json.replace(Checkpoint.FORMAT, "something-else"));
        assertMessage(dir, target, "state.json is corrupt, truncated or edited");
        resign(dir);
        assertMessage(dir, target, "is not a PEERkit checkpoint (format=something-else");
        Files.writeString(state, json);
        resign(dir);

        assertMessage(dir, new DecoderLm(CFG.withShape(32, 2, 4, 128), 1),
                "different model config (dModel=64 in the checkpoint, 32 here, dFf=256 in the checkpoint, 128 here)");
        FfwFactory wide = (name, block, c, rng) -> new DenseFfw(name, c.dModel(), 2 * c.dFf(),
                c.activation(), false, c.initStd(), c.residualStd(), c.precision().dataType(), rng);
        assertMessage(dir, new DecoderLm(CFG, FfwFactory.middle(wide), 1), "holds different parameters");
        assertMessage(root.resolve("nothing"), target, "is not a checkpoint: it has no state.json");
        assertEquals(2, Checkpoint.load(dir, target, null).step());  // intact again
    }

    /** An edited step in state.json is caught by the checksums; a consistent forgery by the schedule. */
    @Test
    void anEditedStepIsRefusedByTheChecksumsAndTheSchedule(@TempDir Path root) throws Exception {
        Trainer[] t = new Trainer[1];
        Path dir = trainedCheckpoint(root, t);
        Path state = dir.resolve(Checkpoint.STATE);
        String json = Files.readString(state);
        Files.writeString(state, json.replace("\"step\" : 2,", "\"step\" : 999,"));
        Trainer fresh = new Trainer(new DecoderLm(CFG, 9), new SyntheticBatches(2, 8, 32, 1),
                TrainerTest.config(5, 1, 1e-3));
        CheckpointException e = assertThrows(CheckpointException.class, () -> fresh.resume(dir));
        assertTrue(e.getMessage().contains("state.json is corrupt, truncated or edited")
                && e.getMessage().contains("delete " + dir), e.getMessage());

        resign(dir);  // as if the checksums were rewritten too: the step is beyond the 5-step schedule
        e = assertThrows(CheckpointException.class, () -> fresh.resume(dir));
        assertTrue(e.getMessage().contains("is at step 999, outside this run's schedule of 5 steps"), e.getMessage());

        Files.writeString(state, json.replace("\"step\" : 2,", "\"step\" : 3,"));
        resign(dir);  // a step inside the schedule that disagrees with the data position
        e = assertThrows(CheckpointException.class, () -> fresh.resume(dir));
        assertTrue(e.getMessage().contains("is at step 3 but data position 2 (expected 3"), e.getMessage());
        assertEquals(0, fresh.step());

        Files.delete(dir.resolve(CheckpointChecksums.FILE));
        e = assertThrows(CheckpointException.class, () -> fresh.resume(dir));
        assertTrue(e.getMessage().contains("has no checksums.sha256"), e.getMessage());
    }

    /** The same state saved twice (two roots) gives the same bytes in every file. */
    @Test
    void identicalStateGivesByteIdenticalCheckpoints(@TempDir Path root) throws Exception {
        Trainer[] t = new Trainer[1];
        Path a = trainedCheckpoint(root.resolve("a"), t);
        Path b = t[0].saveCheckpoint(root.resolve("b"), 1);
        try (var files = Files.list(a)) {
            for (Path f : files.toList()) {
                assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(b.resolve(f.getFileName())), f.toString());
            }
        }
        // metadata order must not depend on the map that holds it (Map.of's order varies between JVMs)
        var x = Nd4j.createFromArray(new float[] {1, 2});
        Map<String, String> m1 = new LinkedHashMap<>();
        m1.put("format", "f");
        m1.put("step", "1");
        Map<String, String> m2 = new LinkedHashMap<>();
        m2.put("step", "1");
        m2.put("format", "f");
        SafeTensors.write(root.resolve("1.safetensors"), Map.of("x", x), m1);
        SafeTensors.write(root.resolve("2.safetensors"), Map.of("x", x), m2);
        assertArrayEquals(Files.readAllBytes(root.resolve("1.safetensors")),
                Files.readAllBytes(root.resolve("2.safetensors")));
    }

    /** Rewrites a checkpoint's checksums for its current files, as a forger (or a careful editor) would. */
    static void resign(Path dir) throws Exception {
        Files.delete(dir.resolve(CheckpointChecksums.FILE));
        List<String> names = new ArrayList<>(List.of(Checkpoint.STATE, Checkpoint.PARAMS, Checkpoint.OPTIMIZER));
        if (Files.exists(dir.resolve(Checkpoint.BUFFERS))) {
            names.add(Checkpoint.BUFFERS);
        }
        CheckpointChecksums.write(dir, names);
    }

    @Test
    void safetensorsReaderRejectsGarbageAndTruncation(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("x.safetensors");
        Files.write(f, new byte[] {1, 2, 3});
        var e = assertThrows(CheckpointException.class, () -> SafeTensors.readInto(f, Map.of()));
        assertTrue(e.getMessage().contains("only 3 bytes"), e.getMessage());
        Files.write(f, "this is not a safetensors file at all".getBytes(StandardCharsets.UTF_8));
        e = assertThrows(CheckpointException.class, () -> SafeTensors.readInto(f, Map.of()));
        assertTrue(e.getMessage().contains("not a valid safetensors file: header length"), e.getMessage());
        Path g = dir.resolve("y.safetensors");
        var a = Nd4j.createFromArray(new float[] {1, 2, 3, 4}).reshape(2, 2);
        SafeTensors.write(g, Map.of("a", a), Map.of());
        byte[] all = Files.readAllBytes(g);
        Files.write(g, Arrays.copyOf(all, all.length - 4));
        e = assertThrows(CheckpointException.class, () -> SafeTensors.readInto(g, Map.of("a", a.dup())));
        assertTrue(e.getMessage().contains("tensor 'a' has data offsets [0,16] outside the 12 data bytes"),
                e.getMessage());
    }

    /** The file layout is the reference one: Python with NumPy alone can read it. */
    @Test
    void pythonReadsTheTensors(@TempDir Path dir) throws Exception {
        Path g = dir.resolve("p.safetensors");
        var a = Nd4j.createFromArray(new float[] {1.5f, -2f, 3.25f, 4f, 5f, 6f}).reshape(2, 3);
        SafeTensors.write(g, Map.of("w", a), Map.of("format", "test"));
        String script = "import json,struct,sys,numpy as np\n"
                + "b=open(sys.argv[1],'rb').read(); n=struct.unpack('<Q',b[:8])[0]; h=json.loads(b[8:8+n])\n"
                + "e=h['w']; s,t=e['data_offsets']; x=np.frombuffer(b[8+n+s:8+n+t],dtype='<f4').reshape(e['shape'])\n"
                + "print(e['dtype'], x.shape, x[0,2], x[1,0], h['__metadata__']['format'])\n";
        Process p;
        try {
            p = new ProcessBuilder("python3", "-c", script, g.toString()).redirectErrorStream(true).start();
        } catch (IOException noPython) {
            Assumptions.abort("python3 is not installed");
            return;
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        Assumptions.assumeFalse(out.contains("No module named 'numpy'"), "numpy is not installed");
        assertEquals("F32 (2, 3) 3.25 4.0 test", out);
    }

    private static void assertMessage(Path dir, DecoderLm model, String expected) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(dir, model, null));
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }
}
