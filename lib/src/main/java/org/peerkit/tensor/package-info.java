/**
 * The numeric floor under the layers: ND4J start-up ({@link org.peerkit.tensor.Backend}), the
 * {@link org.peerkit.tensor.Doctor}, flat array access ({@link org.peerkit.tensor.Vec}), row-parallel
 * loops ({@link org.peerkit.tensor.Parallel}), top-k, and the PEER/PKM hot path behind
 * {@link org.peerkit.tensor.Kernels} (its javadoc says which code is the exact reference and which
 * the float fast path). Shape letters as in {@code org.peerkit.nn}'s package doc.
 */
package org.peerkit.tensor;
