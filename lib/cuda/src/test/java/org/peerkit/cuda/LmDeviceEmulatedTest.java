package org.peerkit.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.peerkit.golden.GoldenWriter;

/**
 * {@link LmDevice}'s orchestration on the CPU: with {@link EmulatedGpu} (Java transcriptions of the
 * kernels, every launch's arguments checked against the kernel's C signature) the device LM passes
 * the same LM golden checks the GPU suite runs (loss, every gradient, norm, parameters and moments
 * after the step, dense and PEER), and trains. What this cannot see, the first device session must:
 * the CUDA kernels themselves (held to their own golden files) and the driver/cuBLAS calls.
 */
class LmDeviceEmulatedTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void write() throws IOException {
        GoldenWriter.writeAll(dir);
    }

    private static GoldenCheck runGolden(String name) throws IOException {
        GoldenCheck check = new GoldenCheck(name);
        new LmGolden(new EmulatedGpu(), SafeTensorsFile.read(dir.resolve(name + ".safetensors")), check).run();
        assertTrue(check.lines().size() > 50, check.lines().size() + " comparisons");
        assertEquals(0, check.failures(), String.join("\n", check.lines()));
        return check;
    }

    @Test
    void denseStepMatchesLibsFloat64Step() throws IOException {
        runGolden("lm_dense");
    }

    @Test
    void peerStepMatchesLibsFloat64Step() throws IOException {
        runGolden("lm_peer");
    }

    @Test
    void pkmStepMatchesLibsFloat64Step() throws IOException {
        runGolden("lm_pkm");
    }

    @Test
    void rotaryStepMatchesLibsFloat64Step() throws IOException {
        runGolden("lm_rotary");
    }

    @Test
    void pkmLayersMatchLibsFloat64Layer() throws IOException {
        for (String name : new String[] {"pkm_heads", "pkm_shared_bn"}) {
            GoldenCheck check = new GoldenCheck(name);
            new PkmGolden(new EmulatedGpu(), SafeTensorsFile.read(dir.resolve(name + ".safetensors")), check).run();
            assertTrue(check.lines().size() >= 9, check.lines().size() + " comparisons");
            assertEquals(0, check.failures(), String.join("\n", check.lines()));
        }
    }

    @Test
    void theWholeGoldenSuitePassesOnTheEmulator() throws IOException {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int failures = GoldenSuite.run(new EmulatedGpu(), dir, new PrintStream(log, true, StandardCharsets.UTF_8));
        String text = log.toString(StandardCharsets.UTF_8);
        assertEquals(0, failures, text);
        assertTrue(text.contains("0 failed, 14 files"), text);
    }

    @Test
    void aSmallLmTrainsOnOneBatch() throws IOException {
        EmulatedGpu gpu = new EmulatedGpu();
        LmShape s = new LmShape(32, 8, 16, 2, 2, 32, "LAYER", 1e-5f, false, true, true, 2, 8, 1,
                new PeerShape(16, 16, 2, 2, 8, 0), true);
        LmDevice lm = new LmDevice(gpu, s, DeviceAdamW.Settings.defaults());
        lm.initialise(5, 0.02f);
        int[] w = new int[s.batch() * (s.seq() + 1)];
        Random r = new Random(3);
        for (int i = 0; i < w.length; i++) {
            w[i] = r.nextInt(s.vocab());
        }
        lm.setBatch(w);
        lm.forwardBackward();
        double first = lm.loss();
        assertEquals(Math.log(s.vocab()), first, 0.1, "an untrained LM is near-uniform");
        lm.update(3e-2f);
        for (int i = 0; i < 20; i++) {
            lm.step(3e-2f);
        }
        assertTrue(lm.loss() < first - 0.5, "loss " + first + " -> " + lm.loss());
        lm.free();
    }

    @Test
    void launchesAreCheckedAgainstTheKernelsSignatures() throws IOException {
        KernelSignatures sig = new KernelSignatures(Path.of("src/main/cuda"));
        assertTrue(sig.count() >= 40, sig.count() + " kernels parsed");
        DeviceArray a = new DeviceArray(1 << 20, 4);
        sig.check("pk_add", new Object[] {a, a, 4L, a});
        var e = assertThrows(IllegalArgumentException.class, () -> sig.check("pk_add", new Object[] {a, a, 4, a}));
        assertTrue(e.getMessage().contains("argument 2 is a Integer"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> sig.check("pk_fill_value", new Object[] {a, 4L, 1}));
        assertTrue(e.getMessage().contains("argument 2"), e.getMessage());
    }
}
