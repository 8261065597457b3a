package org.balnet.sim;

/** Values of the built-in scenarios that tests start from, each written once. */
public final class TestScenarios {
    /**
     * The stable balanced point (m_e, m_i) of mv-6.1 at k = (1, 1), rounded to six decimals as README and
     * {@code balnet limit} print it: within 5e-7 of the root (-5.030678114537029, -1.2823449594249023) of
     * validation/expected/mv-6.1.toml, to which BalancedPointTest checks the solver to 1e-8
     * (LimitSolverTest.REFERENCE_TOLERANCE). Tests that start a network here start that close to balance,
     * far inside its O(n^-1/2) fluctuations.
     */
    public static final double[] MV61_MEAN = {-5.030678, -1.282345};

    private TestScenarios() {
    }
}
