package org.peerkit.data;

import java.util.Arrays;

/** A growable {@code int[]}: encoding a split appends millions of ids without boxing. */
public final class IntArray {
    private int[] items;
    private int size;

    public IntArray(int capacity) {
        items = new int[Math.max(1, capacity)];
    }

    public void add(int v) {
        if (size == items.length) {
            grow(size + 1);
        }
        items[size++] = v;
    }

    public void addAll(int[] vs) {
        if (size + vs.length > items.length) {
            grow(size + vs.length);
        }
        System.arraycopy(vs, 0, items, size, vs.length);
        size += vs.length;
    }

    public int get(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("index " + i + " outside [0, " + size + ")");
        }
        return items[i];
    }

    public int size() {
        return size;
    }

    public int[] toArray() {
        return Arrays.copyOf(items, size);
    }

    private void grow(int min) {
        items = Arrays.copyOf(items, Math.max(min, items.length * 2));
    }
}
