package org.peerkit.ffw;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.peerkit.nn.Rng;
import org.peerkit.tensor.Activation;

/**
 * PEER against the PyTorch reference's fixed-seed float64 outputs
 * ({@code src/test/resources/yardstick/peer_small.json}; lib/README.md, The PEER reference): every intermediate, the output and every gradient, in float64 to
 * 1e-10 and float32 to 1e-5 relative (tensor-wise ‖a − b‖ / ‖b‖).
 */
class PeerReferenceTest {

    private static JsonNode doc;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = PeerReferenceTest.class.getResourceAsStream("/yardstick/peer_small.json")) {
            doc = new ObjectMapper().readTree(in);
        }
    }

    @ParameterizedTest
    @CsvSource({"gelu_nobn,DOUBLE,1e-10", "gelu_bn_train,DOUBLE,1e-10", "relu_nobn,DOUBLE,1e-10",
            "gelu_nobn,FLOAT,1e-5", "gelu_bn_train,FLOAT,1e-5", "relu_nobn,FLOAT,1e-5"})
    void matchesYardstick(String caseName, DataType dtype, double tol) {
        JsonNode sizes = doc.get("sizes");
        JsonNode c = doc.get("cases").get(caseName);
        JsonNode cfgNode = c.get("config");
        JsonNode ref = c.get("tensors");
        int t = sizes.get("T").asInt();
        int heads = sizes.get("heads").asInt();
        int k = sizes.get("top_k").asInt();
        boolean bnOn = cfgNode.get("query_bn").asBoolean();
        PeerConfig cfg = new PeerConfig(sizes.get("d_model").asInt(),
                new ProductKeys(sizes.get("N").asInt(), heads, k, sizes.get("d_key").asInt(), bnOn),
                Activation.valueOf(cfgNode.get("act").asText().toUpperCase()));
        PeerLayer layer = new PeerLayer("peer", cfg, dtype, new Rng(7));
        layer.queryWeight().value().assign(input("W_q", dtype).transpose());
        layer.subKeys1().value().assign(input("sub_keys1", dtype));
        layer.subKeys2().value().assign(input("sub_keys2", dtype));
        layer.u().value().assign(input("u", dtype));
        layer.v().value().assign(input("v", dtype));
        if (bnOn) {
            layer.queryBatchNorm().gamma().value().assign(input("bn_gamma", dtype));
            layer.queryBatchNorm().beta().value().assign(input("bn_beta", dtype));
        }
        INDArray x = input("x", dtype);
        INDArray y = layer.forward(x);
        close("q", layer.queries(), ref.get("q"), tol);
        close("scores", layer.scores(), ref.get("scores"), tol);
        assertArrayEquals(longs(ref.get("idx")), ints(layer.routing().expertTHK()), "expert indices");
        close("gates", layer.gates(), ref.get("gates"), tol);
        close("pre_act", layer.preActivations(), ref.get("pre_act"), tol);
        close("y", y, ref.get("y"), tol);

        INDArray dx = layer.backward(input("dy", dtype));
        close("grad_x", dx, ref.get("grad_x"), tol);
        close("grad_W_q", layer.queryWeight().grad().transpose(), ref.get("grad_W_q"), tol);
        close("grad_sub_keys1", layer.subKeys1().grad(), ref.get("grad_sub_keys1"), tol);
        close("grad_sub_keys2", layer.subKeys2().grad(), ref.get("grad_sub_keys2"), tol);
        close("grad_u", layer.u().grad(), ref.get("grad_u"), tol);
        close("grad_v", layer.v().grad(), ref.get("grad_v"), tol);
        if (bnOn) {
            close("grad_bn_gamma", layer.queryBatchNorm().gamma().grad(), ref.get("grad_bn_gamma"), tol);
            close("grad_bn_beta", layer.queryBatchNorm().beta().grad(), ref.get("grad_bn_beta"), tol);
            close("bn_running_mean", Nd4j.createFromArray(layer.queryBatchNorm().runningMean()),
                    ref.get("bn_running_mean"), tol);
            close("bn_running_var", Nd4j.createFromArray(layer.queryBatchNorm().runningVar()),
                    ref.get("bn_running_var"), tol);
        }
    }

    private static INDArray input(String name, DataType dtype) {
        return tensor(doc.get("inputs").get(name)).castTo(dtype);
    }

    static INDArray tensor(JsonNode node) {
        JsonNode data = node.get("data");
        double[] d = new double[data.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = data.get(i).asDouble();
        }
        long[] shape = new long[node.get("shape").size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = node.get("shape").get(i).asLong();
        }
        return Nd4j.createFromArray(d).reshape(shape);
    }

    private static long[] longs(JsonNode node) {
        JsonNode data = node.get("data");
        long[] out = new long[data.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = data.get(i).asLong();
        }
        return out;
    }

    private static long[] ints(int[] a) {
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }

    private static void close(String what, INDArray actual, JsonNode expected, double tol) {
        double[] a = actual.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] e = tensor(expected).data().asDouble();
        assertTrue(a.length == e.length, what + ": length " + a.length + " vs reference " + e.length);
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < a.length; i++) {
            diff += (a[i] - e[i]) * (a[i] - e[i]);
            norm += e[i] * e[i];
        }
        double rel = Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-300);
        assertTrue(rel <= tol, what + ": relative error " + rel + " > " + tol);
    }
}
