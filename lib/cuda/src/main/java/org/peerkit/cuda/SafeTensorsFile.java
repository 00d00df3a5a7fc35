package org.peerkit.cuda;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a safetensors file (8-byte little-endian header length, JSON header, raw little-endian
 * data) into doubles: the golden files that lib's {@code org.peerkit.golden} writes with lib's own
 * writer (train.SafeTensors). Read here with jackson-core's streaming parser because this module
 * runs without lib and ND4J on the device.
 */
public final class SafeTensorsFile {
    private final Path file;
    private final Map<String, double[]> tensors = new LinkedHashMap<>();
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    private SafeTensorsFile(Path file) {
        this.file = file;
    }

    public static SafeTensorsFile read(Path file) throws IOException {
        ByteBuffer all = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        if (all.capacity() < 8) {
            throw new IOException(file + " is not a safetensors file (" + all.capacity() + " bytes)");
        }
        long n = all.getLong(0);
        if (n <= 0 || 8 + n > all.capacity()) {
            throw new IOException(file + " is not a valid safetensors file: header length " + n + " exceeds the file");
        }
        SafeTensorsFile out = new SafeTensorsFile(file);
        try (JsonParser p = new JsonFactory().createParser(all.array(), 8, (int) n)) {
            expect(p.nextToken(), JsonToken.START_OBJECT, file);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("__metadata__")) {
                    out.readMetadata(p);
                } else {
                    out.readTensor(p, name, all, 8 + n);
                }
            }
        }
        return out;
    }

    private void readMetadata(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            p.nextToken();
            metadata.put(key, p.getText());
        }
    }

    private void readTensor(JsonParser p, String name, ByteBuffer all, long dataStart) throws IOException {
        String dtype = null;
        List<Long> shape = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "dtype" -> dtype = p.getText();
                case "shape" -> readLongs(p, shape);
                case "data_offsets" -> readLongs(p, offsets);
                default -> p.skipChildren();
            }
        }
        if (dtype == null || offsets.size() != 2) {
            throw new IOException(file + ": tensor '" + name + "' lacks dtype or data_offsets");
        }
        int width = switch (dtype) {
            case "F64" -> 8;
            case "F32", "I32" -> 4;
            default -> throw new IOException(file + ": tensor '" + name + "' is " + dtype + "; golden files use F32/F64/I32");
        };
        long count = shape.stream().mapToLong(Long::longValue).reduce(1, (a, b) -> a * b);
        long begin = dataStart + offsets.get(0);
        if (offsets.get(1) - offsets.get(0) != count * width || dataStart + offsets.get(1) > all.capacity()) {
            throw new IOException(file + ": tensor '" + name + "' offsets do not match its shape " + shape);
        }
        double[] values = new double[Math.toIntExact(count)];
        for (int i = 0; i < values.length; i++) {
            int at = Math.toIntExact(begin + (long) i * width);
            values[i] = switch (width) {
                case 8 -> all.getDouble(at);
                default -> dtype.equals("I32") ? all.getInt(at) : all.getFloat(at);
            };
        }
        tensors.put(name, values);
        shapes.put(name, shape.stream().mapToLong(Long::longValue).toArray());
    }

    private static void readLongs(JsonParser p, List<Long> out) throws IOException {
        while (p.nextToken() != JsonToken.END_ARRAY) {
            out.add(p.getLongValue());
        }
    }

    private static void expect(JsonToken got, JsonToken want, Path file) throws IOException {
        if (got != want) {
            throw new IOException(file + ": header is not a JSON object");
        }
    }

    /** The tensor's values as doubles; an error naming the file and the tensor if absent. */
    public double[] get(String name) {
        double[] t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException(file + " has no tensor '" + name + "' (has " + tensors.keySet() + ")");
        }
        return t;
    }

    public float[] floats(String name) {
        double[] d = get(name);
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    public int[] ints(String name) {
        double[] d = get(name);
        int[] out = new int[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = (int) d[i];
        }
        return out;
    }

    public long[] shape(String name) {
        get(name);
        return shapes.get(name);
    }

    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    public int meta(String key) {
        String v = metadata.get(key);
        if (v == null) {
            throw new IllegalArgumentException(file + " has no metadata '" + key + "' (has " + metadata.keySet() + ")");
        }
        return Integer.parseInt(v);
    }

    public String metaText(String key) {
        return metadata.getOrDefault(key, "");
    }

    public Path file() {
        return file;
    }
}
