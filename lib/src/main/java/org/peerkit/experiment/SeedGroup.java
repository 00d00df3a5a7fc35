package org.peerkit.experiment;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import org.peerkit.stats.Interval;
import org.peerkit.stats.Paired;

/**
 * The runs of one configuration that differ only in their seed: the unit a table row, a plot
 * point and a comparison are made of. Runs group by the id of their spec with the seed set to
 * zero, so any two specs equal but for {@code seed} fall into one group.
 *
 * <p>Losses are averaged, not perplexities: {@link #perplexity} is e^(mean loss) with the loss's
 * Student-t interval mapped through e^x, so its interval is asymmetric and covers what the loss
 * interval covers. Comparisons ({@link #compare}) pair the two groups' losses seed by seed.
 *
 * @param spec the shared spec, with {@code seed = 0}
 * @param runs the group's runs by seed, ascending
 */
public record SeedGroup(RunSpec spec, List<RunResult> runs) {

    public SeedGroup {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("a seed group needs at least one run");
        }
        runs = List.copyOf(runs);
    }

    /** Groups {@code runs} by everything but the seed, in order of each group's first run. */
    public static List<SeedGroup> of(Collection<RunResult> runs) {
        Map<String, TreeMap<Long, RunResult>> by = new LinkedHashMap<>();
        Map<String, RunSpec> specs = new LinkedHashMap<>();
        for (RunResult r : runs) {
            RunSpec key = r.spec().withSeed(0);
            TreeMap<Long, RunResult> seeds = by.computeIfAbsent(key.id(), k -> new TreeMap<>());
            if (seeds.put(r.spec().seed(), r) != null) {
                throw new IllegalArgumentException("run " + r.id() + " appears twice (seed " + r.spec().seed() + ")");
            }
            specs.put(key.id(), key);
        }
        List<SeedGroup> out = new ArrayList<>();
        by.forEach((id, seeds) -> out.add(new SeedGroup(specs.get(id), new ArrayList<>(seeds.values()))));
        return out;
    }

    public List<Long> seeds() {
        return runs.stream().map(r -> r.spec().seed()).toList();
    }

    /** The first evaluation split of the spec: the one tables and comparisons use. */
    public String split() {
        return spec.data().evalSplits().get(0).id();
    }

    /** One value per seed, in seed order. */
    public double[] values(ToDoubleFunction<RunResult> metric) {
        return runs.stream().mapToDouble(metric).toArray();
    }

    /** Loss on {@code split} per seed. */
    public double[] losses(String split) {
        return values(r -> {
            Double l = r.summary().evalLoss().get(split);
            if (l == null) {
                throw new IllegalArgumentException("run " + r.id() + " has no evaluation on '" + split + "'; it has "
                        + r.summary().evalLoss().keySet());
            }
            return l;
        });
    }

    /** Mean loss on the first split with its 95 % t interval. */
    public Interval loss() {
        return Interval.studentT(losses(split()));
    }

    /** e^(mean loss) on the first split, the t interval of the loss mapped through e^x. */
    public Interval perplexity() {
        return perplexity(split());
    }

    public Interval perplexity(String split) {
        return Interval.studentT(losses(split)).map(Math::exp);
    }

    /** Mean ± 95 % t interval of any per-run number, e.g. {@code g.mean(r -> r.summary().trainSeconds())}. */
    public Interval mean(ToDoubleFunction<RunResult> metric) {
        return Interval.studentT(values(metric));
    }

    /** This group's loss minus {@code other}'s on the first split, paired by seed (seeds in only one group are left out). */
    public Paired compare(SeedGroup other) {
        return Paired.bySeed(bySeed(split()), other.bySeed(split()));
    }

    private Map<Long, Double> bySeed(String split) {
        Map<Long, Double> m = new TreeMap<>();
        double[] ls = losses(split);
        for (int i = 0; i < runs.size(); i++) {
            m.put(runs.get(i).spec().seed(), ls[i]);
        }
        return m;
    }

    /** The run of the lowest seed: where a table reads the fields that do not vary with the seed. */
    public RunResult first() {
        return runs.get(0);
    }
}
