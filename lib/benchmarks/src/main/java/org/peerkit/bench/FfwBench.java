package org.peerkit.bench;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.peerkit.ffw.DenseFfw;
import org.peerkit.ffw.FeedForward;
import org.peerkit.ffw.MoeConfig;
import org.peerkit.ffw.MoeFfw;
import org.peerkit.ffw.PkmConfig;
import org.peerkit.ffw.PkmLayer;
import org.peerkit.nn.Rng;
import org.peerkit.tensor.Activation;

/**
 * The baselines beside {@link PeerBench} (issue 6 item 7), forward and forward+backward at the
 * yardstick's sizes: T = 4096 tokens, d_model 256, float32, GELU.
 * <ul>
 *   <li>{@code pkm}: the paper's PKM baseline, N = side² values (default 1024²), h = 8, k = 32,
 *       d_key 128, per-head sub-keys, query BN ({@link PkmConfig#defaults()});</li>
 *   <li>{@code moe}: 16 experts × 64 hidden, top-2 token choice, capacity factor 1.25
 *       ({@link MoeConfig#defaults()});</li>
 *   <li>{@code dense128}, {@code dense1024}: the transformer MLP with d_ff 128 and 1024.</li>
 * </ul>
 * Scores are tokens/s (throughput mode, one operation = one token, {@code @OperationsPerInvocation}
 * = T). Peak resident memory of the fork is printed at tear-down.
 *
 * <p>Run: {@code java -cp "lib/benchmarks/target/classes:$(cat lib/benchmarks/target/classpath.txt)"
 * org.openjdk.jmh.Main FfwBench -wi 1 -i 3 -f 1} (add {@code -p kind=pkm} for one kind).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(FfwBench.TOKENS)
@Warmup(time = 2)
@Measurement(time = 2)
@Fork(jvmArgsAppend = {"-Xmx6g", "-Dorg.bytedeco.javacpp.maxbytes=8G", "-Dorg.bytedeco.javacpp.maxphysicalbytes=12G"})
public class FfwBench {

    static final int TOKENS = 4096;

    @Param({"pkm", "moe", "dense128", "dense1024"})
    public String kind;
    /** √N for {@code pkm} (ignored by the others). */
    @Param("1024")
    public int side;
    @Param("256")
    public int dModel;

    private FeedForward layer;
    private INDArray xTxD;
    private INDArray dyTxD;

    @Setup(Level.Trial)
    public void setUp() {
        Rng rng = new Rng(1);
        layer = switch (kind) {
            case "pkm" -> {
                PkmConfig d = PkmConfig.defaults();
                yield new PkmLayer("pkm", d.withDModel(dModel).withNumExperts(side * side), DataType.FLOAT,
                        rng);
            }
            case "moe" -> {
                MoeConfig d = MoeConfig.defaults();
                yield new MoeFfw("moe", new MoeConfig(dModel, d.numExperts(), d.dHidden(), d.router(), d.topK(),
                        d.capacityFactor(), d.loadBalanceWeight(), d.zLossWeight(), d.activation()), DataType.FLOAT, rng);
            }
            case "dense128", "dense1024" -> new DenseFfw("dense", dModel, Integer.parseInt(kind.substring(5)),
                    Activation.GELU, false, 0.02, 0.02, DataType.FLOAT, rng);
            default -> throw new IllegalArgumentException("kind=" + kind + ": pkm, moe, dense128 or dense1024");
        };
        Rng data = new Rng(2);
        xTxD = data.normal(DataType.FLOAT, 1.0, TOKENS, dModel);
        dyTxD = data.normal(DataType.FLOAT, 1.0, TOKENS, dModel);
    }

    @Benchmark
    public INDArray forward() {
        return LayerPasses.forward(layer, xTxD);
    }

    @Benchmark
    public INDArray forwardBackward() {
        INDArray dx = LayerPasses.forwardBackward(layer, xTxD, dyTxD);
        layer.zeroGrads();  // as the trainer: gradients do not pile up over invocations
        return dx;
    }

    @TearDown(Level.Trial)
    public void peakMemory() throws IOException {
        PeakMemory.print(kind);
    }
}
