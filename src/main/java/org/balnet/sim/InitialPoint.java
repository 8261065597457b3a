package org.balnet.sim;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.balnet.limit.BalancedPoint;
import org.balnet.limit.LimitModel;
import org.balnet.model.Population;
import org.balnet.model.Scenario;


/**
 * The initial condition of a simulation: the balanced point (m_e, m_i) of the scenario's k (solved
 * from F(m, k) = 0, or the given m, checked), and J_v there, whose eigenvalues fix the explicit
 * scheme's stability bound before any state is allocated.
 *
 * @param point    the balanced point from the limit solver
 * @param jacobian J_v(m, k), [target][source]: the expected value of the empirical Jacobian at t = 0
 */
public record InitialPoint(BalancedPoint point, double[][] jacobian) {

    /**
     * @throws org.balnet.model.BadInputException (NO_BALANCED_POINT) when the scenario's k admit no
     *                                            stable balanced point, or its given m are not one
     */
    public static InitialPoint resolve(Scenario scenario) {
        LimitModel model = LimitModel.of(scenario);
        BalancedPoint p = BalancedPoint.of(model, scenario.initial());
        double[][] jac = model.evaluate(p.meanE(), p.meanI(), p.varianceE(), p.varianceI()).jacobianV();
        return new InitialPoint(p, jac);
    }

    /** m, [e, i]. */
    public double[] mean() {
        return new double[]{point.mean(Population.E), point.mean(Population.I)};
    }

    /**
     * The initial point as run.json and summary.json record it.
     *
     * @param meanE         m_e
     * @param meanI         m_i
     * @param varianceE     k_e
     * @param varianceI     k_i
     * @param given         whether the scenario gave m (else it was solved from F(m, k) = 0)
     * @param residualNorm  |F(m, k)|
     * @param jvEigenvalues the eigenvalues of J_v(m, k), in words
     * @param zeta          their largest real part
     */
    public record Summary(@JsonProperty("m_e") double meanE, @JsonProperty("m_i") double meanI,
                          @JsonProperty("k_e") double varianceE, @JsonProperty("k_i") double varianceI,
                          boolean given, @JsonProperty("residual") double residualNorm,
                          @JsonProperty("jv_eigenvalues") String jvEigenvalues, double zeta) {
    }

    /** For run.json and summary.json. */
    public Summary summary() {
        return new Summary(point.meanE(), point.meanI(), point.varianceE(), point.varianceI(), point.given(),
                point.residual(), point.eigenvalues().toString(), point.zeta());
    }
}
