package org.balnet.sim;

import org.balnet.limit.BalancedPoint;
import org.balnet.limit.LimitModel;
import org.balnet.model.Population;
import org.balnet.model.Scenario;

import java.util.LinkedHashMap;
import java.util.Map;

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

    /** For run.json. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("m_e", point.meanE());
        m.put("m_i", point.meanI());
        m.put("k_e", point.varianceE());
        m.put("k_i", point.varianceI());
        m.put("given", point.given());
        m.put("residual", point.residual());
        m.put("jv_eigenvalues", point.eigenvalues().toString());
        m.put("zeta", point.zeta());
        return m;
    }
}
