package org.peerkit.kernel;

import java.util.List;

/**
 * Base of the errors a cell can end with. basekernel builds the Jupyter error from the thrown
 * exception: {@code ename} is its simple class name, {@code evalue} its message, the iopub
 * traceback is {@link JavaKernel#formatError} and the execute_reply traceback is the Java stack of
 * the exception object. So each subclass is named for what went wrong ({@code CompilationError},
 * {@code CellException}, ...), its message is one self-contained line (nbclient's
 * {@code CellExecutionError} prints {@code ename: evalue} in CI logs), its Java stack is empty (the
 * kernel's own frames would only be noise there) and {@link #traceback()} holds the lines the
 * notebook shows.
 */
public abstract class CellError extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient List<String> traceback;

    protected CellError(String oneLine, List<String> traceback) {
        super(oneLine.replace('\n', ' '), null, false, false);
        this.traceback = List.copyOf(traceback);
    }

    /** The lines shown in the notebook for this error (no ANSI styling). */
    public List<String> traceback() {
        return traceback;
    }
}
