/**
 * Layers with hand-written backward passes on ND4J arrays ({@link org.peerkit.nn.Module}: named
 * {@link org.peerkit.nn.Param}s, forward keeps what backward needs, one backward per forward).
 *
 * <p>Shape letters (the one dictionary; {@code org.peerkit.ffw}'s package doc repeats it):
 *
 * <table>
 *   <caption>Shape letters, the same in every package</caption>
 *   <tr><th>letter</th><th>meaning</th></tr>
 *   <tr><td>B</td><td>sequences in a batch</td></tr>
 *   <tr><td>L</td><td>positions per sequence (at most the context length)</td></tr>
 *   <tr><td>T</td><td>tokens: rows of an activation, B·L in a training step</td></tr>
 *   <tr><td>D</td><td>model width (d_model)</td></tr>
 *   <tr><td>F</td><td>hidden width of a dense FFW or MoE expert (d_ff)</td></tr>
 *   <tr><td>V</td><td>vocabulary</td></tr>
 *   <tr><td>I, O</td><td>input and output width of a {@code Linear}</td></tr>
 *   <tr><td>H</td><td>heads: attention heads, or PEER/PKM query heads</td></tr>
 *   <tr><td>A</td><td>attention head width, D/H; P = A/2 rotary pairs</td></tr>
 *   <tr><td>G</td><td>attention groups, B·H</td></tr>
 *   <tr><td>N</td><td>experts: MoE experts, PEER experts or PKM memory slots (N = S² for product keys)</td></tr>
 *   <tr><td>S</td><td>sub-keys per half, √N</td></tr>
 *   <tr><td>Q</td><td>query width per head (d_key), split into two halves of Q/2</td></tr>
 *   <tr><td>K</td><td>experts chosen per head (PEER/PKM) or per token (MoE token choice)</td></tr>
 *   <tr><td>M</td><td>expert slots per token, H·K</td></tr>
 *   <tr><td>C</td><td>expert capacity: tokens one MoE expert takes</td></tr>
 * </table>
 *
 * <p>Names carry their shape after the last lower-case letter, axes separated by {@code x} and a
 * product of letters within one axis: {@code gatesTxM} is [T, M], {@code qTxHQ} is [T, H·Q],
 * {@code probsGxLxL} is [G, L, L]; a flat Java array of T·M entries is {@code expertTM}.
 *
 * <p>Compute: every matrix product goes through {@link org.peerkit.nn.Gemm} into a preallocated
 * output (and is counted for FLOP checks); element-wise and row-wise work runs as fused Java passes
 * over the arrays' native memory ({@link org.peerkit.tensor.Vec}, {@link org.peerkit.tensor.Parallel}), with
 * ND4J used for exp, where it is faster than Java. Outputs are module-owned buffers reused across
 * steps ({@link org.peerkit.nn.Buffers}). The Java kernels read host memory: they assume the CPU
 * backend.
 */
package org.peerkit.nn;
