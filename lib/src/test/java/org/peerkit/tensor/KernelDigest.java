package org.peerkit.tensor;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.peerkit.ffw.PeerConfig;
import org.peerkit.ffw.PeerLayer;
import org.peerkit.nn.Gemm;
import org.peerkit.nn.Param;
import org.peerkit.nn.Rng;

/**
 * Run in a fresh JVM by {@link ThreadCountDeterminismTest} with a given processor count: prints one
 * line "name sha256" per result of the kernels whose sums could depend on how work is split —
 * a PEER layer's forward and backward (retrieval, its backward's per-partition sub-key gradients,
 * the expert-major and token-major mixing) in float and in double, and ND4J's GEMMs (OpenBLAS).
 */
public final class KernelDigest {

    private KernelDigest() {
    }

    public static void main(String[] args) throws Exception {
        Backend.start();
        // 2100 tokens, 64 experts: expert-major mixing (pairs ≫ experts) and 16 retrieval partitions;
        // 300 tokens, 4096 experts: token-major mixing
        peer("peer-expert-major", 2100, 64, DataType.FLOAT);
        peer("peer-token-major", 300, 4096, DataType.FLOAT);
        peer("peer-exact", 300, 64, DataType.DOUBLE);
        gemms();
    }

    private static void peer(String name, int tokens, int experts, DataType dt) throws Exception {
        PeerConfig cfg = PeerConfig.defaults().withDModel(32).withHeads(4).withK(8).withDKey(16)
                .withNumExperts(experts).withActivation(Activation.GELU).withQueryBatchNorm(true);
        PeerLayer layer = new PeerLayer("peer", cfg, dt, new Rng(5));
        Rng rng = new Rng(6);
        INDArray x = rng.normal(dt, 1, tokens, 32);
        INDArray dy = rng.normal(dt, 1, tokens, 32);
        print(name + ".y", layer.forward(x));
        print(name + ".dx", layer.backward(dy));
        for (Param p : layer.params()) {
            print(name + ".d" + p.name(), p.grad());
        }
    }

    /** Plain, transposed and column-sum (ones-vector) GEMMs at sizes OpenBLAS splits over threads. */
    private static void gemms() throws Exception {
        Rng rng = new Rng(7);
        INDArray a = rng.normal(DataType.FLOAT, 1, 1024, 512);
        INDArray b = rng.normal(DataType.FLOAT, 1, 512, 384);
        INDArray c = Nd4j.create(DataType.FLOAT, 1024, 384);
        Gemm.mm(a, b, c, false, false, 1.0, 0.0);
        print("gemm", c);
        INDArray bt = Nd4j.create(DataType.FLOAT, 512, 384);
        Gemm.mm(a, c, bt, true, false, 1.0, 0.0);
        print("gemm-tn", bt);
        INDArray at = Nd4j.create(DataType.FLOAT, 1024, 512);
        Gemm.mm(c, b, at, false, true, 1.0, 0.0);
        print("gemm-nt", at);
        INDArray colSums = Nd4j.create(DataType.FLOAT, 1, 384);
        Gemm.addColumnSums(Nd4j.ones(DataType.FLOAT, 1024), c, colSums);
        print("gemm-colsum", colSums);
        print("sum0", c.sum(0));
        print("max1", c.max(1));
    }

    private static void print(String name, INDArray arr) throws Exception {
        INDArray flat = arr.dup().reshape(arr.length());
        ByteBuffer buf = ByteBuffer.allocate((int) arr.length() * 8);
        for (long i = 0; i < flat.length(); i++) {
            buf.putDouble(flat.getDouble(i));
        }
        byte[] h = MessageDigest.getInstance("SHA-256").digest(buf.array());
        System.out.println(name + " " + HexFormat.of().formatHex(h));
    }
}
