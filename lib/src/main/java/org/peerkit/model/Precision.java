package org.peerkit.model;

import org.nd4j.linalg.api.buffer.DataType;

/** Number format of parameters and activations: FLOAT to train, DOUBLE for gradient checks. */
public enum Precision {
    FLOAT(DataType.FLOAT), DOUBLE(DataType.DOUBLE);

    private final DataType dataType;

    Precision(DataType dataType) {
        this.dataType = dataType;
    }

    public DataType dataType() {
        return dataType;
    }
}
