package org.peerkit.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PeerShapeTest {

    @Test
    void paperScaleSizes() {
        PeerShape s = new PeerShape(1024, 1024 * 1024, 8, 16, 128, 0);
        assertEquals(1024, s.subKeys());
        assertEquals(16, s.halfK());
        assertEquals(128, s.slots());
        assertEquals(16, s.kernelK());
        assertEquals(2.0 * 1024 * 1024 + 2.0 * 8 * 128 * 1024 + 4.0 * 128 * 1024, s.forwardFlopsPerToken());
    }

    @Test
    void kernelVariantCoversK() {
        assertEquals(4, new PeerShape(64, 16, 2, 3, 8, 0).kernelK());
        assertEquals(8, new PeerShape(64, 256, 2, 5, 8, 1).kernelK());
        assertEquals(32, new PeerShape(64, 1024, 1, 17, 8, 0).kernelK());
    }

    @Test
    void badSizesNameTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PeerShape(64, 15, 1, 2, 8, 0));
        assertTrue(e.getMessage().contains("numExperts=15"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new PeerShape(66, 16, 1, 2, 8, 0));
        assertTrue(e.getMessage().contains("dModel=66"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new PeerShape(64, 16, 1, 33, 8, 0));
        assertTrue(e.getMessage().contains("k=33"), e.getMessage());
    }
}
