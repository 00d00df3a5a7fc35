package org.peerkit.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reads and writes the safetensors format (huggingface/safetensors): an 8-byte little-endian
 * header length, a JSON header {name: {dtype, shape, data_offsets}, "__metadata__": {…}}, then the
 * raw little-endian tensor bytes. Python reads the files with {@code safetensors.numpy.load_file}.
 *
 * <p>Written by hand because no Java safetensors library is served on Maven Central here, and the
 * format is small enough to write and validate in one class; Jackson handles the JSON.
 */
public final class SafeTensors {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER = 100L << 20;

    private SafeTensors() {
    }

    /**
     * Writes {@code tensors} (F32 or F64, in map order) and fsyncs the file. Metadata keys are
     * written sorted, so equal inputs give byte-identical files whatever map type holds them.
     */
    public static void write(Path file, Map<String, INDArray> tensors, Map<String, String> metadata)
            throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            new TreeMap<>(metadata).forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
            INDArray a = e.getValue();
            long bytes = a.length() * a.dataType().width();
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", code(a.dataType(), e.getKey()));
            var shape = t.putArray("shape");
            for (long s : a.shape()) {
                shape.add(s);
            }
            t.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;  // align the data to 8 bytes, as the reference writer does
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            writeFully(ch, head);
            for (INDArray a : tensors.values()) {
                writeFully(ch, littleEndianBytes(a));
            }
            ch.force(true);
        }
    }

    /**
     * Copies each tensor named in {@code targets} from the file into the target array, checking
     * that the file is well-formed and that names, dtypes and shapes match.
     */
    public static void readInto(Path file, Map<String, INDArray> targets) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            Map<String, JsonNode> entries = header(file, ch, size);
            long dataStart = 8 + headerLength(ch);
            for (Map.Entry<String, INDArray> t : targets.entrySet()) {
                JsonNode e = entries.get(t.getKey());
                if (e == null) {
                    throw new CheckpointException(file + " has no tensor '" + t.getKey() + "'");
                }
                INDArray dst = t.getValue();
                long[] shape = JSON.convertValue(e.get("shape"), long[].class);
                String dtype = e.get("dtype").asText();
                if (!Arrays.equals(shape, dst.shape()) || !dtype.equals(code(dst.dataType(), t.getKey()))) {
                    throw new CheckpointException(file + ": tensor '" + t.getKey() + "' is " + dtype
                            + Arrays.toString(shape) + " in the file but " + code(dst.dataType(), t.getKey())
                            + Arrays.toString(dst.shape()) + " in the model");
                }
                long begin = e.get("data_offsets").get(0).asLong();
                ByteBuffer bytes = ByteBuffer.allocate(Math.toIntExact(dst.length() * dst.dataType().width()))
                        .order(ByteOrder.LITTLE_ENDIAN);
                readFully(ch, bytes, dataStart + begin, file);
                bytes.flip();
                fill(dst, bytes);
            }
        }
    }

    /** Tensor names to their header entries, after checking lengths and offsets against the file size. */
    static Map<String, JsonNode> header(Path file, FileChannel ch, long size) throws IOException {
        if (size < 8) {
            throw new CheckpointException(file + " is not a safetensors file: only " + size + " bytes");
        }
        long n = headerLength(ch);
        if (n <= 0 || n > MAX_HEADER || 8 + n > size) {
            throw new CheckpointException(file + " is not a valid safetensors file: header length " + n
                    + " does not fit the file size " + size + " (truncated or not safetensors)");
        }
        ByteBuffer json = ByteBuffer.allocate((int) n);
        readFully(ch, json, 8, file);
        JsonNode root;
        try {
            root = JSON.readTree(new String(json.array(), StandardCharsets.UTF_8).trim());
        } catch (IOException e) {
            throw new CheckpointException(file + " has a corrupt safetensors header: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new CheckpointException(file + " has a corrupt safetensors header: not a JSON object");
        }
        long dataSize = size - 8 - n;
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            JsonNode offs = e.getValue().get("data_offsets");
            if (offs == null || offs.size() != 2 || offs.get(1).asLong() > dataSize
                    || offs.get(0).asLong() > offs.get(1).asLong()) {
                throw new CheckpointException(file + ": tensor '" + e.getKey() + "' has data offsets " + offs
                        + " outside the " + dataSize + " data bytes (the file is truncated or corrupt)");
            }
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    private static long headerLength(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        ch.read(b, 0);
        b.flip();
        return b.getLong();
    }

    private static String code(DataType dt, String name) {
        return switch (dt) {
            case FLOAT -> "F32";
            case DOUBLE -> "F64";
            default -> throw new IllegalArgumentException("tensor '" + name + "': dtype " + dt
                    + " is not supported (F32 and F64 only)");
        };
    }

    private static ByteBuffer littleEndianBytes(INDArray a) {
        INDArray c = a.isView() || a.ordering() != 'c' ? a.dup('c') : a;
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(c.length() * c.dataType().width()))
                .order(ByteOrder.LITTLE_ENDIAN);
        if (c.dataType() == DataType.DOUBLE) {
            b.asDoubleBuffer().put(c.data().asNioDouble());
        } else {
            b.asFloatBuffer().put(c.data().asNioFloat());
        }
        return b;
    }

    private static void fill(INDArray dst, ByteBuffer bytes) {
        if (dst.isView() || dst.ordering() != 'c') {
            throw new IllegalArgumentException("can only read into contiguous c-order arrays");
        }
        if (dst.dataType() == DataType.DOUBLE) {
            dst.data().asNioDouble().put(bytes.asDoubleBuffer());
        } else {
            dst.data().asNioFloat().put(bytes.asFloatBuffer());
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos, Path file) throws IOException {
        long p = pos;
        while (b.hasRemaining()) {
            int n = ch.read(b, p);
            if (n < 0) {
                throw new CheckpointException(file + " is truncated at byte " + p);
            }
            p += n;
        }
    }
}
