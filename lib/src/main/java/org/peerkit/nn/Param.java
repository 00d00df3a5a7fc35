package org.peerkit.nn;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.peerkit.tensor.Vec;

/**
 * A named trainable tensor with its gradient. Names are stable ("blocks.0.attn.qkv.weight"):
 * checkpoints, the optimiser and FLOP/parameter counts key on them.
 *
 * <p>The gradient has the value's shape and dtype and is accumulated by {@code backward} (never
 * overwritten), so gradient accumulation over micro-batches is a matter of not zeroing it.
 *
 * <p>Row-sparse gradients: an expert table (PEER's u and v, PKM's values: [N, D] with only the routed
 * rows used per step) can be switched to {@link #trackRows() row tracking}. Its writers then report
 * the rows they accumulated into ({@link #markRows}), every other row of the gradient is zero, and
 * {@link #zeroGrad()} clears only the touched rows: O(rows·D) instead of O(N·D) per step. Whoever
 * writes to the gradient of a tracked parameter must mark the rows it wrote (or call
 * {@link #markAllRows()}), otherwise a later {@code zeroGrad} leaves them stale.
 */
public final class Param {

    /** What a parameter is; AdamW decides weight decay from this (no decay on norms and biases). */
    public enum Kind { WEIGHT, BIAS, NORM, EMBEDDING }

    private final String name;
    private final Kind kind;
    private final INDArray value;
    private final INDArray grad;
    private boolean[] touched;  // null: a dense gradient
    private int[] touchedList;
    private int touchedCount;
    private boolean touchedSorted = true;

    public Param(String name, Kind kind, INDArray value) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("param name must be non-empty");
        }
        this.name = name;
        this.kind = kind;
        this.value = value;
        this.grad = Nd4j.zeros(value.dataType(), value.shape());
    }

    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    public INDArray value() {
        return value;
    }

    public INDArray grad() {
        return grad;
    }

    public long size() {
        return value.length();
    }

    public long[] shape() {
        return value.shape();
    }

    /**
     * Zeros the gradient: for a row-tracked parameter only the touched rows (the others are zero
     * already), then forgets them.
     */
    public void zeroGrad() {
        if (touched == null) {
            grad.assign(0);
            return;
        }
        int d = (int) (value.length() / value.size(0));
        Vec g = Vec.of(grad);
        for (int r = 0; r < touchedCount; r++) {
            int row = touchedList[r];
            for (int i = row * d, end = i + d; i < end; i++) {
                g.set(i, 0.0);
            }
            touched[row] = false;
        }
        touchedCount = 0;
        touchedSorted = true;
    }

    /**
     * Turns on row tracking for this 2-D table (see the class comment); the gradient must be zero
     * now. Returns this.
     */
    public Param trackRows() {
        if (value.rank() != 2) {
            throw new IllegalArgumentException(name + ": row tracking needs a 2-D table, got shape "
                    + Arrays.toString(value.shape()));
        }
        if (touched == null) {
            touched = new boolean[(int) value.size(0)];
            touchedList = new int[16];
        }
        return this;
    }

    /** Whether the gradient is row-sparse with tracked rows. */
    public boolean rowTracked() {
        return touched != null;
    }

    /** Records that gradients were accumulated into {@code rows} (any order, repeats allowed). */
    public void markRows(int[] rows) {
        if (touched == null) {
            return;
        }
        for (int row : rows) {
            if (row < 0 || row >= touched.length) {
                throw new IllegalArgumentException(name + ": row " + row + " outside [0, " + touched.length + ")");
            }
            if (!touched[row]) {
                touched[row] = true;
                if (touchedCount == touchedList.length) {
                    touchedList = Arrays.copyOf(touchedList, Math.max(16, 2 * touchedCount));
                }
                if (touchedCount > 0 && touchedList[touchedCount - 1] > row) {
                    touchedSorted = false;
                }
                touchedList[touchedCount++] = row;
            }
        }
    }

    /** Marks every row touched (after writing a dense gradient into a tracked parameter). */
    public void markAllRows() {
        if (touched == null) {
            return;
        }
        int[] all = new int[touched.length];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        markRows(all);
    }

    /**
     * Rows with (possibly) non-zero gradient since the last {@link #zeroGrad()}, ascending; every
     * row for a parameter without tracking.
     */
    public int[] touchedRows() {
        if (touched == null) {
            int n = value.rank() == 0 ? 1 : (int) value.size(0);
            int[] all = new int[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            return all;
        }
        if (!touchedSorted) {
            Arrays.sort(touchedList, 0, touchedCount);
            touchedSorted = true;
        }
        return Arrays.copyOf(touchedList, touchedCount);
    }

    /** How many rows {@link #touchedRows()} holds. */
    public int touchedRowCount() {
        return touched == null ? (value.rank() == 0 ? 1 : (int) value.size(0)) : touchedCount;
    }

    @Override
    public String toString() {
        return name + Arrays.toString(value.shape()) + " " + kind;
    }
}
