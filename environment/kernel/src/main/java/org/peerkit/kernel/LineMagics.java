package org.peerkit.kernel;

import io.github.spencerpark.jupyter.kernel.magic.LineMagicArgs;
import io.github.spencerpark.jupyter.kernel.magic.MagicParser;
import io.github.spencerpark.jupyter.kernel.magic.common.Load;
import io.github.spencerpark.jupyter.kernel.util.GlobFinder;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The kernel's line magics, IJava-compatible: {@code %jars <globs>} (jar files),
 * {@code %classpath <globs>} (jars or class directories) and {@code %load <file>} (a .jsh/.java
 * script or another notebook's code cells, through basekernel's {@link Load}). Globs and paths are
 * relative to the kernel's working directory, which Jupyter sets to the notebook's folder. Magic
 * lines are parsed (quotes included) by basekernel's {@link MagicParser}.
 */
final class LineMagics {
    /** Runs loaded source as if it were a cell; {@code label} names it in error messages. */
    @FunctionalInterface
    interface ScriptRunner {
        void run(String code, String label) throws Exception;
    }

    static final List<String> KNOWN = List.of("%jars", "%classpath", "%load");

    private final Path workDir;
    private final Consumer<String> addToClasspath;
    private final ScriptRunner runner;
    /** Loads nest (a notebook loading helpers); a file that loads itself must not overflow the stack. */
    private static final int MAX_LOAD_DEPTH = 16;
    private int loadDepth;

    LineMagics(Path workDir, Consumer<String> addToClasspath, ScriptRunner runner) {
        this.workDir = workDir.toAbsolutePath().normalize();
        this.addToClasspath = addToClasspath;
        this.runner = runner;
    }

    /** Runs one magic line, e.g. {@code %jars lib/*.jar}. */
    void run(String line) throws Exception {
        LineMagicArgs call = parse(line);
        switch (call.getName()) {
            case "jars" -> addGlobs("%jars", call.getArgs(), true);
            case "classpath" -> addGlobs("%classpath", call.getArgs(), false);
            case "load" -> load(call.getArgs());
            default -> throw unknown("%" + call.getName());
        }
    }

    private LineMagicArgs parse(String line) throws MagicError {
        List<LineMagicArgs> found = new ArrayList<>();
        new MagicParser().transformLineMagics(line.strip(), ctx -> {
            found.add(ctx.getMagicCall());
            return "";
        });
        if (found.isEmpty()) {
            throw unknown(line.split("\\s+")[0]);
        }
        return found.get(0);
    }

    private static MagicError unknown(String name) {
        return new MagicError("unknown magic " + name + "; this kernel knows " + String.join(", ", KNOWN));
    }

    private void addGlobs(String magic, List<String> globs, boolean filesOnly) throws IOException, MagicError {
        if (globs.isEmpty()) {
            throw new MagicError(magic + " needs at least one glob, e.g. " + magic + " lib/*.jar");
        }
        List<Path> matched = new ArrayList<>();
        for (String glob : globs) {
            String absolute = workDir.resolve(glob).normalize().toString();
            GlobFinder finder = new GlobFinder(absolute);
            int before = matched.size();
            try {
                (filesOnly ? finder.computeMatchingFiles() : finder.computeMatchingPaths()).forEach(matched::add);
            } catch (NoSuchFileException noDirectory) {
                // the glob's fixed part names a missing folder: nothing matches, reported below
            }
            if (matched.size() == before) {
                throw new MagicError(magic + ": nothing matches '" + glob + "' (looked for " + absolute + ")");
            }
        }
        for (Path p : matched) {
            addToClasspath.accept(p.toString());
        }
    }

    private void load(List<String> args) throws Exception {
        if (args.size() != 1) {
            throw new MagicError("%load needs one file, e.g. %load helpers.jsh (got " + args + ")");
        }
        Path source = workDir.resolve(args.get(0)).normalize();
        String label = source.getFileName().toString();
        if (loadDepth >= MAX_LOAD_DEPTH) {
            throw new MagicError("%load " + args.get(0) + ": more than " + MAX_LOAD_DEPTH + " nested loads; does a file load itself?");
        }
        Load load = new Load(List.of(".jsh", ".jshell", ".java"), code -> runner.run(code, label));
        loadDepth++;
        try {
            load.load(List.of(source.toString()));
        } catch (FileNotFoundException e) {
            throw new MagicError("%load: " + e.getMessage());
        } finally {
            loadDepth--;
        }
    }
}
