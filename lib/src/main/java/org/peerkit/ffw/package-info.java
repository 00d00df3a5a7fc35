/**
 * The feed-forward slot of a transformer block ({@link org.peerkit.ffw.FeedForward}) and its dense
 * kind ({@link org.peerkit.ffw.DenseFfw}). Expert kinds (MoE, PKM, PEER) implement the same
 * interface and are placed per block by {@code org.peerkit.model.FfwFactory}.
 */
package org.peerkit.ffw;
