package org.peerkit.nn;

import java.util.function.DoubleSupplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * SplitMix64 random numbers. Hand-written instead of {@link java.util.Random} because its whole
 * state is one {@code long} that a checkpoint can store and restore exactly, and because
 * initialising from Java (not ND4J's native RNG) gives the same weights on every backend.
 */
public final class Rng {

    private long state;

    public Rng(long seed) {
        this.state = seed;
    }

    public long state() {
        return state;
    }

    public void setState(long state) {
        this.state = state;
    }

    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1). */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Standard normal by Box–Muller (no cached spare, so the state stays one long). */
    public double nextGaussian() {
        double u1 = 1.0 - nextDouble();
        double u2 = nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    public int nextInt(int bound) {
        return (int) Math.floorMod(nextLong(), (long) bound);
    }

    /** A new array of N(0, std²) values. */
    public INDArray normal(DataType dtype, double std, long... shape) {
        return fill(dtype, () -> std * nextGaussian(), shape);
    }

    private static INDArray fill(DataType dtype, DoubleSupplier next, long... shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        double[] v = new double[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = next.getAsDouble();
        }
        return Nd4j.createFromArray(v).castTo(dtype).reshape(shape).dup('c');
    }
}
