/**
 * Layers with hand-written backward passes on ND4J arrays ({@link org.peerkit.nn.Module}: named
 * {@link org.peerkit.nn.Param}s, forward keeps what backward needs, one backward per forward).
 *
 * <p>Shape letters used in names: B batch, T positions, D model width, H heads, E head width,
 * F FFW hidden width, V vocabulary, N = B·T tokens, G = B·H attention groups.
 *
 * <p>Compute: every matrix product goes through {@link org.peerkit.nn.Gemm} into a preallocated
 * output (and is counted for FLOP checks); element-wise and row-wise work runs as fused Java passes
 * over the arrays' native memory ({@link org.peerkit.tensor.Vec}, {@link org.peerkit.tensor.Parallel}), with
 * ND4J used for exp, where it is faster than Java. Outputs are module-owned buffers reused across
 * steps ({@link org.peerkit.nn.Buffers}). The Java kernels read host memory: they assume the CPU
 * backend.
 */
package org.peerkit.nn;
