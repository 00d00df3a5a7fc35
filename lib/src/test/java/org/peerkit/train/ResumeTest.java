package org.peerkit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.peerkit.model.DecoderLm;
import org.peerkit.model.LmConfig;
import org.peerkit.testing.ChildJvm;

/** Exact resume across JVMs, and crash safety of checkpoint writing under SIGKILL. */
class ResumeTest {

    static final int N = 4;

    /** The run both halves use: tiny LM, accumulation over 2 micro-batches, clipping on. */
    static Trainer trainer(long steps) {
        DecoderLm lm = new DecoderLm(LmConfig.tiny(64), 11);
        TrainConfig cfg = new TrainConfig(steps, 2, 0.5, new LrSchedule(3e-3, 3, steps, 0.1),
                AdamWConfig.defaults(), 11);
        return new Trainer(lm, new SyntheticBatches(3, 16, 64, 5), cfg);
    }

    static String bits(double v) {
        return Long.toHexString(Double.doubleToRawLongBits(v));
    }

    @Test
    void resumingInAFreshJvmRetracesTheUninterruptedLossCurveBitForBit(@TempDir Path dir) throws Exception {
        Trainer straight = trainer(2 * N);
        List<String> expected = new ArrayList<>();
        while (straight.step() < 2 * N) {
            expected.add(bits(straight.trainStep().loss()));
        }
        Trainer first = trainer(2 * N);
        for (int i = 0; i < N; i++) {
            assertEquals(expected.get(i), bits(first.trainStep().loss()), "step " + (i + 1) + " before the checkpoint");
        }
        first.saveCheckpoint(dir.resolve("ckpt"), 1);
        Path out = dir.resolve("losses.txt");
        Process p = java(ResumeChild.class, dir.resolve("ckpt").toString(), Integer.toString(2 * N), out.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM timed out");
        assertEquals(0, p.exitValue(), () -> "child failed: " + read(dir.resolve("child.log")));
        assertEquals(expected.subList(N, 2 * N), Files.readAllLines(out));
    }

    @Test
    void killingTheWriterMidCheckpointLeavesTheLastCompleteOneLoadable(@TempDir Path dir) throws Exception {
        int[] delaysMs = {0, 37, 90};
        for (int delay : delaysMs) {
            Path root = dir.resolve("ckpt-" + delay);
            Process p = java(CheckpointWriterChild.class, root.toString()).redirectErrorStream(true).start();
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null;) {
                if (line.startsWith("saved ") && Long.parseLong(line.substring(6)) >= 2) {
                    break;  // it is now writing the next one
                }
            }
            Thread.sleep(delay);
            p.destroyForcibly();  // SIGKILL: no shutdown hooks, no cleanup
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            Path latest = Checkpoint.latest(root).orElseThrow();
            DecoderLm lm = new DecoderLm(CheckpointWriterChild.CFG, 2);
            CheckpointState st = Checkpoint.load(latest, lm, new AdamW(lm.params(), AdamWConfig.defaults()));
            assertEquals((double) st.step(), lm.params().get(0).value().getDouble(0),
                    "parameters and state.json of " + latest + " disagree");
        }
    }

    private static ProcessBuilder java(Class<?> main, String... args) {
        return ChildJvm.java(main, args);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
