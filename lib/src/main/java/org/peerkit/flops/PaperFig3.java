package org.peerkit.flops;

import java.util.List;

/**
 * The paper's Fig. 3 granularity ablations (§3.3), digitised from the figure (lib/README.md,
 * The paper's facts; ±0.05 in perplexity): (a) the number of experts N at fixed
 * h·k = 8·16 = 128 active experts, with the dense backbone "w/o PEER" as the reference, and (b) the
 * number of active experts h·k and its split into heads h and top-k per head at N = 1024². All on
 * the isoFLOP-optimal 6e18 model (d_model ≈ 1024), C4 validation perplexity. These are the paper's
 * published numbers, kept to set ours beside; nothing here is computed.
 */
public final class PaperFig3 {

    /**
     * One point of Fig. 3a.
     *
     * @param experts N, or 0 for the dense backbone without PEER
     * @param totalParams total parameters of the model
     * @param c4Perplexity C4 validation perplexity
     */
    public record ExpertsPoint(int experts, long totalParams, double c4Perplexity) {

        public boolean dense() {
            return experts == 0;
        }

        /** "dense" or N as the paper writes it: 128², 256², ... */
        public String label() {
            return dense() ? "dense" : (int) Math.round(Math.sqrt(experts)) + "²";
        }
    }

    /**
     * One cell of Fig. 3b.
     *
     * @param heads h, the number of retrieval heads
     * @param topK k, experts each head retrieves
     * @param c4Perplexity C4 validation perplexity
     */
    public record ActiveCell(int heads, int topK, double c4Perplexity) {

        /** h·k, the number of active experts per token. */
        public int active() {
            return heads * topK;
        }
    }

    /** N of every Fig. 3b cell: 1024² experts. */
    public static final int FIG3B_EXPERTS = 1024 * 1024;

    private PaperFig3() {
    }

    /** Fig. 3a: the dense backbone first, then N = 128², 256², 512², 1024² (all h = 8, k = 16). */
    public static List<ExpertsPoint> fig3a() {
        return List.of(new ExpertsPoint(0, 134_000_000L, 24.17), new ExpertsPoint(128 * 128, 160_000_000L, 23.46),
                new ExpertsPoint(256 * 256, 261_000_000L, 22.54), new ExpertsPoint(512 * 512, 663_000_000L, 21.47),
                new ExpertsPoint(1024 * 1024, 2_260_000_000L, 20.64));
    }

    /** The dense backbone of Fig. 3a (perplexity 24.17). */
    public static ExpertsPoint dense() {
        return fig3a().get(0);
    }

    /** Fig. 3b: every (h, k) cell the paper reports, h·k ascending, then h ascending. */
    public static List<ActiveCell> fig3b() {
        return List.of(
                new ActiveCell(2, 16, 21.50), new ActiveCell(4, 8, 21.70), new ActiveCell(8, 4, 22.30),
                new ActiveCell(2, 32, 21.11), new ActiveCell(4, 16, 21.03), new ActiveCell(8, 8, 21.22),
                new ActiveCell(4, 32, 20.67), new ActiveCell(8, 16, 20.64), new ActiveCell(16, 8, 20.83),
                new ActiveCell(4, 64, 20.65), new ActiveCell(8, 32, 20.43), new ActiveCell(16, 16, 20.42),
                new ActiveCell(8, 64, 20.32), new ActiveCell(16, 32, 20.26), new ActiveCell(32, 16, 20.36));
    }

    /** The Fig. 3b cell with h heads and k per head; the error lists the cells the paper has. */
    public static ActiveCell cell(int heads, int topK) {
        return fig3b().stream().filter(c -> c.heads() == heads && c.topK() == topK).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the paper's Fig. 3b has no cell h=" + heads + ", k="
                        + topK + "; it has (h, k) = " + fig3b().stream().map(c -> "(" + c.heads() + "," + c.topK()
                        + ")").toList()));
    }
}
