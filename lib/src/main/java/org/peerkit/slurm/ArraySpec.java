package org.peerkit.slurm;

import java.util.ArrayList;
import java.util.List;

/** Slurm's array index lists, {@code "0-3,5,7-8"}, both ways. */
public final class ArraySpec {

    private ArraySpec() {
    }

    /** Ascending distinct indices → the shortest range list ({@code [0, 1, 2, 5]} → {@code "0-2,5"}). */
    public static String of(List<Integer> indices) {
        if (indices.isEmpty()) {
            throw new IllegalArgumentException("an array needs at least one index");
        }
        List<Integer> sorted = indices.stream().distinct().sorted().toList();
        StringBuilder sb = new StringBuilder();
        int start = sorted.get(0);
        int prev = start;
        for (int k = 1; k <= sorted.size(); k++) {
            if (k < sorted.size() && sorted.get(k) == prev + 1) {
                prev = sorted.get(k);
                continue;
            }
            sb.append(sb.length() == 0 ? "" : ",").append(start == prev ? Integer.toString(start) : start + "-" + prev);
            if (k < sorted.size()) {
                start = sorted.get(k);
                prev = start;
            }
        }
        return sb.toString();
    }

    /** {@code "0-2,5"} → {@code [0, 1, 2, 5]}. */
    public static List<Integer> indices(String spec) {
        List<Integer> out = new ArrayList<>();
        for (String part : spec.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            String[] ends = part.split("-");
            int lo = Integer.parseInt(ends[0].trim());
            int hi = ends.length > 1 ? Integer.parseInt(ends[1].trim()) : lo;
            for (int i = lo; i <= hi; i++) {
                out.add(i);
            }
        }
        return out;
    }
}
