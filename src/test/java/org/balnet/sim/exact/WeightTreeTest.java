package org.balnet.sim.exact;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The Fenwick tree against a linear scan, through random updates, zero weights included. */
class WeightTreeTest {

    static int scan(long[] w, long r, long[] residual) {
        for (int i = 0; i < w.length; i++) {
            if (r < w[i]) {
                residual[0] = r;
                return i;
            }
            r -= w[i];
        }
        throw new AssertionError("r beyond the total");
    }

    @Test
    void findAgreesWithALinearScanThroughUpdates() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int leaves : new int[]{1, 2, 5, 64, 132, 257}) {
            long[] w = new long[leaves];
            for (int i = 0; i < leaves; i++) {
                w[i] = rnd.nextInt(4) == 0 ? 0 : rnd.nextLong(1L << 40);
            }
            w[rnd.nextInt(leaves)] = 1 + rnd.nextLong(1L << 40); // at least one positive weight
            WeightTree tree = new WeightTree(leaves);
            tree.reset(w);
            long[] residual = new long[1];
            for (int round = 0; round < 2000; round++) {
                int i = rnd.nextInt(leaves);
                long delta = rnd.nextLong(1L << 30) - (1L << 29);
                if (w[i] + delta >= 0) {
                    w[i] += delta;
                    tree.add(i, delta);
                }
                long total = 0;
                for (long x : w) {
                    total += x;
                }
                assertEquals(total, tree.total(), "total after update " + round);
                if (total == 0) {
                    continue;
                }
                for (long r : new long[]{0, total - 1, rnd.nextLong(total), rnd.nextLong(total)}) {
                    int want = scan(w, r, residual);
                    assertEquals(want, tree.find(r), leaves + " leaves, r = " + r);
                    assertEquals(residual[0], tree.residual(), "residual");
                }
            }
        }
    }
}
