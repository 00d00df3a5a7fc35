package org.peerkit.slurm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The resources every array task of a sweep asks Slurm for; each non-null field becomes one
 * {@code #SBATCH} line of the generated script ({@link SbatchScript}). Values are checked here, at
 * submission, so a typo fails in the shell with the bad value named rather than in the queue.
 *
 * @param partition {@code --partition}, null for the cluster's default
 * @param time {@code --time} wall-clock limit in one of Slurm's forms ("90", "1:30:00", "2-00"), null for the partition's default
 * @param mem {@code --mem} per node, a number with an optional unit K, M, G or T (Slurm's default unit is M); null for the default
 * @param cpus {@code --cpus-per-task}; training uses every core it is given
 * @param account {@code --account}, null for the user's default
 * @param extra further {@code #SBATCH} options, e.g. {@code --gres=gpu:1} or {@code --qos=long}
 */
public record SlurmOptions(String partition, String time, String mem, int cpus, String account, List<String> extra) {

    /** Below this a task's JVM cannot hold a model and its off-heap buffers (see {@link JvmLimits}). */
    public static final long MIN_MEM_MB = 512;
    /** sbatch's spellings of the options that have fields here. */
    private static final Map<String, String> OPTION_NAMES = Map.of("--partition", "partition", "-p", "partition",
            "--time", "time", "-t", "time", "--mem", "mem", "--account", "account", "-A", "account",
            "--cpus-per-task", "cpus", "-c", "cpus", "--cpus", "cpus");
    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9._,:+=@/-]+");
    private static final Pattern MEM = Pattern.compile("([0-9]+)([KMGT]?)", Pattern.CASE_INSENSITIVE);
    /** Slurm's --time forms: M, M:S, H:M:S, D-H, D-H:M, D-H:M:S (sbatch(1), "-t, --time"). */
    private static final Pattern TIME = Pattern.compile("[0-9]+(:[0-5]?[0-9]){0,2}|[0-9]+-[0-9]+(:[0-5]?[0-9]){0,2}");

    public SlurmOptions {
        checkWord("--partition", partition);
        checkWord("--account", account);
        if (time != null && !TIME.matcher(time).matches() && !time.equals("UNLIMITED") && !time.equals("INFINITE")) {
            throw new IllegalArgumentException("--time=" + time + " is not a Slurm time limit: give minutes (90),"
                    + " hours:minutes:seconds (1:30:00) or days-hours[:minutes] (2-00), or UNLIMITED");
        }
        if (mem != null) {
            megabytes(mem);
        }
        if (cpus < 1) {
            throw new IllegalArgumentException("--cpus=" + cpus + " must be at least 1");
        }
        extra = extra == null ? List.of() : extra.stream().map(SlurmOptions::directive).toList();
    }

    /**
     * Options written as sbatch takes them, e.g. {@code "--partition=gpu --time=1:00:00 --mem=8G
     * --gres=gpu:1"} (the notebooks' {@code PEERKIT_SLURM}): partition, time, mem, cpus-per-task and
     * account go to their fields, anything else is an extra {@code #SBATCH} line. Blank or "1": the defaults.
     */
    public static SlurmOptions parse(String text) {
        String[] words = text.trim().split("\\s+");
        Map<String, String> known = new HashMap<>();
        List<String> extra = new ArrayList<>();
        for (int i = 0; i < words.length; i++) {
            String w = words[i];
            String name = w.contains("=") ? w.substring(0, w.indexOf('=')) : w;
            String key = OPTION_NAMES.get(name);
            if (key == null) {
                if (!w.isEmpty() && !w.equals("1")) {
                    extra.add(w);
                }
            } else if (w.contains("=")) {
                known.put(key, w.substring(w.indexOf('=') + 1));
            } else if (i + 1 < words.length) {  // "-p gpu": the value is the next word
                known.put(key, words[++i]);
            } else {
                throw new IllegalArgumentException("sbatch option " + w + " needs a value, e.g. " + w + "=...");
            }
        }
        return new SlurmOptions(known.get("partition"), known.get("time"), known.get("mem"),
                known.containsKey("cpus") ? parseCpus(known.get("cpus")) : 1, known.get("account"), extra);
    }

    private static int parseCpus(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--cpus-per-task=" + value + " is not a number of CPUs", e);
        }
    }

    /** One CPU, everything else the cluster's defaults. */
    public static SlurmOptions defaults() {
        return new SlurmOptions(null, null, null, 1, null, List.of());
    }

    /**
     * {@code mem} in MB, as Slurm reads it (no unit: MB; 0: all of the node's memory).
     *
     * @throws IllegalArgumentException naming the value if it is not a size or is below {@link #MIN_MEM_MB}
     */
    public static long megabytes(String mem) {
        Matcher m = MEM.matcher(mem.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("--mem=" + mem + " is not a Slurm memory size: give a number with an"
                    + " optional unit K, M, G or T (no unit means M), e.g. --mem=8G");
        }
        long n = Long.parseLong(m.group(1));
        long mb = switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> n / 1024;
            case "G" -> n * 1024;
            case "T" -> n * 1024 * 1024;
            default -> n;
        };
        if (n != 0 && mb < MIN_MEM_MB) {
            throw new IllegalArgumentException("--mem=" + mem + " is " + mb + " MB; a task's JVM needs at least "
                    + MIN_MEM_MB + "M for its heap and ND4J's off-heap buffers (e.g. --mem=4G)");
        }
        return mb;
    }

    /** The {@code #SBATCH} options for these resources, in a fixed order. */
    public List<String> directives() {
        List<String> out = new ArrayList<>();
        out.add("--cpus-per-task=" + cpus);
        if (mem != null) {
            out.add("--mem=" + mem);
        }
        if (time != null) {
            out.add("--time=" + time);
        }
        if (partition != null) {
            out.add("--partition=" + partition);
        }
        if (account != null) {
            out.add("--account=" + account);
        }
        out.addAll(extra);
        return out;
    }

    private static void checkWord(String option, String value) {
        if (value != null && !WORD.matcher(value).matches()) {
            throw new IllegalArgumentException(option + "='" + value + "' is not a Slurm name: use letters, digits"
                    + " and . _ - (no spaces)");
        }
    }

    /** "--qos=long" or "#SBATCH --qos=long" → "--qos=long"; one option per line, the array is ours. */
    private static String directive(String line) {
        String d = line.strip().replaceFirst("^#SBATCH\\s+", "");
        if (!d.startsWith("-") || d.contains("\n") || d.contains("\r")) {
            throw new IllegalArgumentException("--sbatch '" + line + "' is not an sbatch option: give one option per"
                    + " --sbatch, e.g. --sbatch=--gres=gpu:1");
        }
        if (d.matches("(--array|-a)([ =].*)?")) {
            throw new IllegalArgumentException("--sbatch '" + line + "': the array is set by peerkit (one task per"
                    + " member still to run); leave --array out");
        }
        return d;
    }
}
