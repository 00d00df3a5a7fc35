package org.peerkit.cli;

import java.util.concurrent.Callable;
import org.peerkit.tensor.Doctor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code peerkit doctor}: what this machine and build run on, with a measured sgemm GFLOP/s. */
@Command(name = "doctor",
        description = "Report Java, the ND4J backend and BLAS, threads, off-heap limits and a measured sgemm GFLOP/s.")
public final class DoctorCommand implements Callable<Integer> {

    @Option(names = "--no-sgemm", description = "Skip the sgemm measurement (about a second).")
    boolean noSgemm;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().println(Doctor.run(!noSgemm));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
