package org.peerkit.ffw;

/**
 * A layer config built on a {@link ProductKeys} shape (PEER and PKM): the shape's fields read
 * through, and the builder-style {@code withX} steps that change the shape, written once here so
 * {@code PeerConfig.defaults().withHeads(4).withK(8)} and the PKM equivalent validate the same way.
 *
 * @param <C> the implementing config, returned by every {@code withX}
 */
public interface ProductKeyConfig<C extends ProductKeyConfig<C>> {

    /** Width of x. */
    int dModel();

    ProductKeys keys();

    /** A copy with width {@code d} and shape {@code keys}, all else equal: the one step every {@code withX} takes. */
    C with(int d, ProductKeys keys);

    default C withDModel(int d) {
        return with(d, keys());
    }

    default C withKeys(ProductKeys shape) {
        return with(dModel(), shape);
    }

    default int numExperts() {
        return keys().numExperts();
    }

    default int heads() {
        return keys().heads();
    }

    default int k() {
        return keys().k();
    }

    default int dKey() {
        return keys().dKey();
    }

    /** √N, the number of sub-keys per half. */
    default int subKeys() {
        return keys().subKeys();
    }

    /** A copy with N experts (a perfect square; set k first when shrinking N below it). */
    default C withNumExperts(int n) {
        return withKeys(keys().withNumExperts(n));
    }

    default C withHeads(int h) {
        return withKeys(keys().withHeads(h));
    }

    /** A copy with {@code topK} experts per head. */
    default C withK(int topK) {
        return withKeys(keys().withK(topK));
    }

    default C withDKey(int q) {
        return withKeys(keys().withDKey(q));
    }

    default C withQueryBatchNorm(boolean bn) {
        return withKeys(keys().withQueryBatchNorm(bn));
    }
}
