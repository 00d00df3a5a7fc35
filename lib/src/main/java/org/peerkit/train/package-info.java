/**
 * Training: {@link org.peerkit.train.AdamW} (decoupled decay, none on norms and biases),
 * {@link org.peerkit.train.LrSchedule} (warm-up + cosine), {@link org.peerkit.train.GradClip},
 * the step-based {@link org.peerkit.train.Trainer} with {@link org.peerkit.train.TrainListener}s
 * (console, CSV, checkpoint, progress bar), and crash-safe
 * {@link org.peerkit.train.Checkpoint}s (safetensors + state.json) that resume bit-exactly.
 */
package org.peerkit.train;
