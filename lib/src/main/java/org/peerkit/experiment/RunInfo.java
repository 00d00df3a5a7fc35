package org.peerkit.experiment;

import java.nio.file.Path;

/**
 * One run dir as found on disk.
 *
 * @param id the folder name (spec hash)
 * @param status what it holds
 * @param spec its spec, or null when spec.json is unreadable
 * @param detail why it is corrupt, the error of a failed attempt, or the steps done; "" if nothing to say
 */
public record RunInfo(String id, Path dir, RunStatus status, RunSpec spec, String detail) {
}
