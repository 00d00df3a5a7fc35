package org.peerkit.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.peerkit.ffw.PeerConfig;
import org.peerkit.ffw.PeerLayer;
import org.peerkit.nn.Rng;
import org.peerkit.train.AdamW;
import org.peerkit.train.AdamWConfig;
import org.peerkit.train.SparseRowAdamW;

/**
 * The expert-table optimiser step of a PEER layer at N = side² experts (default 1024²), d_model 256:
 * AdamW over both tables u and v ([N, 256] each), either dense over every row ({@code dense}) or on
 * the rows one training step touched ({@code sparse}: {@link SparseRowAdamW}'s row update, through
 * {@link AdamW}'s sparse mode exactly as the {@code Trainer} runs it). The gradients and touched rows
 * come from one real forward+backward of the layer at the yardstick's sizes (T = 4096, h = 8,
 * k = 16, d_key 128, BN on) in setup, which prints how many rows that was. Score: ms per step
 * (single shot: a dense step takes seconds).
 *
 * <p>Memory: u, v, their gradients and the two moments are 8 GiB off-heap at N = 1024².
 * Run: {@code java -cp "lib/benchmarks/target/classes:$(cat lib/benchmarks/target/classpath.txt)"
 * org.openjdk.jmh.Main OptimizerStepBench -wi 1 -i 3 -f 1}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(jvmArgsAppend = {"-Xmx6g", "-Dorg.bytedeco.javacpp.maxbytes=12G", "-Dorg.bytedeco.javacpp.maxphysicalbytes=14G"})
public class OptimizerStepBench {

    @Param({"sparse", "dense"})
    public String mode;
    @Param("1024")
    public int side;
    @Param("4096")
    public int tokens;

    private AdamW opt;

    @Setup(Level.Trial)
    public void setUp() {
        PeerConfig cfg = PeerConfig.defaults().withNumExperts(side * side).withDModel(256);
        PeerLayer layer = new PeerLayer("peer", cfg, DataType.FLOAT, new Rng(1));
        Rng rng = new Rng(2);
        layer.forward(rng.normal(DataType.FLOAT, 1.0, tokens, cfg.dModel()));
        layer.backward(rng.normal(DataType.FLOAT, 1.0, tokens, cfg.dModel()));
        System.out.printf("%none step at T=%d, h=%d, k=%d touched %d of %d rows (%.1f %%)%n", tokens, cfg.heads(),
                cfg.k(), layer.u().touchedRowCount(), cfg.numExperts(),
                100.0 * layer.u().touchedRowCount() / cfg.numExperts());
        opt = new AdamW(List.of(layer.u(), layer.v()), AdamWConfig.defaults(), switch (mode) {
            case "sparse" -> true;
            case "dense" -> false;
            default -> throw new IllegalArgumentException("mode=" + mode + ": sparse or dense");
        });
    }

    /** One step; the gradients (and touched rows) stay those of the setup's backward. */
    @Benchmark
    public long step() {
        opt.step(1e-3);
        return opt.stepCount();
    }
}
