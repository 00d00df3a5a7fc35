/**
 * The decoder-only LM: {@link org.peerkit.model.LmConfig} (validated record with presets),
 * pre-norm {@link org.peerkit.model.Block}s whose FFW comes from an
 * {@link org.peerkit.model.FfwFactory}, and {@link org.peerkit.model.DecoderLm} (embedding, blocks,
 * final norm, optionally tied head, cross-entropy).
 */
package org.peerkit.model;
