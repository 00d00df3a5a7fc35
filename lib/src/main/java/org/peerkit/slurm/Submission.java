package org.peerkit.slurm;

import java.util.Map;

/**
 * One sbatch of a sweep, as {@code submissions.json} in the sweep's folder keeps it.
 *
 * @param job the array job's id
 * @param submitted when (UTC, ISO-8601)
 * @param members array index → the run id it trains; a later grid edit cannot make an old job's
 *     task stand for a different member
 */
public record Submission(String job, String submitted, Map<String, String> members) {

    public Submission {
        members = Map.copyOf(members);
    }
}
