package org.peerkit.flops;

import java.util.ArrayList;
import java.util.List;

/**
 * The paper's Table 2 (query BatchNorm ablation, §3.3, measured on the C4 validation set) and the
 * two curves of its Fig. 4 (the 1M-expert PEER isoFLOP curve at 6e18 FLOPs with and without query
 * BN, digitised: ±3 % in parameters, ±0.05 in perplexity), as digitised for lib/README.md, The paper's facts. These are the paper's published numbers, kept to set ours
 * beside; nothing here is computed.
 */
public final class PaperTable2 {

    /**
     * One column of Table 2.
     *
     * @param experts N (the paper's 16k, 65k, 262k, 1M are 128², 256², 512², 1024²)
     * @param batchNorm whether the query network ends in BatchNorm
     * @param perplexity C4 validation perplexity
     * @param usagePercent percentage of experts with non-zero accumulated router weight
     * @param unevenness KL(z‖uniform) in nats of the accumulated router weights z
     */
    public record Column(int experts, boolean batchNorm, double perplexity, double usagePercent, double unevenness) {

        /** N as the paper writes it: 16k, 65k, 262k, 1M. */
        public String label() {
            return experts >= 1 << 20 ? Math.round(experts / 1048576.0) + "M" : experts / 1000 + "k";  // the paper truncates: 65,536 is "65k"
        }
    }

    /** One point of Fig. 4: total parameters and C4 perplexity of the 6e18 isoFLOP curve. */
    public record Fig4Point(long params, boolean batchNorm, double c4Perplexity) {
    }

    private static final int[] SIDES = {128, 256, 512, 1024};
    // per N: {ppl without BN, ppl with BN, usage without, usage with, unevenness without, with}
    private static final double[][] CELLS = {
        {23.47, 23.47, 100.0, 100.0, 0.45, 0.30},
        {22.61, 22.55, 100.0, 100.0, 0.63, 0.44},
        {21.54, 21.47, 100.0, 100.0, 0.97, 0.66},
        {20.73, 20.64, 99.8, 100.0, 1.52, 1.06},
    };
    private static final double[] FIG4_PARAMS = {1.10e9, 1.39e9, 1.68e9, 1.97e9, 2.28e9, 2.59e9, 2.91e9, 3.24e9,
        3.59e9, 3.95e9};
    private static final double[] FIG4_NO_BN = {23.78, 21.86, 21.29, 20.77, 20.72, 20.94, 21.42, 21.80, 22.63, 23.41};
    private static final double[] FIG4_BN = {23.78, 21.81, 21.17, 20.63, 20.64, 20.84, 21.25, 21.73, 22.63, 23.37};

    private PaperTable2() {
    }

    /** The eight columns of Table 2 in the paper's order: N ascending, BN off before on. */
    public static List<Column> columns() {
        List<Column> out = new ArrayList<>();
        for (int i = 0; i < SIDES.length; i++) {
            int n = SIDES[i] * SIDES[i];
            double[] c = CELLS[i];
            out.add(new Column(n, false, c[0], c[2], c[4]));
            out.add(new Column(n, true, c[1], c[3], c[5]));
        }
        return out;
    }

    /** The column for N experts with or without BN; the error lists the paper's N. */
    public static Column column(int experts, boolean batchNorm) {
        return columns().stream().filter(c -> c.experts() == experts && c.batchNorm() == batchNorm).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the paper's Table 2 has no N=" + experts
                        + "; it reports N = 16384, 65536, 262144, 1048576"));
    }

    /** Fig. 4's two curves (BN off, then on), parameters ascending. */
    public static List<Fig4Point> fig4() {
        List<Fig4Point> out = new ArrayList<>();
        for (boolean bn : new boolean[] {false, true}) {
            double[] ppl = bn ? FIG4_BN : FIG4_NO_BN;
            for (int i = 0; i < FIG4_PARAMS.length; i++) {
                out.add(new Fig4Point(Math.round(FIG4_PARAMS[i]), bn, ppl[i]));
            }
        }
        return out;
    }
}
