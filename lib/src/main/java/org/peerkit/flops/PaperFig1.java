package org.peerkit.flops;

import java.util.ArrayList;
import java.util.List;

/**
 * The points of the paper's Fig. 1 (isoFLOP curves on C4), digitised from the figure
 * (±3 % in parameters, ±0.05 in perplexity), with the d_model each point sits on
 * (inferred: lib/README.md, The paper's facts). These are the paper's published numbers, kept to compare our counts
 * and our curves against; nothing here is computed.
 */
public final class PaperFig1 {

    /**
     * @param budget training FLOPs of the curve (6e18 or 2e19)
     * @param params total parameters read off the x axis
     * @param c4Perplexity C4 validation perplexity read off the y axis
     * @param minimum whether this is the curve's lowest point
     */
    public record Point(double budget, FfwKind kind, int dModel, long params, double c4Perplexity, boolean minimum) {
    }

    private static final int[] D_6E18 = {512, 640, 768, 896, 1024, 1152, 1280, 1408, 1536, 1664};
    private static final int[] D_2E19 = {896, 1024, 1152, 1280, 1408, 1536, 1664, 1792, 2048, 2304};

    private PaperFig1() {
    }

    public static List<Point> points() {
        List<Point> out = new ArrayList<>();
        add(out, 6e18, FfwKind.DENSE, D_6E18, new double[] {29e6, 45e6, 67e6, 97e6, 134e6, 181e6, 238e6, 307e6, 391e6,
            486e6}, new double[] {32.12, 28.65, 26.35, 24.91, 24.17, 23.84, 23.71, 24.04, 24.48, 25.10}, 6);
        add(out, 6e18, FfwKind.MOE, D_6E18, new double[] {279e6, 436e6, 626e6, 857e6, 1.13e9, 1.45e9, 1.79e9, 2.19e9,
            2.62e9, 3.11e9}, new double[] {26.05, 23.62, 22.17, 21.59, 21.53, 21.71, 22.18, 22.55, 23.20, 23.71}, 4);
        add(out, 6e18, FfwKind.PKM, D_6E18, new double[] {565e6, 715e6, 868e6, 1.03e9, 1.20e9, 1.38e9, 1.57e9, 1.77e9,
            1.99e9, 2.21e9}, new double[] {25.19, 23.48, 22.25, 21.92, 22.01, 22.23, 22.69, 23.27, 23.82, 24.52}, 3);
        add(out, 6e18, FfwKind.PEER, D_6E18, new double[] {1.10e9, 1.36e9, 1.68e9, 1.97e9, 2.27e9, 2.59e9, 2.91e9,
            3.24e9, 3.59e9, 3.95e9}, new double[] {23.78, 21.83, 21.16, 20.63, 20.64, 20.83, 21.25, 21.73, 22.62, 23.36},
            3);
        add(out, 2e19, FfwKind.DENSE, D_2E19, new double[] {96e6, 134e6, 181e6, 239e6, 308e6, 390e6, 488e6, 597e6,
            871e6, 1.22e9}, new double[] {20.96, 19.88, 19.13, 18.67, 18.44, 18.32, 18.31, 18.44, 18.88, 19.66}, 6);
        add(out, 2e19, FfwKind.MOE, D_2E19, new double[] {861e6, 1.13e9, 1.44e9, 1.79e9, 2.18e9, 2.63e9, 3.11e9, 3.64e9,
            4.82e9, 6.21e9}, new double[] {17.84, 17.41, 17.21, 17.11, 17.09, 17.24, 17.67, 17.89, 18.23, 18.81}, 4);
        add(out, 2e19, FfwKind.PKM, D_2E19, new double[] {1.03e9, 1.20e9, 1.38e9, 1.57e9, 1.77e9, 1.98e9, 2.21e9, 2.45e9,
            2.99e9, 3.60e9}, new double[] {17.95, 17.57, 17.34, 17.36, 17.53, 17.70, 17.82, 18.11, 18.62, 19.52}, 2);
        add(out, 2e19, FfwKind.PEER, D_2E19, new double[] {1.97e9, 2.28e9, 2.58e9, 2.91e9, 3.25e9, 3.60e9, 3.96e9,
            4.33e9, 5.13e9, 6.01e9}, new double[] {17.12, 16.74, 16.55, 16.45, 16.55, 16.70, 16.96, 17.34, 18.09, 19.14},
            3);
        return out;
    }

    private static void add(List<Point> out, double budget, FfwKind kind, int[] ds, double[] params, double[] ppl,
            int minIndex) {
        for (int i = 0; i < ds.length; i++) {
            out.add(new Point(budget, kind, ds[i], Math.round(params[i]), ppl[i], i == minIndex));
        }
    }
}
