/**
 * The feed-forward slot of a transformer block ({@link org.peerkit.ffw.FeedForward}) and its kinds:
 * dense ({@link org.peerkit.ffw.DenseFfw}), coarse mixture of experts ({@link org.peerkit.ffw.MoeFfw}
 * with {@link org.peerkit.ffw.TopKRouter} or {@link org.peerkit.ffw.ExpertChoiceRouter}), product-key
 * memory ({@link org.peerkit.ffw.PkmLayer}) and PEER ({@link org.peerkit.ffw.PeerLayer}, the paper's
 * layer exactly). Kinds are placed per block by {@code org.peerkit.model.FfwFactory}; expert layers
 * report a {@link org.peerkit.ffw.RoutingRecord} that {@link org.peerkit.ffw.RoutingStats} turns into
 * the paper's Table 2 metrics. The PEER/PKM hot path runs on {@code org.peerkit.tensor.Kernels}.
 */
package org.peerkit.ffw;
