package org.peerkit.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Run in a fresh JVM by {@link ResumeTest}: resumes the run in {@code args[0]} from its newest
 * checkpoint, trains to {@code args[1]} steps, and writes each step's loss (exact bits, hex) to
 * {@code args[2]}.
 */
public final class ResumeChild {

    private ResumeChild() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        long steps = Long.parseLong(args[1]);
        Trainer t = ResumeTest.trainer(steps);
        if (!t.resumeLatest(root)) {
            throw new IllegalStateException("no checkpoint in " + root);
        }
        List<String> lines = new ArrayList<>();
        while (t.step() < steps) {
            lines.add(ResumeTest.bits(t.trainStep().loss()));
        }
        Files.write(Path.of(args[2]), lines);
    }

}
