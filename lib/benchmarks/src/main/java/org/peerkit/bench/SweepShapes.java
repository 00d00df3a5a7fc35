package org.peerkit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.peerkit.experiment.RunSpec;
import org.peerkit.experiment.Sweep;
import org.peerkit.flops.FfwSpec;
import org.peerkit.model.LmConfig;

/**
 * The distinct model shapes the full-scale sweeps train ({@code notebooks/sweeps/0[2-5]-*-full.json}):
 * every member of every file, with seed and budget dropped (they change how long a run trains, not
 * what one step costs), keyed by a short label such as {@code 02-dense-D64L2} or
 * {@code 04-peerN16384h8k16-D128L2} (no spaces or commas, so a label is also a JMH parameter value). The step benchmark times one training step of each.
 */
public final class SweepShapes {

    /** The sweep files whose members are the experiments' shapes (the notebooks' ablations). */
    static final String FILE_GLOB = "0[2-5]-*-full.json";

    private SweepShapes() {
    }

    /** label → one member spec of that shape, in file order; fails with the folder it looked in. */
    public static Map<String, RunSpec> load(Path sweepsDir) {
        Map<String, RunSpec> shapes = new LinkedHashMap<>();
        for (Path file : files(sweepsDir)) {
            String prefix = file.getFileName().toString().substring(0, 2);
            for (RunSpec spec : Sweep.fromFile(file).specs()) {
                shapes.putIfAbsent(prefix + "-" + label(spec), spec.withSeed(1));
            }
        }
        return shapes;
    }

    /** The sweeps folder: {@code -Dpeerkit.sweeps=...}, else notebooks/sweeps above the working directory. */
    public static Path sweepsDir() {
        String prop = System.getProperty("peerkit.sweeps");
        if (prop != null) {
            return Path.of(prop);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("notebooks/sweeps");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no notebooks/sweeps above " + Path.of("").toAbsolutePath()
                + "; run from the project or pass -Dpeerkit.sweeps=/path/to/notebooks/sweeps");
    }

    private static List<Path> files(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> out = new ArrayList<>(s.filter(p -> p.getFileSystem().getPathMatcher("glob:" + FILE_GLOB)
                    .matches(p.getFileName())).sorted().toList());
            if (out.isEmpty()) {
                throw new IllegalStateException("no " + FILE_GLOB + " in " + dir);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** kind, the FFW's own size, then the backbone: "peerN16384h8k16-D128L2" (+ "-B" tokens if not 1,024). */
    static String label(RunSpec spec) {
        LmConfig m = spec.model();
        String batch = spec.tokensPerStep() == 1024 ? "" : "-B" + spec.tokensPerStep();
        return ffwLabel(spec.ffw()) + "-D" + m.dModel() + "L" + m.nLayers() + batch;
    }

    private static String ffwLabel(FfwSpec f) {
        if (f instanceof FfwSpec.Peer p) {
            return "peerN" + p.experts() + "h" + p.heads() + "k" + p.topK() + (p.queryBatchNorm() ? "" : "noBN");
        }
        if (f instanceof FfwSpec.Pkm p) {
            return "pkmN" + p.memories() + "h" + p.heads() + "k" + p.topK();
        }
        if (f instanceof FfwSpec.Moe e) {
            return "moeE" + e.experts();
        }
        return "dense";
    }
}
