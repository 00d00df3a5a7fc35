package org.peerkit.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.AfterEach;
import picocli.CommandLine;

/** Base of the command-line tests: {@link #run} executes {@code peerkit ARGS} in-process, capturing what it prints. */
abstract class InProcessCli {

    /** What the last {@link #run} printed to stdout. */
    StringWriter out = new StringWriter();
    /** What the last {@link #run} printed to stderr. */
    StringWriter err = new StringWriter();

    /** Runs {@code peerkit args} with fresh {@link #out} and {@link #err}; returns the exit code. */
    int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        CommandLine cli = PeerkitCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    /** Tests that point {@code peerkit.data} at prepared data must not leak it into the next test. */
    @AfterEach
    void clearDataProperty() {
        System.clearProperty("peerkit.data");
    }
}
