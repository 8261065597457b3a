package org.balnet.validate;

import org.apache.commons.math3.special.Erf;

/**
 * Distances between the empirical distribution of one population's states, known through a
 * {@link StateHistogram}, and a Gaussian N(mean, sd^2): Kolmogorov-Smirnov sup_x |F_n(x) - Phi(x)| and
 * Wasserstein-1 = integral |F_n(x) - Phi(x)| dx (in the units of u). Lemma 5.2 says the empirical
 * measure becomes Gaussian as n grows; these put a number on how close it is at a given n.
 *
 * <p><b>Binning.</b> The histogram gives F_n exactly at the bin edges e_k (as the left limit
 * F_n(e_k-) = fraction of states below e_k), and only bounds inside a bin. Both F_n and Phi are
 * non-decreasing, so on [e_k, e_(k+1)) the difference F_n - Phi lies in
 * [F_n(e_k-) - Phi(e_(k+1)), F_n(e_(k+1)-) - Phi(e_k)], an interval of length p_k + dPhi_k (the bin's
 * empirical and Gaussian masses). Hence:
 * <ul>
 *   <li>KS: the largest edge difference is a lower bound ({@link Result#ks}); the largest end of those
 *       intervals an upper bound ({@link Result#ksUpper}). They differ by at most the largest
 *       p_k + dPhi_k.</li>
 *   <li>W1: the trapezoid rule on the edge values ({@link Result#w1}) is within bin width x (p_k + dPhi_k)
 *       per bin, at most 2 bin widths in all, of the integral over the range; outside the range the
 *       integral lies in [0, tail bound], where the empirical tail mean excess is bounded through the
 *       second moment that the bins do not account for (for u &lt; lo &lt; m: lo - u &le; (m - u)^2 / (4 (m - lo))).
 *       {@link Result#w1Bound} is the sum: |W1 - w1| &le; w1Bound.</li>
 * </ul>
 */
public final class GaussianDistance {
    /**
     * J_1 = integral sqrt(Phi(x) (1 - Phi(x))) dx for the standard normal (quadrature, 1.6147438534). By
     * Bobkov and Ledoux (Mem. AMS 261 (2019), no. 1259, Section 3), the expected W1 between n i.i.d.
     * samples and their law is at most J_1 sd / sqrt(n): the scale against which {@link Result#w1} is
     * judged.
     */
    public static final double J1_STANDARD_NORMAL = 1.6147438534;

    private static final double SQRT2 = Math.sqrt(2.0);

    /**
     * @param ks         lower bound of the KS distance (the largest difference at a bin edge)
     * @param ksUpper    upper bound of the KS distance
     * @param w1         estimate of the Wasserstein-1 distance, in units of u
     * @param w1Bound    bound on |true W1 - w1|, from the binning and the tails
     * @param outside    states outside the histogram's range (tails)
     * @param binWidth   width of one bin, in units of u
     */
    public record Result(double ks, double ksUpper, double w1, double w1Bound, long outside, double binWidth) {
    }

    private GaussianDistance() {
    }

    /** Phi((x - mean) / sd), accurate in the tails (erfc rather than 1 - erf). */
    public static double normalCdf(double x, double mean, double sd) {
        return 0.5 * Erf.erfc(-(x - mean) / (sd * SQRT2));
    }

    /** E (lo - X)^+ for X ~ N(mean, sd^2): sd (phi(z) + z Phi(z)), z = (lo - mean) / sd. */
    static double gaussianLowerTailExcess(double lo, double mean, double sd) {
        double z = (lo - mean) / sd;
        double phi = Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
        return Math.max(0.0, sd * (phi + z * 0.5 * Erf.erfc(-z / SQRT2)));
    }

    /**
     * Compares the histogram's empirical distribution with N(mean, sd^2).
     *
     * @param h    the histogram; its sample mean and variance bound the tails
     * @param mean Gaussian mean (for Lemma 5.2: the empirical v-hat)
     * @param sd   Gaussian standard deviation (sqrt K-hat), &gt; 0
     */
    public static Result compare(StateHistogram h, double mean, double sd) {
        if (!(sd > 0)) {
            throw new IllegalArgumentException("sd must be > 0, got " + sd);
        }
        long[] c = h.counts();
        int bins = h.bins();
        long total = h.total();
        if (total == 0) {
            throw new IllegalArgumentException("empty histogram");
        }
        double inv = 1.0 / total;
        double width = (h.hi() - h.lo()) / bins;

        long below = c[0];
        double fPrev = below * inv;
        double gPrev = normalCdf(h.edge(0), mean, sd);
        double ks = Math.abs(fPrev - gPrev);
        // x < lo: F_n in [0, F_n(lo-)], Phi in [0, Phi(lo)]
        double ksUpper = Math.max(fPrev, gPrev);
        double w1 = 0;
        double binning = 0;
        long cumulative = below;
        // second moment about the sample mean not accounted for by the bins: an upper bound of the tails' share
        double m = h.sampleMean();
        double unexplained = h.sampleVariance();
        for (int k = 0; k < bins; k++) {
            long ck = c[k + 1];
            cumulative += ck;
            double a = h.edge(k);
            double b = h.edge(k + 1);
            double f = cumulative * inv;
            double g = normalCdf(b, mean, sd);
            ks = Math.max(ks, Math.abs(f - g));
            ksUpper = Math.max(ksUpper, Math.max(f - gPrev, g - fPrev));
            w1 += 0.5 * (b - a) * (Math.abs(fPrev - gPrev) + Math.abs(f - g));
            binning += (b - a) * ((f - fPrev) + (g - gPrev));
            if (ck > 0) {
                double nearest = (a <= m && m <= b) ? 0.0 : Math.min(Math.abs(a - m), Math.abs(b - m));
                unexplained -= ck * inv * nearest * nearest;
            }
            fPrev = f;
            gPrev = g;
        }
        long above = c[bins + 1];
        // x >= hi: F_n in [F_n(hi-), 1], Phi in [Phi(hi), 1]
        ksUpper = Math.max(ksUpper, Math.max(1 - fPrev, 1 - gPrev));
        ksUpper = Math.max(ksUpper, ks);

        double tails = gaussianLowerTailExcess(h.lo(), mean, sd) + gaussianLowerTailExcess(2 * mean - h.hi(), mean, sd);
        if (below + above > 0) {
            double gap = Math.min(m - h.lo(), h.hi() - m);
            tails += gap > 0 ? Math.max(0.0, unexplained) / (4 * gap) : Double.POSITIVE_INFINITY;
        }
        return new Result(ks, ksUpper, w1, binning + tails, below + above, width);
    }

    /**
     * The Dvoretzky-Kiefer-Wolfowitz threshold with Massart's constant: for n i.i.d. samples of a
     * continuous law F, P(sup |F_n - F| &gt; eps) &le; 2 exp(-2 n eps^2) for every n, so
     * eps = sqrt(ln(2 / alpha) / (2 n)) is exceeded with probability at most alpha. Against a Gaussian
     * with the sample's own mean and variance (Lilliefors' setting) the statistic is smaller still, so
     * the threshold is conservative.
     */
    public static double dkwThreshold(long n, double alpha) {
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
        }
        return Math.sqrt(Math.log(2 / alpha) / (2.0 * n));
    }

    /** J_1 sd / sqrt(n): the Bobkov-Ledoux bound on the expected W1 of n i.i.d. Gaussian samples. */
    public static double w1Scale(long n, double sd) {
        return J1_STANDARD_NORMAL * sd / Math.sqrt((double) n);
    }
}
