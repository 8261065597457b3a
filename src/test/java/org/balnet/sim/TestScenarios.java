package org.balnet.sim;

/** Values of the built-in scenarios that tests start from, each written once. */
public final class TestScenarios {
    /**
     * The stable balanced point (m_e, m_i) of mv-6.1 at k = (1, 1), to the seven digits that
     * BalancedPointTest checks the solver against.
     */
    public static final double[] MV61_MEAN = {-5.030678, -1.282345};

    private TestScenarios() {
    }
}
