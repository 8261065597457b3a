package org.balnet.limit;

import java.util.Locale;

/**
 * The two eigenvalues of a real 2x2 matrix (here J_v of (3.6)), ordered so that the first has the
 * larger real part: {@code re1} is zeta of Lemma 4.2. A complex pair has {@code im1 = -im2 > 0}.
 *
 * @param re1 real part of the eigenvalue with the larger real part (zeta), units 1/u per time
 * @param im1 its imaginary part (&ge; 0)
 * @param re2 real part of the other eigenvalue
 * @param im2 its imaginary part
 */
public record Eigenvalues(double re1, double im1, double re2, double im2) {

    /** Eigenvalues of {@code m} = [[m00, m01], [m10, m11]]. */
    public static Eigenvalues of(double[][] m) {
        double a = m[0][0], b = m[0][1], c = m[1][0], d = m[1][1];
        double trace = a + d;
        double det = a * d - b * c;
        // (a - d)^2 + 4bc, not trace^2 - 4 det: no cancellation when the eigenvalues are close
        double disc = (a - d) * (a - d) + 4 * b * c;
        if (disc >= 0) {
            double sq = Math.sqrt(disc);
            // the larger-magnitude root first, the other from the product: exact even when det ~ 0
            double big = 0.5 * (trace + Math.copySign(sq, trace));
            double small = big != 0 ? det / big : 0.5 * (trace - Math.copySign(sq, trace));
            return new Eigenvalues(Math.max(big, small), 0, Math.min(big, small), 0);
        }
        double im = 0.5 * Math.sqrt(-disc);
        return new Eigenvalues(0.5 * trace, im, 0.5 * trace, -im);
    }

    /** zeta: the largest real part. */
    public double zeta() {
        return re1;
    }

    /** Both real parts strictly negative, (3.8). False for NaN. */
    public boolean isStable() {
        return re1 < 0;
    }

    public boolean isComplex() {
        return im1 != 0;
    }

    /** For people: "-0.0193520 and -0.601234" or "-0.0193520 +/- 0.287100i". */
    @Override
    public String toString() {
        if (isComplex()) {
            return String.format(Locale.ROOT, "%.6g +/- %.6gi", re1, im1);
        }
        return String.format(Locale.ROOT, "%.6g and %.6g", re1, re2);
    }
}
