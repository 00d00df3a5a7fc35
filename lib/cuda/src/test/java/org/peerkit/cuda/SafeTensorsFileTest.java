package org.peerkit.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsFileTest {
    @TempDir
    Path dir;

    private Path write(String header, ByteBuffer data) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + data.capacity()).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json).put(data.array());
        Path f = dir.resolve("t.safetensors");
        Files.write(f, b.array());
        return f;
    }

    @Test
    void readsF64F32AndI32WithMetadata() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(16 + 8 + 8).order(ByteOrder.LITTLE_ENDIAN);
        data.putDouble(1.5).putDouble(-2.25).putFloat(3.5f).putFloat(4f).putInt(7).putInt(-1);
        Path f = write("{\"__metadata__\":{\"heads\":\"4\"},\"a\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[16,24]},"
                + "\"c\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[24,32]}}", data);
        SafeTensorsFile t = SafeTensorsFile.read(f);
        assertArrayEquals(new double[] {1.5, -2.25}, t.get("a"));
        assertArrayEquals(new float[] {3.5f, 4f}, t.floats("b"));
        assertArrayEquals(new long[] {1, 2}, t.shape("b"));
        assertArrayEquals(new int[] {7, -1}, t.ints("c"));
        assertEquals(4, t.meta("heads"));
    }

    @Test
    void offsetsThatDisagreeWithTheShapeAreAnError() throws IOException {
        Path f = write("{\"a\":{\"dtype\":\"F64\",\"shape\":[3],\"data_offsets\":[0,16]}}", ByteBuffer.allocate(16));
        IOException e = assertThrows(IOException.class, () -> SafeTensorsFile.read(f));
        assertTrue(e.getMessage().contains("'a'"), e.getMessage());
    }

    @Test
    void aMissingTensorIsNamed() throws IOException {
        Path f = write("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", ByteBuffer.allocate(4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SafeTensorsFile.read(f).get("zz"));
        assertTrue(e.getMessage().contains("'zz'") && e.getMessage().contains("[a]"), e.getMessage());
    }
}
