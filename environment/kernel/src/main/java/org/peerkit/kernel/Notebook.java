package org.peerkit.kernel;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.Renderer;
import java.util.UUID;

/**
 * The runtime API every cell sees ({@code import static org.peerkit.kernel.Notebook.*} is one of
 * the kernel's default imports). The signatures are IJava's, so a notebook that calls
 * {@code display(chart)} or {@code updateDisplay(id, progress)} runs under both kernels.
 *
 * <pre>{@code
 * String id = display("<b>starting</b>", "text/html");   // publishes display_data, returns its id
 * updateDisplay(id, "<b>done</b>", "text/html");          // replaces that output in place
 * render(md, "text/markdown")                              // as a cell's last expression: its Out
 * renderer().createRegistration(Foo.class)...              // teach the kernel a type (startup script)
 * }</pre>
 */
public final class Notebook {
    private static volatile JavaKernel kernel;

    private Notebook() {}

    static void attach(JavaKernel k) {
        kernel = k;
    }

    /** The running kernel. */
    public static JavaKernel kernel() {
        JavaKernel k = kernel;
        if (k == null) {
            throw new IllegalStateException("no PEERkit kernel is running in this JVM");
        }
        return k;
    }

    /** basekernel's renderer, to register how a type is shown (e.g. a chart as image/png). */
    public static Renderer renderer() {
        return kernel().getRenderer();
    }

    /** Shows {@code o} now, in its preferred MIME types; returns the display id. */
    public static String display(Object o) {
        return publish(render(o));
    }

    /** Shows {@code o} now as the given MIME types (e.g. "text/html"); returns the display id. */
    public static String display(Object o, String... mimes) {
        return publish(render(o, mimes));
    }

    /** Renders without showing, e.g. to choose a cell's Out type: {@code render(s, "text/markdown")}. */
    public static DisplayData render(Object o) {
        return kernel().render(o);
    }

    /** Renders as the given MIME types without showing. */
    public static DisplayData render(Object o, String... mimes) {
        return kernel().render(o, mimes);
    }

    /** Replaces the output shown under display id {@code id} with {@code o}. */
    public static void updateDisplay(String id, Object o) {
        kernel().flushOutput();
        kernel().getIO().display.updateDisplay(id, render(o));
    }

    /** Replaces the output shown under {@code id} with {@code o} as the given MIME types. */
    public static void updateDisplay(String id, Object o, String... mimes) {
        kernel().flushOutput();
        kernel().getIO().display.updateDisplay(id, render(o, mimes));
    }

    private static String publish(DisplayData data) {
        if (!data.hasDisplayId()) {
            data.setDisplayId(UUID.randomUUID().toString());
        }
        kernel().flushOutput();  // text printed before the display shows before it
        kernel().display(data);
        return data.getDisplayId();
    }
}
