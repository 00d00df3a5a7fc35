package org.peerkit.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.peerkit.data.DataException;
import picocli.CommandLine;

/**
 * The command line's one error path: every failure of a command becomes one or two sentences,
 * the cause and what to do, on stderr with exit code 1; the stack trace follows only with
 * {@code --verbose}. Our own exceptions already carry such sentences; failures from below (the
 * file system, the JVM's memory) are translated here, by the first cause in the chain that says
 * what went wrong.
 */
final class CliErrors implements CommandLine.IExecutionExceptionHandler {

    static final String VERBOSE = "--verbose";

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        report(ex, cmd, verbose(parsed));
        return 1;
    }

    static void report(Throwable ex, CommandLine cmd, boolean verbose) {
        PrintWriter err = cmd.getErr();
        err.println(cmd.getColorScheme().errorText("error: " + describe(ex)));
        if (verbose) {
            StringWriter sw = new StringWriter();
            ex.printStackTrace(new PrintWriter(sw));
            err.print(sw);
        }
        err.flush();
    }

    /** Whether {@code --verbose} was given at any level of the command line. */
    static boolean verbose(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption(VERBOSE)) {
                return true;
            }
        }
        return false;
    }

    /** The sentences for {@code ex}; a failure that masks another (see suppressed) names both. */
    static String describe(Throwable ex) {
        String main = describeOne(ex);
        for (Throwable s : ex.getSuppressed()) {
            main += " (Then recording that failed too: " + describeOne(s) + ")";
        }
        return main;
    }

    private static String describeOne(Throwable ex) {
        List<Throwable> chain = chain(ex);
        for (Throwable t : chain) {
            if (t instanceof OutOfMemoryError oom) {
                return outOfMemory(oom);
            }
        }
        for (Throwable t : chain) {
            String fs = fileSystem(t);
            if (fs != null) {
                return fs;
            }
        }
        for (Throwable t : chain) {
            if (isOurs(t) && t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        Throwable root = chain.get(chain.size() - 1);
        return "unexpected " + root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": "
                + firstLine(root.getMessage())) + ". This is a bug in PEERkit: rerun with " + VERBOSE
                + " for the stack trace and report it";
    }

    /** Exceptions whose messages are written for the user (the library's validation and state errors). */
    private static boolean isOurs(Throwable t) {
        return t instanceof DataException || t instanceof IllegalArgumentException || t instanceof IllegalStateException
                || t instanceof UncheckedIOException || t instanceof IOException && !(t instanceof FileSystemException);
    }

    private static String fileSystem(Throwable t) {
        String msg = String.valueOf(t.getMessage());
        if (msg.contains("No space left on device") || msg.contains("Disk quota exceeded")) {
            return "the disk is full (" + firstLine(msg) + "). Free some space (old runs and checkpoints in the run store,"
                    + " the data cache) and run the command again; finished work is kept";
        }
        if (!(t instanceof FileSystemException f)) {
            return null;
        }
        String file = f.getFile();
        String reason = f.getReason() == null ? "" : f.getReason();
        if (t instanceof AccessDeniedException || reason.contains("Permission denied") || reason.contains("Read-only")) {
            return "cannot use " + file + " (" + (reason.isEmpty() ? "permission denied" : reason) + "). Point the"
                    + " command at a folder you can write (--runs DIR or PEERKIT_RUNS for runs, PEERKIT_DATA for the data"
                    + " cache) or fix its permissions";
        }
        if (t instanceof FileAlreadyExistsException || t instanceof NotDirectoryException
                || reason.contains("Not a directory")) {
            return file + " is in the way: a file stands where a folder is needed (" + (reason.isEmpty()
                    ? "it is not a directory" : reason) + "). Move the file away, or point --runs/PEERKIT_RUNS or"
                    + " PEERKIT_DATA at another folder";
        }
        if (t instanceof NoSuchFileException) {
            return file + " does not exist. Check the path (and PEERKIT_RUNS, PEERKIT_DATA, PEERKIT_ROOT)";
        }
        return null;
    }

    private static String outOfMemory(OutOfMemoryError e) {
        String msg = firstLine(String.valueOf(e.getMessage()));
        Runtime rt = Runtime.getRuntime();
        if (msg.contains("Cannot allocate") || msg.contains("Physical memory") || msg.contains("totalBytes")) {
            return "out of off-heap memory, where ND4J keeps tensors (" + msg + "). Raise the limit with"
                    + " PEERKIT_JAVA_OPTS='-Dorg.bytedeco.javacpp.maxbytes=16g -Dorg.bytedeco.javacpp.maxphysicalbytes=20g'"
                    + " (within the machine's RAM), or shrink the model, batch or sequence length";
        }
        return String.format(Locale.ROOT, "out of Java heap memory (%s) with a heap of at most %.1f GB. Give the JVM"
                + " more with PEERKIT_JAVA_OPTS=-Xmx8g (or -Xmx<size> up to the machine's RAM), or shrink the model,"
                + " batch or sequence length", msg, rt.maxMemory() / 1e9);
    }

    private static List<Throwable> chain(Throwable ex) {
        List<Throwable> out = new ArrayList<>();
        for (Throwable t = ex; t != null && !out.contains(t); t = t.getCause()) {
            out.add(t);
        }
        return out;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
