package org.balnet.sim.exact;

import java.util.Arrays;

/**
 * Integer weights on a fixed number of leaves with O(log L) update and O(log L) choice of a leaf in
 * proportion to its weight: a Fenwick tree (P. M. Fenwick, "A new data structure for cumulative
 * frequency tables", Software: Practice and Experience 24, 1994). Integer weights keep every sum exact:
 * after any number of updates the total and the leaf a draw lands in are those of the current weights,
 * with no drift from rounding.
 */
final class WeightTree {
    private final long[] tree;
    private final int highestBit;
    private long total;
    /** What {@link #find} left of its argument inside the leaf it returned. */
    private long residual;

    private final int leaves;

    /** @param leaves number of leaves; weights below 2^62 */
    WeightTree(int leaves) {
        this.leaves = leaves;
        // Padded to a power of two, so that the descent in find needs no bounds test.
        int size = Integer.highestOneBit(Math.max(1, leaves - 1)) << 1;
        tree = new long[size + 1];
        highestBit = size;
    }

    int leaves() {
        return leaves;
    }

    /** Sets every weight (O(L)). */
    void reset(long[] weights) {
        Arrays.fill(tree, 0);
        total = 0;
        for (int i = 0; i < leaves; i++) {
            tree[i + 1] = weights[i];
            total += weights[i];
        }
        // Linear-time construction: each node passes its sum to its parent.
        for (int i = 1; i < tree.length; i++) {
            int parent = i + (i & -i);
            if (parent < tree.length) {
                tree[parent] += tree[i];
            }
        }
    }

    /** Adds {@code delta} to the weight of {@code leaf}. */
    void add(int leaf, long delta) {
        total += delta;
        for (int i = leaf + 1; i < tree.length; i += i & -i) {
            tree[i] += delta;
        }
    }

    long total() {
        return total;
    }

    /**
     * The leaf whose cumulative range holds {@code r}: the smallest leaf i with
     * w_0 + ... + w_i &gt; r. Afterwards {@link #residual()} is r - (w_0 + ... + w_{i-1}), in [0, w_i).
     *
     * @param r in [0, total)
     */
    int find(long r) {
        int pos = 0;
        for (int bit = highestBit; bit > 0; bit >>= 1) {
            long v = tree[pos + bit];
            // All ones when v <= r, else zero (both below 2^62): a data-dependent branch here is
            // mispredicted half the time.
            long take = (v - r - 1) >> 63;
            pos += bit & (int) take;
            r -= v & take;
        }
        residual = r;
        return pos;
    }

    long residual() {
        return residual;
    }
}
