package org.peerkit.bench;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.peerkit.ffw.PeerConfig;
import org.peerkit.ffw.PeerLayer;
import org.peerkit.nn.Rng;

/**
 * PEER forward and forward+backward at the PyTorch yardstick's sizes (lib/README.md, The PEER
 * reference; README, Benchmarks): T = 4096
 * tokens, d_model 256, h = 8, k = 16, d_key 128, query BN on, GELU, float32, N = side². A pass
 * takes 0.1–2 s, so each iteration times one call (single shot); tokens/s = T / time. Peak
 * resident memory of the fork (VmHWM, heap + ND4J's off-heap) is printed at tear-down.
 *
 * <p>Run: {@code java -cp "lib/benchmarks/target/classes:$(cat lib/benchmarks/target/classpath.txt)"
 * org.openjdk.jmh.Main PeerBench -p side=128 -wi 10 -i 10 -f 1} (C2 needs several calls to compile
 * the kernels; README, Benchmarks, says how many warm-ups). Each call ends with
 * {@code Nd4j.getExecutioner().commit()} (nothing on the CPU backend) so the timer covers all the
 * queued work. The GPU counterpart is lib/cuda's PeerBench (environment/gpu.sh device).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PeerBench {

    @Param({"128", "256", "512", "1024"})
    public int side;
    @Param("4096")
    public int tokens;
    /** 256 is the yardstick's width; {@code -p dModel=1024} is the paper's scale (GPU runs). */
    @Param("256")
    public int dModel;

    private PeerLayer layer;
    private INDArray xTxD;
    private INDArray dyTxD;

    @Setup(Level.Trial)
    public void setUp() {
        PeerConfig cfg = PeerConfig.defaults().withNumExperts(side * side).withDModel(dModel);
        layer = new PeerLayer("peer", cfg, DataType.FLOAT, new Rng(1));
        Rng rng = new Rng(2);
        xTxD = rng.normal(DataType.FLOAT, 1.0, tokens, cfg.dModel());
        dyTxD = rng.normal(DataType.FLOAT, 1.0, tokens, cfg.dModel());
    }

    @Benchmark
    public INDArray forward() {
        return LayerPasses.forward(layer, xTxD);
    }

    @Benchmark
    public INDArray forwardBackward() {
        return LayerPasses.forwardBackward(layer, xTxD, dyTxD);
    }

    @TearDown(Level.Trial)
    public void peakMemory() throws IOException {
        PeakMemory.print("side=" + side);
    }
}
