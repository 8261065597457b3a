package org.balnet.sim;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TableExpTest {
    /** StrictMath.exp is fdlibm's, within 1 ulp of e^x: so TableExp is within 2 ulps of e^x. */
    private static final double MAX_ULPS_FROM_STRICT_MATH = 1;
    private static final int POINTS = 4_000_000;

    @Test
    void withinOneUlpOfStrictMathOverTheWholeRange() {
        SplittableRandom random = new SplittableRandom(20240517L);
        double worst = 0;
        double worstX = 0;
        for (int k = 0; k < POINTS; k++) {
            // Half the points over [-708, 0], half over [-1, 0] where rates mostly evaluate it.
            double x = k % 2 == 0 ? TableExp.FLUSH_BELOW * random.nextDouble() : -random.nextDouble();
            double expected = StrictMath.exp(x);
            double ulps = Math.abs(TableExp.ofNonPositive(x) - expected) / Math.ulp(expected);
            if (ulps > worst) {
                worst = ulps;
                worstX = x;
            }
        }
        System.out.printf("TableExp: largest difference from StrictMath.exp over %d points: %.0f ulp at x = %s%n",
                POINTS, worst, worstX);
        assertTrue(worst <= MAX_ULPS_FROM_STRICT_MATH, "TableExp differs from StrictMath.exp by " + worst + " ulps at " + worstX);
    }

    @Test
    void exactWhereExpIsExactAndAtTheTableNodes() {
        assertEquals(1.0, TableExp.ofNonPositive(0.0));
        assertEquals(1.0, TableExp.ofNonPositive(-0.0));
        assertEquals(1.0, TableExp.ofNonPositive(-Double.MIN_VALUE));
        for (int j = 0; j <= 64 * 20; j++) {
            double x = -j * Math.log(2) / 64;
            double expected = StrictMath.exp(x);
            assertTrue(Math.abs(TableExp.ofNonPositive(x) - expected) <= Math.ulp(expected), "x = -" + j + " ln2/64");
        }
    }

    @Test
    void flushesBelowTheNormalRangeAndKeepsNaN() {
        double atFlush = TableExp.ofNonPositive(TableExp.FLUSH_BELOW);
        assertTrue(atFlush >= Double.MIN_NORMAL, "e^-708 must be normal, got " + atFlush);
        assertEquals(0.0, TableExp.ofNonPositive(Math.nextDown(TableExp.FLUSH_BELOW)));
        assertEquals(0.0, TableExp.ofNonPositive(-745.2));
        assertEquals(0.0, TableExp.ofNonPositive(-Double.MAX_VALUE));
        assertEquals(0.0, TableExp.ofNonPositive(Double.NEGATIVE_INFINITY));
        assertTrue(Double.isNaN(TableExp.ofNonPositive(Double.NaN)));
    }
}
