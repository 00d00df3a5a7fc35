/**
 * The feed-forward slot of a transformer block ({@link org.peerkit.ffw.FeedForward}) and its kinds:
 * dense ({@link org.peerkit.ffw.DenseFfw}), coarse mixture of experts ({@link org.peerkit.ffw.MoeFfw}
 * with {@link org.peerkit.ffw.TopKRouter} or {@link org.peerkit.ffw.ExpertChoiceRouter}), product-key
 * memory ({@link org.peerkit.ffw.PkmLayer}) and PEER ({@link org.peerkit.ffw.PeerLayer}, the paper's
 * layer exactly). Kinds are placed per block by {@code org.peerkit.model.FfwFactory}; expert layers
 * report a {@link org.peerkit.ffw.RoutingRecord} that {@link org.peerkit.ffw.RoutingStats} turns into
 * the paper's Table 2 metrics. The PEER/PKM hot path runs on {@code org.peerkit.tensor.Kernels}.
 *
 * <p>Shape letters (as in {@code org.peerkit.nn}'s package doc):
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
 */
package org.peerkit.ffw;
