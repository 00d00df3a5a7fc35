package org.peerkit.cuda;

/**
 * A parameter's value and gradient on the GPU; for a row-sparse one (PEER's u, v) also the list
 * of rows its last backward touched, their count (both device arrays, never read by the host) and
 * the most rows a step can touch (the grid of the row kernels).
 */
record ParamArrays(DeviceArray value, DeviceArray grad, DeviceArray touched, DeviceArray touchedCount, int maxRows) {

    static ParamArrays dense(DeviceArray value, DeviceArray grad) {
        return new ParamArrays(value, grad, null, null, 0);
    }

    boolean rowSparse() {
        return touched != null;
    }
}
