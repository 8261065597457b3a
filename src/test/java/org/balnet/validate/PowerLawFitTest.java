package org.balnet.validate;

import org.apache.commons.math3.random.Well19937c;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.stat.regression.SimpleRegression;
import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PowerLawFitTest {
    private static final double[] SIZES = {1e3, 1e4, 1e5, 1e6};

    @Test
    void anExactPowerLawGivesItsExponentAndANullInterval() {
        double[][] e = new double[SIZES.length][3];
        for (int i = 0; i < SIZES.length; i++) {
            java.util.Arrays.fill(e[i], 2.5 * Math.pow(SIZES[i], -0.5));
        }
        PowerLawFit.Fit f = PowerLawFit.bootstrap(SIZES, e, 0.95, 1);
        assertEquals(-0.5, f.slope(), 1e-12);
        assertEquals(-0.5, f.low(), 1e-12);
        assertEquals(-0.5, f.high(), 1e-12);
        assertEquals(Math.log(2.5), f.intercept(), 1e-12);
    }

    @Test
    void olsIntervalAgreesWithCommonsMath() {
        double[] means = {0.41, 0.15, 0.047, 0.016};
        PowerLawFit.Fit f = PowerLawFit.ols(SIZES, means, 0.95);
        SimpleRegression reg = new SimpleRegression();
        for (int i = 0; i < SIZES.length; i++) {
            reg.addData(Math.log(SIZES[i]), Math.log(means[i]));
        }
        double half = reg.getSlopeConfidenceInterval(0.05);
        assertEquals(reg.getSlope(), f.slope(), 1e-12);
        assertEquals(reg.getSlope() - half, f.low(), 1e-9);
        assertEquals(reg.getSlope() + half, f.high(), 1e-9);
    }

    @Test
    void bootstrapIntervalCoversTheTrueExponentOfNoisyErrors() {
        // errors c n^-1/2 exp(0.2 Z), 8 replicas per n, fixed seed: the 95% interval must contain -1/2 and be
        // narrow enough to exclude -1/4 and -1
        Well19937c rng = new Well19937c(42);
        NormalDistribution z = new NormalDistribution(rng, 0, 1);
        double[][] e = new double[SIZES.length][8];
        for (int i = 0; i < SIZES.length; i++) {
            for (int r = 0; r < 8; r++) {
                e[i][r] = 3.0 * Math.pow(SIZES[i], -0.5) * Math.exp(0.2 * z.sample());
            }
        }
        PowerLawFit.Fit f = PowerLawFit.bootstrap(SIZES, e, 0.95, 7);
        assertTrue(f.contains(-0.5), String.format(Locale.ROOT, "slope %.4f, CI [%.4f, %.4f] misses -0.5",
                f.slope(), f.low(), f.high()));
        assertTrue(f.high() < -0.25 && f.low() > -1.0, String.format(Locale.ROOT, "CI [%.4f, %.4f] too wide",
                f.low(), f.high()));
        // same seed, same interval
        PowerLawFit.Fit g = PowerLawFit.bootstrap(SIZES, e, 0.95, 7);
        assertEquals(f.low(), g.low(), 0);
        assertEquals(f.high(), g.high(), 0);
    }

    @Test
    void oneReplicaOrTwoSizesGiveNoInterval() {
        PowerLawFit.Fit f = PowerLawFit.bootstrap(new double[]{1e3, 1e4}, new double[][]{{0.1}, {0.03}}, 0.95, 1);
        assertTrue(Double.isNaN(f.low()));
        assertEquals(Math.log10(0.03 / 0.1), f.slope(), 1e-12);
        assertTrue(Double.isNaN(PowerLawFit.ols(new double[]{1e3, 1e4}, new double[]{0.1, 0.03}, 0.95).low()));
    }
}
