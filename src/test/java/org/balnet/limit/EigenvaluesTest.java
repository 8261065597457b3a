package org.balnet.limit;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EigenvaluesTest {
    @Test
    void realPairIsOrderedWithZetaFirst() {
        Eigenvalues e = Eigenvalues.of(new double[][]{{-2, 0}, {0, -0.5}});
        assertEquals(-0.5, e.zeta(), 0);
        assertEquals(-2, e.re2(), 0);
        assertFalse(e.isComplex());
        assertTrue(e.isStable());
    }

    @Test
    void complexPairHasTheHalfTraceAsRealPart() {
        // [[a, -b], [b, a]] has eigenvalues a +- i b
        Eigenvalues e = Eigenvalues.of(new double[][]{{-0.1, -2}, {2, -0.1}});
        assertEquals(-0.1, e.zeta(), 1e-15);
        assertEquals(2, e.im1(), 1e-15);
        assertEquals(-2, e.im2(), 1e-15);
        assertTrue(e.isComplex());
        assertTrue(e.toString().contains("+/-"), e.toString());
    }

    @Test
    void smallEigenvalueNextToALargeOneIsExact() {
        // det = -1e-14 * 3 ... eigenvalues 1e-14 and -3: the naive (tr + sqrt(disc))/2 loses it entirely
        Eigenvalues e = Eigenvalues.of(new double[][]{{1e-14, 1}, {0, -3}});
        assertEquals(1e-14, e.zeta(), 1e-28);
        assertFalse(e.isStable());
    }

    @Test
    void sameAsTheCharacteristicPolynomialForAGeneralMatrix() {
        double[][] m = {{0.3, -1.7}, {0.9, -0.8}};
        Eigenvalues e = Eigenvalues.of(m);
        double tr = m[0][0] + m[1][1], det = m[0][0] * m[1][1] - m[0][1] * m[1][0];
        assertEquals(tr, e.re1() + e.re2(), 1e-15);
        assertEquals(det, e.re1() * e.re2() + e.im1() * e.im1(), 1e-15);
    }

    @Test
    void nanIsNeverStable() {
        assertFalse(Eigenvalues.of(new double[][]{{Double.NaN, 0}, {0, -1}}).isStable());
    }
}
