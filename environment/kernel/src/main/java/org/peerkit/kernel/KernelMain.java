package org.peerkit.kernel;

import io.github.spencerpark.jupyter.channels.JupyterConnection;
import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Entry point of the kernel jar:
 * <pre>
 *   run &lt;connection-file&gt;                     what kernel.json starts (Jupyter passes the file)
 *   kernelspec &lt;outDir&gt; [--name java] [--display-name "Java (PEERkit)"]
 *              [--classpath-file F] [--startup F] [--jvm-opt X]...   writes outDir/kernel.json
 * </pre>
 * The arguments are parsed by hand rather than with picocli: the kernel's classpath is also every
 * notebook's classpath, so the kernel depends on basekernel alone.
 */
public final class KernelMain {
    /** A .jsh script evaluated when the kernel starts (like IJava's IJAVA_STARTUP_SCRIPTS_PATH). */
    public static final String STARTUP_ENV = "PEERKIT_KERNEL_STARTUP";

    private static final String USAGE = String.join("\n",
            "usage: java -jar peerkit-kernel.jar run <connection-file>",
            "       java -jar peerkit-kernel.jar kernelspec <outDir> [--name java] [--display-name \"Java (PEERkit)\"]",
            "            [--classpath-file F] [--startup F] [--jvm-opt X]...");

    private KernelMain() {}

    public static void main(String[] args) throws Exception {
        try {
            if (args.length == 2 && args[0].equals("run")) {
                run(Path.of(args[1]));
            } else if (args.length >= 2 && args[0].equals("kernelspec")) {
                kernelspec(args);
            } else {
                throw new IllegalArgumentException("expected 'run <connection-file>' or 'kernelspec <outDir> ...'");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("peerkit-kernel: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
        } catch (IOException e) {
            System.err.println("peerkit-kernel: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void run(Path connectionFile) throws Exception {
        // basekernel's loops log INFO lines at shutdown; keep the kernel log to real problems
        Logger.getLogger("").setLevel(Level.WARNING);
        if (!Files.isRegularFile(connectionFile)) {
            throw new IllegalArgumentException("connection file " + connectionFile + " does not exist");
        }
        KernelConnectionProperties props = KernelConnectionProperties.parse(Files.readString(connectionFile));
        JavaKernel kernel = new JavaKernel();
        String startup = System.getenv(STARTUP_ENV);
        if (startup != null && !startup.isBlank()) {
            kernel.runStartupScript(Path.of(startup));
        }
        JupyterConnection connection = new JupyterConnection(props);
        kernel.becomeHandlerForConnection(connection);
        connection.connect();
        connection.waitUntilClose();
        System.exit(0); // end threads a notebook left running
    }

    private static void kernelspec(String[] args) throws Exception {
        Path outDir = Path.of(args[1]);
        KernelSpec d = KernelSpec.defaults();
        String name = d.name();
        String displayName = d.displayName();
        List<Path> classpath = new ArrayList<>();
        Path startup = null;
        List<String> jvmOptions = new ArrayList<>();
        for (int i = 2; i < args.length; i += 2) {
            String option = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            String value = args[i + 1];
            switch (option) {
                case "--name" -> name = value;
                case "--display-name" -> displayName = value;
                case "--classpath-file" -> classpath.addAll(KernelSpec.readClasspathFile(Path.of(value)));
                case "--startup" -> startup = existingFile("--startup", value);
                case "--jvm-opt" -> jvmOptions.add(value);
                default -> throw new IllegalArgumentException("unknown option " + option
                        + "; options: --name, --display-name, --classpath-file, --startup, --jvm-opt");
            }
        }
        KernelSpec spec = new KernelSpec(name, displayName, classpath, startup, jvmOptions);
        Path written = spec.writeTo(outDir);
        System.out.println("wrote " + written.toAbsolutePath());
        System.out.println("install with: jupyter kernelspec install --user --replace --name " + name + " " + outDir);
    }

    private static Path existingFile(String option, String value) {
        Path p = Path.of(value).toAbsolutePath().normalize();
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException(option + " " + p + " does not exist");
        }
        return p;
    }
}
