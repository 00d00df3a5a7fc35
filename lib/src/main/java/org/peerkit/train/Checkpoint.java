package org.peerkit.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.peerkit.data.DataFiles;
import org.peerkit.model.DecoderLm;
import org.peerkit.model.LmConfig;
import org.peerkit.nn.Param;

/**
 * Checkpoints under a root folder: one folder per step, {@code step-00001000/}, holding
 * {@code params.safetensors}, {@code optimizer.safetensors} (AdamW moments "m/NAME", "v/NAME") and
 * {@code state.json} ({@link CheckpointState}).
 *
 * <p>Crash safety: a checkpoint is written into a hidden temporary folder beside the others, every
 * file and the folder are fsynced, and only then is the folder renamed to its final name (an atomic
 * rename on one file system). A crash (even {@code kill -9}) before the rename leaves only a
 * temporary folder, which loading ignores and the next save removes; so the newest
 * {@code step-*} folder is always complete. Older checkpoints are deleted only after the new one is
 * in place. One writer per root is assumed.
 */
public final class Checkpoint {

    public static final String FORMAT = "peerkit-checkpoint";
    /** 2: a SHA-256 manifest ({@code checksums.sha256}) covers state.json and the tensors. */
    public static final int VERSION = 2;
    static final String PARAMS = "params.safetensors";
    static final String OPTIMIZER = "optimizer.safetensors";
    static final String BUFFERS = "buffers.safetensors";
    static final String STATE = "state.json";
    private static final Pattern STEP_DIR = Pattern.compile("step-(\\d+)");
    private static final String TMP_PREFIX = ".tmp-";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Checkpoint() {
    }

    /**
     * Writes a checkpoint of {@code model} and {@code opt} for {@code state.step()} and keeps at most
     * {@code keep} checkpoints in {@code root}. Returns the new checkpoint folder.
     */
    public static Path save(Path root, CheckpointState state, DecoderLm model, AdamW opt, int keep)
            throws IOException {
        Files.createDirectories(root);
        removeTemporaries(root);
        Path tmp = Files.createTempDirectory(root, TMP_PREFIX + "step-" + state.step() + "-");
        Map<String, String> meta = Map.of("format", FORMAT, "step", Long.toString(state.step()));
        SafeTensors.write(tmp.resolve(PARAMS), paramValues(model), meta);
        SafeTensors.write(tmp.resolve(OPTIMIZER), moments(model, opt), meta);
        Map<String, CheckpointState.FileInfo> files = new LinkedHashMap<>();
        files.put(PARAMS, info(tmp.resolve(PARAMS)));
        files.put(OPTIMIZER, info(tmp.resolve(OPTIMIZER)));
        if (!model.buffers().isEmpty()) {  // e.g. query BatchNorm running stats: evaluation mode needs them
            SafeTensors.write(tmp.resolve(BUFFERS), bufferArrays(model.buffers()), meta);
            files.put(BUFFERS, info(tmp.resolve(BUFFERS)));
        }
        List<CheckpointState.ParamInfo> ps = new ArrayList<>();
        for (Param p : model.params()) {
            ps.add(new CheckpointState.ParamInfo(p.name(), p.shape()));
        }
        CheckpointState full = new CheckpointState(FORMAT, VERSION, state.step(), state.dataPosition(),
                state.rngState(), model.config(), state.train(), ps, files, state.lastLoss());
        try (FileChannel ch = FileChannel.open(tmp.resolve(STATE), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(JSON.writeValueAsBytes(full)));
            ch.force(true);
        }
        List<String> covered = new ArrayList<>(files.keySet());
        covered.add(0, STATE);
        CheckpointChecksums.write(tmp, covered);  // last: a folder whose manifest verifies is complete
        shareWithGroup(tmp);
        fsyncDir(tmp);
        Path target = root.resolve(String.format("step-%08d", state.step()));
        if (Files.exists(target)) {  // re-saving a step: move the old one aside first
            Path aside = Files.createTempDirectory(root, TMP_PREFIX + "replaced-");
            Files.delete(aside);
            move(target, aside);
            move(tmp, target);
            deleteTree(aside);
        } else {
            move(tmp, target);
        }
        fsyncDir(root);
        prune(root, keep);
        return target;
    }

    /** The newest complete checkpoint folder in {@code root}, if any. */
    public static Optional<Path> latest(Path root) throws IOException {
        return list(root).stream().reduce((a, b) -> b);
    }

    /**
     * Verifies the folder against its SHA-256 manifest (state.json and every tensor file it lists),
     * then reads state.json (no tensors loaded).
     */
    public static CheckpointState readState(Path dir) throws IOException {
        Path statePath = dir.resolve(STATE);
        if (!Files.exists(statePath)) {
            throw new CheckpointException(dir + " is not a checkpoint: it has no " + STATE);
        }
        Set<String> covered = CheckpointChecksums.verify(dir, List.of(STATE));
        CheckpointState st;
        try (InputStream in = Files.newInputStream(statePath)) {
            st = JSON.readValue(in, CheckpointState.class);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(dir + " is not a checkpoint: it has no " + STATE);
        } catch (IOException e) {
            throw new CheckpointException(statePath + " is corrupt (" + firstLine(e) + "); "
                    + CheckpointChecksums.fix(dir), e);
        }
        if (!FORMAT.equals(st.format())) {
            throw new CheckpointException(statePath + " is not a PEERkit checkpoint (format=" + st.format()
                    + ", expected " + FORMAT + ")");
        }
        if (st.version() != VERSION) {
            throw new CheckpointException(statePath + " has layout version " + st.version() + "; this PEERkit reads"
                    + " version " + VERSION);
        }
        if (!covered.containsAll(st.files().keySet())) {
            throw new CheckpointException(dir.resolve(CheckpointChecksums.FILE) + " does not cover every file "
                    + STATE + " lists (" + st.files().keySet() + "); " + CheckpointChecksums.fix(dir));
        }
        return st;
    }

    /**
     * Restores parameters (and, when {@code opt} is not null, AdamW moments and step count) from the
     * checkpoint in {@code dir}, after checking it was written for this model's config and parameters.
     */
    public static CheckpointState load(Path dir, DecoderLm model, AdamW opt) throws IOException {
        CheckpointState st = readState(dir);
        String diff = configDiff(st.model(), model.config());
        if (!diff.isEmpty()) {
            throw new CheckpointException(dir + " was written for a different model config (" + diff
                    + "); build the model with the checkpoint's config or start a new run");
        }
        List<Param> ps = model.params();
        List<String> here = ps.stream().map(p -> p.name() + Arrays.toString(p.shape())).toList();
        List<String> there = st.params().stream().map(p -> p.name() + Arrays.toString(p.shape())).toList();
        if (!here.equals(there)) {
            throw new CheckpointException(dir + " holds different parameters (e.g. another FFW kind): "
                    + firstDifference(there, here));
        }
        SafeTensors.readInto(dir.resolve(PARAMS), paramValues(model));
        loadBuffers(dir, st, model);
        if (opt != null) {
            SafeTensors.readInto(dir.resolve(OPTIMIZER), moments(model, opt));
            opt.setStepCount(st.step());
        }
        return st;
    }

    /** "field: checkpoint vs model" for each differing component, empty when equal. */
    static String configDiff(LmConfig saved, LmConfig current) {
        List<String> diffs = new ArrayList<>();
        for (RecordComponent c : LmConfig.class.getRecordComponents()) {
            try {
                Object a = c.getAccessor().invoke(saved);
                Object b = c.getAccessor().invoke(current);
                if (!a.equals(b)) {
                    diffs.add(c.getName() + "=" + a + " in the checkpoint, " + b + " here");
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return String.join(", ", diffs);
    }

    private static String firstDifference(List<String> there, List<String> here) {
        for (int i = 0; i < Math.max(there.size(), here.size()); i++) {
            String a = i < there.size() ? there.get(i) : "(none)";
            String b = i < here.size() ? here.get(i) : "(none)";
            if (!a.equals(b)) {
                return "parameter #" + i + " is " + a + " in the checkpoint, " + b + " in the model";
            }
        }
        return "";
    }

    /** Restores the model's buffers; a checkpoint written before buffers were saved leaves them as they are. */
    private static void loadBuffers(Path dir, CheckpointState st, DecoderLm model) throws IOException {
        Map<String, double[]> live = model.buffers();
        if (live.isEmpty() || !st.files().containsKey(BUFFERS)) {
            return;
        }
        Map<String, INDArray> read = bufferArrays(live);
        SafeTensors.readInto(dir.resolve(BUFFERS), read);
        for (Map.Entry<String, double[]> b : live.entrySet()) {
            double[] values = read.get(b.getKey()).toDoubleVector();
            System.arraycopy(values, 0, b.getValue(), 0, values.length);
        }
    }

    /** Each buffer as a DOUBLE vector (a copy: written on save, filled on load). */
    private static Map<String, INDArray> bufferArrays(Map<String, double[]> buffers) {
        Map<String, INDArray> m = new LinkedHashMap<>();
        buffers.forEach((name, values) -> m.put(name, Nd4j.createFromArray(values.clone())));
        return m;
    }

    private static Map<String, INDArray> paramValues(DecoderLm model) {
        Map<String, INDArray> m = new LinkedHashMap<>();
        for (Param p : model.params()) {
            m.put(p.name(), p.value());
        }
        return m;
    }

    private static Map<String, INDArray> moments(DecoderLm model, AdamW opt) {
        Map<String, INDArray> m = new LinkedHashMap<>();
        for (Param p : model.params()) {
            m.put("m/" + p.name(), opt.firstMoments().get(p.name()));
        }
        for (Param p : model.params()) {
            m.put("v/" + p.name(), opt.secondMoments().get(p.name()));
        }
        return m;
    }

    private static CheckpointState.FileInfo info(Path file) throws IOException {
        CRC32 crc = new CRC32();
        long n = 0;
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int r; (r = in.read(buf)) > 0;) {
                crc.update(buf, 0, r);
                n += r;
            }
        }
        return new CheckpointState.FileInfo(n, crc.getValue());
    }

    /** Complete checkpoint folders, oldest first. */
    static List<Path> list(Path root) throws IOException {
        List<Path> dirs = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return dirs;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
            for (Path p : ds) {
                if (Files.isDirectory(p) && STEP_DIR.matcher(p.getFileName().toString()).matches()) {
                    dirs.add(p);
                }
            }
        }
        dirs.sort(Comparator.comparingLong(Checkpoint::stepOf));
        return dirs;
    }

    private static long stepOf(Path dir) {
        Matcher m = STEP_DIR.matcher(dir.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    private static void prune(Path root, int keep) throws IOException {
        List<Path> dirs = list(root);
        for (int i = 0; i < dirs.size() - Math.max(1, keep); i++) {
            deleteTree(dirs.get(i));
        }
    }

    private static void removeTemporaries(Path root) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, TMP_PREFIX + "*")) {
            for (Path p : ds) {
                deleteTree(p);
            }
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + from + " atomically to " + to
                    + "; the checkpoint root must be on a local file system", e);
        }
    }

    /** The folder (a temp folder is owner-only) and its files readable by the group, for shared run stores. */
    private static void shareWithGroup(Path dir) throws IOException {
        DataFiles.groupReadable(dir);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                DataFiles.groupReadable(p);
            }
        }
    }

    private static void fsyncDir(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some file systems do not allow opening directories; the data files are already synced
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
