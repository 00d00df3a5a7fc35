package org.peerkit.cuda;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The C parameter lists of every kernel in src/main/cuda, parsed from the sources: a launch's Java
 * arguments must match them in kind (pointer: DeviceArray or Long; int: Integer; float: Float;
 * long long: Long), which is stricter than the driver's size check on the device (an Integer
 * where a float is expected has the right size and the wrong bits).
 */
final class KernelSignatures {
    private static final Pattern KERNEL = Pattern.compile(
            "__global__\\s+void\\s+(?:__launch_bounds__\\([^)]*\\)\\s+)?(\\w+?)(_##K)?\\s*\\(([^)]*)\\)");
    private static final int[] VARIANTS = {4, 8, 16, 32};

    /** Parameter kinds: 'p' pointer, 'i' int, 'f' float, 'l' 64-bit integer. */
    private final Map<String, String> kinds = new HashMap<>();

    KernelSignatures(Path cudaDir) throws IOException {
        try (var files = Files.list(cudaDir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".cu")).toList()) {
                String src = Files.readString(f).replaceAll("\\\\\\n", " ");
                Matcher m = KERNEL.matcher(src);
                while (m.find()) {
                    String kind = kindsOf(m.group(3));
                    if (m.group(2) != null) {
                        for (int v : VARIANTS) {
                            kinds.put(m.group(1) + "_" + v, kind);
                        }
                    } else {
                        kinds.put(m.group(1), kind);
                    }
                }
            }
        }
    }

    private static String kindsOf(String params) {
        StringBuilder sb = new StringBuilder();
        for (String p : params.split(",")) {
            String t = p.trim();
            if (t.contains("*")) {
                sb.append('p');
            } else if (t.contains("long long")) {
                sb.append('l');
            } else if (t.startsWith("int ") || t.startsWith("const int ")) {
                sb.append('i');
            } else if (t.startsWith("float ") || t.startsWith("const float ")) {
                sb.append('f');
            } else {
                throw new IllegalStateException("unparsed kernel parameter '" + t + "'");
            }
        }
        return sb.toString();
    }

    int count() {
        return kinds.size();
    }

    /** Throws naming the kernel and the first argument whose Java type does not match its C type. */
    void check(String kernel, Object[] args) {
        String want = kinds.get(kernel);
        if (want == null) {
            throw new IllegalArgumentException("no kernel " + kernel + " in src/main/cuda");
        }
        List<String> bad = new ArrayList<>();
        if (want.length() != args.length) {
            bad.add(args.length + " arguments for " + want.length() + " parameters");
        }
        for (int i = 0; i < Math.min(want.length(), args.length); i++) {
            char k = want.charAt(i);
            Object a = args[i];
            boolean ok = switch (k) {
                case 'p' -> a instanceof DeviceArray || a instanceof Long;
                case 'i' -> a instanceof Integer;
                case 'f' -> a instanceof Float;
                default -> a instanceof Long;
            };
            if (!ok) {
                bad.add("argument " + i + " is a " + a.getClass().getSimpleName() + " for a '" + k + "' parameter");
            }
        }
        if (!bad.isEmpty()) {
            throw new IllegalArgumentException(kernel + ": " + bad);
        }
    }
}
