/**
 * Statistics for reading experiments across seeds: a mean with its 95 % Student-t interval
 * ({@link org.peerkit.stats.Interval}), a paired comparison of two arms run on the same seeds
 * ({@link org.peerkit.stats.Paired}: paired t and a percentile bootstrap, with the verdict taken
 * from the paired t), and scaling-law fits L(C) = E + A·C^(-α) with bootstrap intervals and the
 * crossover budget of two such curves ({@link org.peerkit.stats.PowerLawFit},
 * {@link org.peerkit.stats.Crossover}). Built on commons-math3.
 */
package org.peerkit.stats;
