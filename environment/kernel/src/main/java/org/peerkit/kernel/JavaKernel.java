package org.peerkit.kernel;

import io.github.spencerpark.jupyter.channels.JupyterConnection;
import io.github.spencerpark.jupyter.kernel.BaseKernel;
import io.github.spencerpark.jupyter.kernel.LanguageInfo;
import io.github.spencerpark.jupyter.kernel.ReplacementOptions;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.history.HistoryManager;
import io.github.spencerpark.jupyter.messages.Header;
import io.github.spencerpark.jupyter.messages.MessageType;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.CompletionInfo;
import jdk.jshell.SourceCodeAnalysis.Completeness;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/**
 * A Java kernel: JShell evaluating cells in this JVM, on one persistent cell thread
 * ({@link CellThreadControl}), behind basekernel's Jupyter protocol.
 *
 * <p>A cell is cut into magic lines ({@link LineMagics}) and code ({@link CellParts}); the code is
 * split into snippets with JShell's {@code analyzeCompletion} and each is evaluated in turn. The
 * cell's Out is the live value of its last snippet when that is an expression and the cell does
 * not end in {@code ;} (IPython's rule, so {@code display(x);} does not also show the display id).
 * Errors are thrown as {@link CellError}s whose class name and one-line message become Jupyter's
 * ename/evalue. Snippet ids are remembered with their cell and line ({@link SnippetOrigin}) so
 * stack traces read {@code In[n] line k}. JShell's notices about changed definitions are printed
 * by {@link DefinitionNotices}; completion, inspect and is_complete live in {@link CodeInsight}.
 */
public final class JavaKernel extends BaseKernel {
    static final String VERSION = "0.1.0";
    /** IJava's default imports (plus java.time, function, stream, nio.file) and our runtime API. */
    static final List<String> DEFAULT_IMPORTS = List.of(
            "java.util.*", "java.io.*", "java.math.*", "java.net.*", "java.util.concurrent.*",
            "java.util.function.*", "java.util.stream.*", "java.util.regex.*", "java.time.*",
            "java.nio.file.*", "static org.peerkit.kernel.Notebook.*");

    /** An Out value; a record so that a null value differs from "no Out". */
    private record Out(Object value) {}

    private final CellThreadControl control;
    /** The running cell's stdout and stderr coalescers (empty between cells). */
    private volatile List<CoalescingOutput> cellOutputs = List.of();
    private static final ScheduledExecutorService OUTPUT_TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cell-output-timer");
        t.setDaemon(true);
        return t;
    });
    private final JShell shell;
    private final SourceCodeAnalysis analysis;
    private final CodeInsight insight;
    private final DefinitionNotices notices;
    private final LineMagics magics;
    private final Map<String, SnippetOrigin> origins = new ConcurrentHashMap<>();
    private final HistoryManager history = new EmptyHistory();
    private final LanguageInfo languageInfo = new LanguageInfo.Builder("Java")
            .version(Runtime.version().toString())
            .mimetype("text/x-java-source")
            .fileExtension(".jshell")
            .pygments("java")
            .codemirror("java")
            .build();
    private final List<String> startupProblems = new ArrayList<>();

    /** A kernel whose relative paths ({@code %jars}, {@code %load}) resolve against {@code workDir}. */
    public JavaKernel(Path workDir) {
        this(workDir, CellThreadControl.GRACE);
    }

    /** As above, with the time an interrupted cell gets before its thread is stopped (tests shorten it). */
    JavaKernel(Path workDir, Duration interruptGrace) {
        control = new CellThreadControl(interruptGrace);
        ExitGuard.install();
        OUTPUT_TIMER.scheduleAtFixedRate(this::drainDueOutput, CoalescingOutput.INTERVAL_MS,
                CoalescingOutput.INTERVAL_MS, TimeUnit.MILLISECONDS);
        shell = JShell.builder().executionEngine(new Provider(control), Map.of()).build();
        analysis = shell.sourceCodeAnalysis();
        insight = new CodeInsight(analysis);
        notices = new DefinitionNotices(shell);
        magics = new LineMagics(workDir, shell::addToClasspath, this::runScript);
        // Under a launcher whose java.class.path does not list this jar (Surefire's manifest-only
        // jar), javac could not see Notebook; the snippet loader still loads it parent-first.
        shell.addToClasspath(ownLocation().toString());
        for (String imp : DEFAULT_IMPORTS) {
            SnippetEvent e = shell.eval("import " + imp + ";").get(0);
            if (e.status() != Snippet.Status.VALID) {
                throw new IllegalStateException("default import " + imp + " failed: " + diagnostics(e.snippet()));
            }
        }
        Notebook.attach(this);
    }

    /** A kernel working in the JVM's current directory (Jupyter starts it in the notebook's folder). */
    public JavaKernel() {
        this(Path.of(""));
    }

    /** The thread all cells run on. */
    public Thread cellThread() {
        return control.cellThread();
    }

    @Override
    public LanguageInfo getLanguageInfo() {
        return languageInfo;
    }

    @Override
    public String getBanner() {
        return "PEERkit Java kernel " + VERSION + " (JShell, Java " + Runtime.version() + ")";
    }

    @Override
    public HistoryManager getHistoryManager() {
        return history;
    }

    @Override
    public void becomeHandlerForConnection(JupyterConnection connection) {
        super.becomeHandlerForConnection(connection);
        connection.setHandler(MessageType.KERNEL_INFO_REQUEST, (env, msg) -> {
            env.setBusyDeferIdle();
            env.reply(new KernelInfoOk(Header.PROTOCOL_VERISON, "peerkit-java", VERSION,
                    getLanguageInfo(), getBanner(), getHelpLinks()));
        });
    }

    /**
     * Evaluates the cell basekernel numbered {@code executionCount - 1}; returns its Out or null.
     * Output the cell printed is flushed before returning, so it precedes the reply.
     */
    @Override
    public DisplayData eval(String code) throws Exception {
        String label = "In[" + (executionCount.get() - 1) + "]";
        control.resetInterrupt();
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        CoalescingOutput[] made = new CoalescingOutput[1];
        System.setOut(CoalescingOutput.over(stdout, made));
        CoalescingOutput out = made[0];
        System.setErr(CoalescingOutput.over(stderr, made));
        CoalescingOutput err = made[0];
        cellOutputs = List.of(out, err);
        try {
            reportStartupProblemsOnce();
            Out value = runCode(code, label, false);
            return value == null ? null : renderOut(value.value(), label);
        } finally {
            cellOutputs = List.of();
            out.drain();
            err.drain();
            System.setOut(stdout);
            System.setErr(stderr);
            stdout.flush();
            stderr.flush();
        }
    }

    /** Forwards the running cell's gathered output now: before a display, so text and displays keep their order. */
    public void flushOutput() {
        cellOutputs.forEach(CoalescingOutput::drain);
    }

    /** The timer's tick: output gathered longer than the interval goes out even while the cell computes. */
    private void drainDueOutput() {
        cellOutputs.forEach(CoalescingOutput::drainIfDue);
    }

    /** Numbers and evaluates a cell as an execute_request does; for callers without ZeroMQ. */
    public DisplayData evalCell(String code) throws Exception {
        executionCount.getAndIncrement();
        return eval(code);
    }

    /**
     * Evaluates a startup script (PEERKIT_KERNEL_STARTUP), snippet by snippet. A failing snippet is
     * reported on stderr (the kernel log) and again in the first cell's stderr; the rest still runs.
     */
    public void runStartupScript(Path script) {
        List<String> problems = new ArrayList<>();
        try {
            String code = Files.readString(script);
            runCode(code, script.getFileName().toString(), true, problems);
        } catch (IOException e) {
            problems.add("cannot read startup script " + script.toAbsolutePath() + ": " + e);
        } catch (Exception e) {
            problems.add(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        for (String p : problems) {
            String line = "startup script " + script + ": " + p;
            System.err.println(line);
            synchronized (startupProblems) {
                startupProblems.add(line);
            }
        }
    }

    /** Renders a value as a cell Out or display: {@code null} as "null", DisplayData as itself. */
    public DisplayData render(Object value, String... mimes) {
        if (value == null) {
            return new DisplayData("null");
        }
        if (value instanceof DisplayData d) {
            return d;
        }
        return mimes.length == 0 ? getRenderer().render(value) : getRenderer().renderAs(value, mimes);
    }

    /** Renderers are user code running on the shell thread: their failures become cell errors. */
    private DisplayData renderOut(Object value, String label) throws CellException {
        try {
            return render(value);
        } catch (RuntimeException | StackOverflowError | LinkageError e) {
            throw CellException.ofRendering(e, label);
        }
    }

    @Override
    public void interrupt() {
        control.interrupt();
    }

    @Override
    public List<String> formatError(Exception e) {
        if (e instanceof CellError ce) {
            return ce.traceback();
        }
        return List.of(e.getClass().getName() + ": " + e.getMessage());
    }

    @Override
    public ReplacementOptions complete(String code, int at) {
        return insight.complete(code, at);
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        return insight.inspect(code, at);
    }

    @Override
    public String isComplete(String code) {
        return switch (insight.isComplete(code)) {
            case COMPLETE -> IS_COMPLETE_YES;
            case INCOMPLETE -> "    "; // the indent of the next line
            case INVALID -> IS_COMPLETE_BAD;
        };
    }

    @Override
    public void onShutdown(boolean restarting) {
        shell.close();
    }

    // ---- evaluation ------------------------------------------------------------------------

    private Out runCode(String code, String label, boolean keepGoing) throws Exception {
        return runCode(code, label, keepGoing, new ArrayList<>());
    }

    /**
     * Runs magics and snippets in order; returns the last snippet's Out. With {@code keepGoing}
     * (startup script) errors are collected in {@code problems} and evaluation continues.
     */
    private Out runCode(String code, String label, boolean keepGoing, List<String> problems) throws Exception {
        Out out = null;
        for (CellParts.Part part : CellParts.of(code).parts()) {
            try {
                out = part.magic() ? runMagic(part.text()) : runJava(part.text(), label, part.firstLine(), keepGoing, problems);
            } catch (CellError e) {
                if (!keepGoing || e instanceof Interrupted) {
                    throw e;
                }
                problems.add(e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
        return out;
    }

    private Out runMagic(String line) throws Exception {
        magics.run(line);
        return null;
    }

    /** {@code %load}'s way back in: loaded code runs like a cell, without an Out. */
    private void runScript(String code, String label) throws Exception {
        runCode(code, label, false);
    }

    /** Splits Java code into JShell snippets and evaluates them in order. */
    private Out runJava(String chunk, String label, int firstLine, boolean keepGoing, List<String> problems)
            throws Exception {
        Out out = null;
        String rest = chunk;
        int consumed = 0;
        while (true) {
            CompletionInfo info = analysis.analyzeCompletion(rest);
            if (info.completeness() == Completeness.EMPTY) {
                break;
            }
            // an incomplete tail has no source: evaluate it anyway so javac names what is missing
            String source = info.source() != null ? info.source() : rest;
            String raw = info.source() != null ? rest.substring(0, rest.length() - info.remaining().length()) : rest;
            // JShell numbers lines wrongly after leading blank lines: start the snippet at its text
            int lead = source.length() - source.stripLeading().length();
            int startLine = firstLine + SnippetOrigin.linesBefore(chunk, consumed + lead);
            SnippetOrigin origin = new SnippetOrigin(label, startLine);
            try {
                out = evalSnippet(source.substring(lead), origin, !endsWithSemicolon(raw));
            } catch (CellError e) {
                if (!keepGoing || e instanceof Interrupted) {
                    throw e;
                }
                problems.add(e.getClass().getSimpleName() + ": " + e.getMessage());
                out = null;
            }
            if (info.source() == null || raw.isEmpty() || info.remaining().isEmpty()) {
                break;
            }
            consumed += raw.length();
            rest = info.remaining();
        }
        return out;
    }

    private Out evalSnippet(String source, SnippetOrigin origin, boolean outWanted) throws CellError {
        if (control.wasInterrupted()) {
            throw new Interrupted(origin.place(1), control.interruptNote());
        }
        List<SnippetEvent> events = shell.eval(source);
        Object value = control.takeValue();
        SnippetEvent main = null;
        for (SnippetEvent e : events) {
            if (e.causeSnippet() == null) {
                main = e;
                origins.put(e.snippet().id(), origin);
            } else {
                notices.updated(e);
            }
        }
        if (main == null) {
            return null;
        }
        if (main.status() == Snippet.Status.REJECTED) {
            List<Diag> errors = shell.diagnostics(main.snippet()).filter(Diag::isError).collect(Collectors.toList());
            throw CompilationError.of(source, origin, errors);
        }
        if (main.exception() != null) {
            throw runtimeError(main.exception(), origin);
        }
        if (control.wasInterrupted()) {
            throw new Interrupted(origin.place(1), control.interruptNote());
        }
        notices.created(main);
        return outWanted && isExpression(main.snippet()) ? new Out(value) : null;
    }

    private CellError runtimeError(JShellException ex, SnippetOrigin origin) {
        if (control.wasInterrupted()) {
            return new Interrupted(origin.place(1), control.interruptNote());
        }
        if (ex instanceof UnresolvedReferenceException u) {
            return new UnresolvedReference(DefinitionNotices.describe(u.getSnippet()), notices.missing(u.getSnippet()),
                    origin.place(1));
        }
        if (ex instanceof EvalException ee) {
            return CellException.of(ee, origins::get);
        }
        return new MagicError(ex.getMessage()); // JShell has no other kind; kept total for safety
    }

    private static boolean isExpression(Snippet s) {
        return switch (s.subKind()) {
            case TEMP_VAR_EXPRESSION_SUBKIND, VAR_VALUE_SUBKIND, ASSIGNMENT_SUBKIND, OTHER_EXPRESSION_SUBKIND -> true;
            default -> false;
        };
    }

    private String diagnostics(Snippet s) {
        return shell.diagnostics(s).map(d -> d.getMessage(null)).collect(Collectors.joining("; "));
    }

    private void reportStartupProblemsOnce() {
        synchronized (startupProblems) {
            if (startupProblems.isEmpty()) {
                return;
            }
            System.err.println("The kernel's startup script had problems (the rest of it ran):");
            startupProblems.forEach(System.err::println);
            startupProblems.clear();
        }
    }

    /** Whether code ends in {@code ;} once trailing comments are dropped ({@code x; // note} does). */
    static boolean endsWithSemicolon(String code) {
        String s = code.strip();
        while (true) {
            String before = s;
            if (s.endsWith("*/") && s.lastIndexOf("/*") >= 0) {
                s = s.substring(0, s.lastIndexOf("/*")).strip();
            }
            int lineStart = s.lastIndexOf('\n') + 1;
            int comment = lineCommentStart(s, lineStart);
            if (comment >= 0) {
                s = s.substring(0, comment).strip();
            }
            if (s.equals(before)) {
                return s.endsWith(";");
            }
        }
    }

    /** Index of a {@code //} outside string and char literals on the line starting at {@code from}, or -1. */
    private static int lineCommentStart(String s, int from) {
        char quote = 0;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '/') {
                return i;
            }
        }
        return -1;
    }

    private static Path ownLocation() {
        try {
            return Path.of(Notebook.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the kernel's own classes", e);
        }
    }

    /** Hands JShell our cell-thread execution control instead of its remote agent. */
    private record Provider(CellThreadControl control) implements ExecutionControlProvider {
        @Override
        public String name() {
            return "peerkit-cell-thread";
        }

        @Override
        public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
            return control;
        }
    }
}
