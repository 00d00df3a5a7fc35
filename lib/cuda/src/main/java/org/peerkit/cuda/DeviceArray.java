package org.peerkit.cuda;

/**
 * A float32 or int32 array in GPU memory: a device address and an element count (4 bytes each).
 * Freed by {@link Gpu#free}; a step's arrays live as long as the layer that owns them.
 */
public record DeviceArray(long address, long length) {

    public long bytes() {
        return 4 * length;
    }

    /** The address of element {@code index} (for a row or column slice). */
    public long at(long index) {
        if (index < 0 || index > length) {
            throw new IndexOutOfBoundsException("element " + index + " outside an array of " + length);
        }
        return address + 4 * index;
    }
}
