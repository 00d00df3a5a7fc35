package org.peerkit.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The evaluator, magics and interrupt, called directly (no ZeroMQ, no Jupyter). */
class JavaKernelTest {
    private static JavaKernel shared;
    private static final ExecutorService background = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "test-shell");
        t.setDaemon(true);
        return t;
    });

    @TempDir
    Path tmp;

    /** Interrupt tests wait this long for a busy cell before its thread is stopped (1 s in use). */
    private static final Duration GRACE = Duration.ofMillis(200);

    @BeforeAll
    static void startKernel() {
        shared = new JavaKernel(Path.of(""), GRACE);
    }

    @AfterAll
    static void stopKernel() {
        shared.onShutdown(false);
        background.shutdownNow();
    }

    private static String text(DisplayData d) {
        assertNotNull(d, "expected an Out");
        return (String) d.getData(MIMEType.TEXT_PLAIN);
    }

    private static String out(JavaKernel k, String code) throws Exception {
        return text(k.evalCell(code));
    }

    /** Runs {@code call} with System.out/err captured; returns [stdout, stderr]. */
    private static String[] captured(Callable<?> call) throws Exception {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            call.call();
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new String[] {o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void lastExpressionIsOutUnlessTheCellEndsInSemicolon() throws Exception {
        assertEquals("42", out(shared, "int sixOut = 6;\nsixOut * 7"));
        assertNull(shared.evalCell("sixOut * 7;"));
        assertNull(shared.evalCell("int sevenOut = 7;"));
        assertEquals("\"abc\"".length() - 2 + "", out(shared, "\"abc\".length() // a comment"));
        assertNull(shared.evalCell("System.out.println(\"side effect\")"), "a void call has no Out");
        assertNull(shared.evalCell("sixOut * 7; // a comment after the semicolon"));
        assertNull(shared.evalCell("sixOut * 7; /* a block comment */"));
        assertEquals("a // b", out(shared, "\"a // b\""));
        assertEquals("x;", out(shared, "\"x;\" // a string ending in a semicolon"));
    }

    @Test
    void stateAndThreadCarryAcrossCells() throws Exception {
        shared.evalCell("int counterState = 20;\nString firstThread = Thread.currentThread().getName();");
        shared.evalCell("counterState++;");
        assertEquals("21", out(shared, "counterState"));
        assertEquals("true", out(shared, "Thread.currentThread().getName().equals(firstThread)"));
        assertEquals("\"notebook-cell\"".replace("\"", ""), out(shared, "firstThread"));
    }

    @Test
    void defaultImportsAndRuntimeApiAreVisible() throws Exception {
        assertEquals("[1, 2]", out(shared, "List.of(1, 2)"));
        assertEquals("true", out(shared, "renderer() == kernel().getRenderer()"));
        DisplayData html = shared.evalCell("render(\"<b>x</b>\", \"text/html\")");
        assertEquals("<b>x</b>", html.getData(MIMEType.TEXT_HTML));
    }

    @Test
    void aFailingRendererIsACellErrorAndTheKernelGoesOn() throws Exception {
        JavaKernel k = new JavaKernel();
        k.evalCell("class Fragile {}\nrenderer().createRegistration(Fragile.class).register((f, ctx) -> { throw new IllegalStateException(\"no\"); });");
        CellException e = assertThrows(CellException.class, () -> k.evalCell("new Fragile()"));
        assertTrue(e.getMessage().startsWith("could not show the value of In[2]: java.lang.IllegalStateException: no"), e.getMessage());
        assertEquals("1", out(k, "1"));
        k.onShutdown(false);
    }

    @Test
    void nullRendersAsText() throws Exception {
        shared.evalCell("String nothing = null;");
        assertEquals("null", out(shared, "nothing"));
    }

    @Test
    void compileErrorNamesTheLineWithACaret() {
        JavaKernel k = new JavaKernel();
        CompilationError e = assertThrows(CompilationError.class, () -> k.evalCell("int okLine = 1;\nint bad = \"x\";"));
        assertEquals("In[1] line 2: incompatible types: java.lang.String cannot be converted to int", e.getMessage());
        List<String> tb = k.formatError(e);
        assertEquals("    int bad = \"x\";", tb.get(1));
        assertEquals("              ^^^", tb.get(2));
        k.onShutdown(false);
    }

    @Test
    void undefinedNameIsNamedOnOneLine() {
        CompilationError e = assertThrows(CompilationError.class, () -> shared.evalCell("int u = notDefinedAnywhere + 1;"));
        assertTrue(e.getMessage().endsWith("cannot find symbol; symbol: variable notDefinedAnywhere"), e.getMessage());
    }

    @Test
    void runtimeErrorsAreMappedToCellLines() throws Exception {
        JavaKernel k = new JavaKernel();
        k.evalCell("\n// divides\nint div(int a) {\n    int z = 0;\n    return a / z;\n}");
        CellException e = assertThrows(CellException.class, () -> k.evalCell("int r = 1;\n\ndiv(r)"));
        assertEquals("java.lang.ArithmeticException: / by zero (at div, In[1] line 5)", e.getMessage());
        List<String> tb = k.formatError(e);
        assertEquals(List.of("java.lang.ArithmeticException: / by zero", "    at div, In[1] line 5", "    at In[2] line 3"), tb);
        assertEquals("2", out(k, "r + 1"), "the next cell still runs");
        k.onShutdown(false);
    }

    @Test
    void thrownExceptionIsOneLineAndTheNextCellRuns() throws Exception {
        CellException e = assertThrows(CellException.class, () -> shared.evalCell("throw new IllegalStateException(\"boom\");"));
        assertTrue(e.getMessage().startsWith("java.lang.IllegalStateException: boom (at In["), e.getMessage());
        assertEquals("2", out(shared, "1 + 1"));
    }

    @Test
    void unresolvedReferenceIsNamedUntilDefined() throws Exception {
        String[] io = captured(() -> shared.evalCell("int usesLater(int x) { return later(x) * 2; }"));
        assertTrue(io[0].contains("method later(int)"), io[0]);
        UnresolvedReference e = assertThrows(UnresolvedReference.class, () -> shared.evalCell("usesLater(1)"));
        assertTrue(e.getMessage().startsWith("method usesLater(int) cannot be used until method later(int) is declared"), e.getMessage());
        shared.evalCell("int later(int x) { return x + 1; }");
        assertEquals("4", out(shared, "usesLater(1)"));
    }

    @Test
    void redefiningAMethodAndAClass() throws Exception {
        shared.evalCell("int redef(int x) { return x + 1; }");
        assertEquals("2", out(shared, "redef(1)"));
        shared.evalCell("String redef(int x) { return \"s\" + x; }");
        assertEquals("\"s1\"".replace("\"", ""), out(shared, "redef(1)"));
        shared.evalCell("class Pt { int v = 1; }\nPt pt = new Pt();");
        assertEquals("1", out(shared, "pt.v"));
        String[] io = captured(() -> shared.evalCell("class Pt { int v = 2; int w = 3; }"));
        assertTrue(io[0].contains("variable pt was reset"), io[0]);
        assertEquals("null", out(shared, "pt"));
        assertEquals("3", out(shared, "new Pt().w"));
    }

    @Test
    void unknownMagicListsTheKnownOnes() {
        MagicError e = assertThrows(MagicError.class, () -> shared.evalCell("%nosuch a b"));
        assertEquals("unknown magic %nosuch; this kernel knows %jars, %classpath, %load", e.getMessage());
    }

    @Test
    void aContinuedModuloIsJavaNotAMagic() throws Exception {
        assertEquals("1", out(shared, "int mod = 10\n    % 3;\nmod"));
    }

    @Test
    void jarsGlobMatchingNothingIsAnError() {
        JavaKernel k = new JavaKernel(tmp);
        MagicError e = assertThrows(MagicError.class, () -> k.evalCell("%jars missing/*.jar"));
        assertTrue(e.getMessage().startsWith("%jars: nothing matches 'missing/*.jar'"), e.getMessage());
        k.onShutdown(false);
    }

    @Test
    void jarsMakesAClassUsableAndVisibleToTheContextLoader() throws Exception {
        Path jar = buildJar(tmp.resolve("libs"), "demo.Greeter",
                "package demo; public class Greeter { public String hi() { return \"hi from jar\"; } }");
        assertTrue(Files.isRegularFile(jar));
        JavaKernel k = new JavaKernel(tmp);
        assertEquals("\"hi from jar\"".replace("\"", ""), out(k, "%jars libs/*.jar\nnew demo.Greeter().hi()"));
        assertEquals("\"demo.Greeter\"".replace("\"", ""), out(k,
                "Class.forName(\"demo.Greeter\", true, Thread.currentThread().getContextClassLoader()).getName()"));
        k.onShutdown(false);
    }

    @Test
    void classpathAddsAClassDirectory() throws Exception {
        buildJar(tmp.resolve("libs"), "demo.Greeter",
                "package demo; public class Greeter { public String hi() { return \"hi from classes\"; } }");
        JavaKernel k = new JavaKernel(tmp);
        assertEquals("hi from classes", out(k, "%classpath libs/class*\nnew demo.Greeter().hi()"));
        k.onShutdown(false);
    }

    @Test
    void displayReturnsAnIdEvenWithoutAFrontEnd() throws Exception {
        String id = out(shared, "display(\"<b>x</b>\", \"text/html\")");
        assertEquals(36, id.length(), "a UUID display id: " + id);
    }

    @Test
    void loadRunsAScriptAndNamesItInErrors() throws Exception {
        Files.writeString(tmp.resolve("helpers.jsh"), "int twice(int x) { return 2 * x; }\n");
        Files.writeString(tmp.resolve("broken.jsh"), "int fine = 1;\nint wrong = \"x\";\n");
        JavaKernel k = new JavaKernel(tmp);
        assertEquals("42", out(k, "%load helpers.jsh\ntwice(21)"));
        CompilationError e = assertThrows(CompilationError.class, () -> k.evalCell("%load broken.jsh"));
        assertTrue(e.getMessage().startsWith("broken.jsh line 2: incompatible types"), e.getMessage());
        Files.writeString(tmp.resolve("loop.jsh"), "%load loop.jsh\n");
        MagicError loop = assertThrows(MagicError.class, () -> k.evalCell("%load loop.jsh"));
        assertTrue(loop.getMessage().contains("nested loads"), loop.getMessage());
        MagicError missing = assertThrows(MagicError.class, () -> k.evalCell("%load nowhere.jsh"));
        assertTrue(missing.getMessage().startsWith("%load: Could not find any source"), missing.getMessage());
        k.onShutdown(false);
    }

    /** A cell that sets {@code started}, then spins, swallowing every Throwable, until {@code release} is set. */
    private static String stubbornLoop(String started, String release) {
        return "{ System.setProperty(\"" + started + "\", \"yes\");\n"
                + "  while (!Boolean.getBoolean(\"" + release + "\")) {\n"
                + "    try { while (!Boolean.getBoolean(\"" + release + "\")) Thread.onSpinWait(); } catch (Throwable t) { } } }";
    }

    /** Runs {@code cell} in the background, interrupts it once it has set {@code property}, and returns the error. */
    private static Interrupted interrupted(JavaKernel k, String property, String cell) throws Exception {
        System.clearProperty(property);
        Future<DisplayData> running = background.submit(() -> k.evalCell(cell));
        awaitProperty(property);
        k.interrupt();
        return assertInstanceOf(Interrupted.class, causeOf(running));
    }

    @Test
    void interruptWakesASleepingCell() throws Exception {
        Interrupted e = interrupted(shared, "kernelTest.sleeping",
                "{ System.setProperty(\"kernelTest.sleeping\", \"yes\"); Thread.sleep(600_000); }");
        assertTrue(e.getMessage().startsWith("cell interrupted at In["), e.getMessage());
        assertTrue(!e.getMessage().contains("stopped"), "a sleep ends on Thread.interrupt: " + e.getMessage());
        assertEquals("3", out(shared, "1 + 2"));
    }

    @Test
    void interruptStopsABusyLoop() throws Exception {
        shared.evalCell("long spins = 0;");
        Interrupted e = interrupted(shared, "kernelTest.spinning",
                "\n{ System.setProperty(\"kernelTest.spinning\", \"yes\"); while (true) { spins++; } }");
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("stopped"), e.getMessage());
        assertEquals("true", out(shared, "spins > 0"));
    }

    @Test
    void aLoopThatSwallowsThreadDeathIsReportedAndTheKernelRecoversWhenItEnds() throws Exception {
        JavaKernel k = new JavaKernel(Path.of(""), GRACE);
        System.clearProperty("kernelTest.release");
        Interrupted e = interrupted(k, "kernelTest.stubborn", stubbornLoop("kernelTest.stubborn", "kernelTest.release"));
        assertTrue(e.getMessage().contains("restart the kernel"), e.getMessage());
        System.setProperty("kernelTest.release", "true"); // let the stubborn loop end
        assertEquals("2", out(k, "1 + 1"));
        k.onShutdown(false);
    }

    /** The next cell runs on a fresh thread while the stubborn one still spins (before: the kernel hung). */
    @Test
    void afterALoopThatSwallowsThreadDeathTheNextCellRunsAtOnce() throws Exception {
        JavaKernel k = new JavaKernel(Path.of(""), GRACE);
        System.clearProperty("kernelTest.release2");
        k.evalCell("int kept = 41;");
        Interrupted e = interrupted(k, "kernelTest.stubborn2", stubbornLoop("kernelTest.stubborn2", "kernelTest.release2"));
        assertTrue(e.getMessage().contains("later cells run on a new thread") && e.getMessage().contains("restart the"
                + " kernel to stop it"), e.getMessage());
        try {
            Future<DisplayData> next = background.submit(() -> k.evalCell("kept + 1"));
            assertEquals("42", text(next.get(60, TimeUnit.SECONDS)));
        } finally {
            System.setProperty("kernelTest.release2", "true");
        }
        k.onShutdown(false);
    }

    /** System.exit in a cell fails the cell instead of ending the kernel (and this test JVM). */
    @Test
    void systemExitInACellIsRefusedAndTheKernelGoesOn() throws Exception {
        shared.evalCell("int survivor = 7;");
        CellException e = assertThrows(CellException.class, () -> shared.evalCell("System.exit(3);"));
        assertTrue(e.getMessage().contains("System.exit(3) was refused: it would end the kernel")
                && e.getMessage().contains("Kernel > Restart"), e.getMessage());
        assertEquals("7", out(shared, "survivor"));
    }

    /** 200,000 printlns reach the front end intact in a few chunks, not one message per line. */
    @Test
    void outputIsCoalescedIntoFewChunks() throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int[] forwards = new int[1];
        System.setOut(new PrintStream(bytes, false, StandardCharsets.UTF_8) {
            @Override
            public void flush() {  // basekernel's stream sends one IOPub message per flush
                forwards[0]++;
                super.flush();
            }
        });
        try {
            shared.evalCell("for (int i = 0; i < 200_000; i++) System.out.println(i);");
        } finally {
            System.setOut(old);
        }
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(200_000, lines.length);
        assertEquals("0", lines[0]);
        assertEquals("199999", lines[199_999]);
        assertTrue(forwards[0] >= 1 && forwards[0] <= 200, forwards[0] + " forwards");
    }

    @Test
    void startupScriptRuns() throws Exception {
        Path script = tmp.resolve("startup.jsh");
        Files.writeString(script, "import java.awt.Point;\nint fromStartup = 6;\n");
        JavaKernel k = new JavaKernel();
        k.runStartupScript(script);
        assertEquals("42", out(k, "fromStartup * 7"));
        assertEquals("3", out(k, "new Point(3, 4).x"));
        k.onShutdown(false);
    }

    @Test
    void failingStartupSnippetIsReportedAndTheRestRuns() throws Exception {
        Path script = tmp.resolve("startup.jsh");
        Files.writeString(script, "int before = 1;\nint broken = \"x\";\nint after = 2;\n");
        JavaKernel k = new JavaKernel();
        String[] atStart = captured(() -> {
            k.runStartupScript(script);
            return null;
        });
        assertTrue(atStart[1].contains("CompilationError: startup.jsh line 2"), atStart[1]);
        String[] firstCell = captured(() -> k.evalCell("before + after"));
        assertTrue(firstCell[1].contains("startup.jsh line 2: incompatible types"), firstCell[1]);
        String[] secondCell = captured(() -> k.evalCell("1"));
        assertEquals("", secondCell[1], "reported once");
        assertEquals("3", out(k, "before + after"));
        k.onShutdown(false);
    }

    @Test
    void completionInspectAndIsComplete() {
        assertTrue(shared.complete("System.out.printl", 17).getReplacements().contains("println("));
        var opts = shared.complete("int a = 1;\nMath.ab", 18);
        assertTrue(opts.getReplacements().contains("abs("), opts.getReplacements().toString());
        assertEquals(16, opts.getSourceStart());
        DisplayData doc = shared.inspect("Math.abs", 8, false);
        assertTrue(text(doc).contains("Math.abs(int"), text(doc));
        assertEquals("complete", shared.isComplete("int a = 1;\nint b = 2;"));
        assertEquals("complete", shared.isComplete("%jars x.jar\n1 + 1"));
        assertEquals("    ", shared.isComplete("for (int i = 0; i < 3; i++) {"));
        assertEquals("invalid", shared.isComplete("int x = ;"));
    }

    // ---- helpers ----

    private static Throwable causeOf(Future<?> cell) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> cell.get(60, TimeUnit.SECONDS));
        return e.getCause();
    }

    /** Waits (bounded) until a cell has set the system property, i.e. is inside its user code. */
    private static void awaitProperty(String name) throws InterruptedException {
        for (int i = 0; i < 6000 && System.getProperty(name) == null; i++) Thread.sleep(10);
        assertEquals("yes", System.getProperty(name), "the cell never started");
    }

    /** Compiles one class into a jar under {@code dir}. */
    private static Path buildJar(Path dir, String className, String source) throws Exception {
        Path src = dir.resolve("src");
        Path classes = dir.resolve("classes");
        Files.createDirectories(src);
        Files.createDirectories(classes);
        Path file = src.resolve(className.substring(className.lastIndexOf('.') + 1) + ".java");
        Files.writeString(file, source);
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), file.toString());
        assertEquals(0, rc, "javac failed");
        Path jar = dir.resolve("demo.jar");
        String entry = className.replace('.', '/') + ".class";
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry(entry));
            out.write(Files.readAllBytes(classes.resolve(entry)));
            out.closeEntry();
        }
        return jar;
    }
}
