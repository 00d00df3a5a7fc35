package org.peerkit.ffw;

/**
 * Routing health over an evaluation set, as the paper defines it (Table 2, §3.3, after Lample et
 * al.): z′ᵢ = Σₓ gᵢ(x) (0 where i was not selected), z = z′/‖z′‖₁; usage = fraction of experts with
 * zᵢ ≠ 0; unevenness = KL(z‖uniform) = log N + Σ zᵢ log zᵢ. Also raw hit counts per expert, dead
 * experts (never selected) and the √N×√N hit grid (row i, column j for expert i·√N + j) that a
 * heatmap shows.
 */
public final class RoutingStats {

    private final int numExperts;
    private final double[] gateMass;
    private final long[] hits;

    public RoutingStats(int numExperts) {
        this.numExperts = numExperts;
        this.gateMass = new double[numExperts];
        this.hits = new long[numExperts];
    }

    public void add(RoutingRecord r) {
        if (r.numExperts() != numExperts) {
            throw new IllegalArgumentException("routing record has numExperts=" + r.numExperts()
                    + " but these stats count " + numExperts);
        }
        for (int i = 0; i < r.expertTHK().length; i++) {
            gateMass[r.expertTHK()[i]] += r.gateTHK()[i];
            hits[r.expertTHK()[i]]++;
        }
    }

    /** Percentage of experts with non-zero accumulated gate (Table 2 "expert usage"). */
    public double usagePercent() {
        int used = 0;
        for (double z : gateMass) {
            if (z != 0) {
                used++;
            }
        }
        return 100.0 * used / numExperts;
    }

    /** KL(z‖uniform) in nats (Table 2 "unevenness"); 0 when perfectly even. */
    public double unevenness() {
        double total = 0;
        for (double z : gateMass) {
            total += z;
        }
        if (total == 0) {
            throw new IllegalStateException("no routing recorded yet: add() a forward's routing record first");
        }
        double kl = Math.log(numExperts);
        for (double z : gateMass) {
            if (z > 0) {
                double p = z / total;
                kl += p * Math.log(p);
            }
        }
        return kl;
    }

    public long[] hits() {
        return hits.clone();
    }

    public int deadExperts() {
        int dead = 0;
        for (long h : hits) {
            if (h == 0) {
                dead++;
            }
        }
        return dead;
    }

    /** Hits as a √N×√N grid: [i][j] counts expert i·√N + j (needs N a perfect square). */
    public long[][] hitGrid() {
        int side = (int) Math.round(Math.sqrt(numExperts));
        if (side * side != numExperts) {
            throw new IllegalStateException("hit grid needs a perfect-square numExperts, got " + numExperts);
        }
        long[][] grid = new long[side][side];
        for (int e = 0; e < numExperts; e++) {
            grid[e / side][e % side] = hits[e];
        }
        return grid;
    }
}
