package org.peerkit.train;

import java.util.List;
import java.util.Map;
import org.peerkit.model.LmConfig;

/**
 * The JSON half of a checkpoint (state.json); the tensors live in params.safetensors and
 * optimizer.safetensors beside it.
 *
 * @param format always {@link Checkpoint#FORMAT}: tells a PEERkit checkpoint from other JSON
 * @param version layout version, {@link Checkpoint#VERSION}
 * @param step optimiser steps completed
 * @param dataPosition index of the next micro-batch to read from the {@code BatchSource}
 * @param rngState the trainer's RNG state
 * @param model the model config the tensors belong to
 * @param train the training config
 * @param params parameter names and shapes, in model order
 * @param files size and CRC-32 of each tensor file, to detect truncation and corruption
 * @param lastLoss training loss of the last step
 */
public record CheckpointState(String format, int version, long step, long dataPosition, long rngState,
        LmConfig model, TrainConfig train, List<ParamInfo> params, Map<String, FileInfo> files, double lastLoss) {

    /** A parameter's name and shape. */
    public record ParamInfo(String name, long[] shape) {
    }

    /** A file's length in bytes and its CRC-32. */
    public record FileInfo(long bytes, long crc32) {
    }
}
