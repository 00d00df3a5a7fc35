package org.peerkit.cuda;

/**
 * The activations and scratch of a {@link PeerDevice} for at most T tokens (R = T·h rows of
 * retrieval, M = h·k slots per token). Kept between forward and backward, as lib's PeerLayer does.
 */
public final class PeerBuffers {
    /** [T, h·Q] queries. */
    public final DeviceArray q;
    /** [R, S] sub-key scores of each half. */
    final DeviceArray s1;
    final DeviceArray s2;
    /** [R, k'] per-half top-k' values and sub-key indices. */
    final DeviceArray top1v;
    final DeviceArray top1i;
    final DeviceArray top2v;
    final DeviceArray top2i;
    /** [T, M]: scores, gates, sub-key rows/columns, experts, pre-activations, their gradients. */
    public final DeviceArray scores;
    public final DeviceArray gates;
    public final DeviceArray rows;
    public final DeviceArray cols;
    public final DeviceArray expert;
    public final DeviceArray preAct;
    public final DeviceArray dGates;
    public final DeviceArray dScores;
    /** [T, D] output and input gradient; [T, h·Q] query gradient. */
    public final DeviceArray y;
    public final DeviceArray dx;
    public final DeviceArray dq;
    /** One byte per expert (flags of pk_mix_backward), the touched rows and their count. */
    final DeviceArray used;
    public final DeviceArray touched;
    public final DeviceArray touchedCount;

    PeerBuffers(Gpu gpu, PeerShape shape, int tokens) {
        long r = (long) tokens * shape.heads();
        long tm = (long) tokens * shape.slots();
        q = gpu.alloc((long) tokens * shape.queryWidth());
        s1 = gpu.alloc(r * shape.subKeys());
        s2 = gpu.alloc(r * shape.subKeys());
        top1v = gpu.alloc(r * shape.halfK());
        top1i = gpu.alloc(r * shape.halfK());
        top2v = gpu.alloc(r * shape.halfK());
        top2i = gpu.alloc(r * shape.halfK());
        scores = gpu.alloc(tm);
        gates = gpu.alloc(tm);
        rows = gpu.alloc(tm);
        cols = gpu.alloc(tm);
        expert = gpu.alloc(tm);
        preAct = gpu.alloc(tm);
        dGates = gpu.alloc(tm);
        dScores = gpu.alloc(tm);
        y = gpu.alloc((long) tokens * shape.dModel());
        dx = gpu.alloc((long) tokens * shape.dModel());
        dq = gpu.alloc((long) tokens * shape.queryWidth());
        used = gpu.alloc((shape.numExperts() + 3L) / 4);
        touched = gpu.alloc(Math.min(tm, shape.numExperts()));
        touchedCount = gpu.alloc(1);
    }

    void free(Gpu gpu) {
        for (DeviceArray a : new DeviceArray[] {q, s1, s2, top1v, top1i, top2v, top2i, scores, gates, rows, cols, expert,
            preAct, dGates, dScores, y, dx, dq, used, touched, touchedCount}) {
            gpu.free(a);
        }
    }
}
