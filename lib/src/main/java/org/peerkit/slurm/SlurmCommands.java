package org.peerkit.slurm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs Slurm's client commands (sbatch, sacct, squeue); tests pass a fake, so they need no Slurm. */
@FunctionalInterface
public interface SlurmCommands {

    /**
     * Runs {@code command} and returns its exit status and output.
     *
     * @throws IllegalArgumentException if the command is not installed
     */
    Output run(List<String> command);

    /** What a command printed; {@code exit} 0 is success. */
    record Output(int exit, List<String> lines, String error) {
    }

    /** The real clients, found on PATH (a login node's, or after {@code module load slurm}). */
    static SlurmCommands system() {
        return command -> {
            ProcessBuilder pb = new ProcessBuilder(command);
            try {
                Process p = pb.start();
                p.getOutputStream().close();
                // the outputs are a few lines per task: read stderr after stdout without a pipe deadlock
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                int exit = p.waitFor();
                return new Output(exit, out.lines().filter(l -> !l.isBlank()).toList(), err.strip());
            } catch (IOException e) {
                if (String.valueOf(e.getMessage()).contains("error=2")) {
                    throw new IllegalArgumentException(command.get(0) + " is not installed here (not on PATH): "
                            + "run on a Slurm login node, or load it first (e.g. `module load slurm`)", e);
                }
                throw new UncheckedIOException("cannot run " + command.get(0), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while running " + command, e);
            }
        };
    }
}
