/**
 * Parameter and FLOP accounting for isoFLOP comparisons ({@link org.peerkit.flops.FlopCount}):
 * forward = 2 × active matmul parameters + attention 4·T·D per layer, training = 3 × forward.
 */
package org.peerkit.flops;
