package org.balnet.limit;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.balnet.io.Versions;

import java.util.List;
import java.util.Map;

/**
 * run.json of {@code balnet limit}: what was solved, from which initial point, how it ended. Its keys are
 * a contract with the tools that read it (added, never renamed); a null component is left out.
 *
 * @param command      "limit"
 * @param status       "completed"
 * @param model        "hydrodynamic-limit" or "gaussian-closure"
 * @param n            the closure's neurons per population (absent for the limit)
 * @param scenario     the resolved scenario ({@link org.balnet.model.Scenario#toMap()})
 * @param tEnd         T
 * @param dtOut        interval between output rows
 * @param solver       method, tolerances and work counts ({@link Trajectory#solver()})
 * @param initialPoint the balanced point it started from
 * @param eta          the time the limit left the balanced manifold, or "balanced until T" (absent for the closure)
 * @param outcome      how it ended, in words
 * @param end          the last row, by column of limit.csv
 * @param rows         rows written
 * @param files        the files written
 * @param versions     balnet, Java, OS
 * @param wallSeconds  wall time
 * @param silentAt     where a rate of the limit fell below its floor and the solve stopped, if it did
 */
public record LimitRunJson(String command, String status, String model, Double n, Map<String, Object> scenario,
                           @JsonProperty("t_end") double tEnd, @JsonProperty("dt_out") double dtOut,
                           Map<String, Object> solver, @JsonProperty("initial_point") InitialPoint initialPoint,
                           Object eta, String outcome, Map<String, Double> end, int rows, List<String> files,
                           Versions versions, @JsonProperty("wall_time_s") double wallSeconds,
                           @JsonProperty("silent_at") Double silentAt) {

    /**
     * The balanced point the solution started from.
     *
     * @param source       "given" (in the scenario, checked and polished) or "solved" (from F(m, k) = 0)
     * @param meanE        m_e
     * @param meanI        m_i
     * @param varianceE    k_e
     * @param varianceI    k_i
     * @param residualNorm |F(m, k)|
     * @param eigenvalues  of J_v there
     * @param zeta         their largest real part
     * @param stable       whether both have negative real part
     * @param rootsFound   every root of F(m, k) = 0 found (absent when m was given)
     */
    public record InitialPoint(String source, @JsonProperty("m_e") double meanE, @JsonProperty("m_i") double meanI,
                               @JsonProperty("k_e") double varianceE, @JsonProperty("k_i") double varianceI,
                               @JsonProperty("residual") double residualNorm, List<Eigenvalue> eigenvalues,
                               double zeta, boolean stable, @JsonProperty("roots_found") List<Root> rootsFound) {
        public static InitialPoint of(BalancedPoint p) {
            return new InitialPoint(p.given() ? "given" : "solved", p.meanE(), p.meanI(), p.varianceE(),
                    p.varianceI(), p.residual(), Eigenvalue.of(p.eigenvalues()), p.zeta(), p.eigenvalues().isStable(),
                    p.given() ? null : p.roots().stream().map(r -> new Root(r.meanE(), r.meanI(),
                            Eigenvalue.of(r.eigenvalues()), r.isStable())).toList());
        }
    }

    /** A root of F(m, k) = 0 and its stability. */
    public record Root(@JsonProperty("m_e") double meanE, @JsonProperty("m_i") double meanI,
                       List<Eigenvalue> eigenvalues, boolean stable) {
    }

    /** re + i im. */
    public record Eigenvalue(double re, double im) {
        static List<Eigenvalue> of(Eigenvalues ev) {
            return List.of(new Eigenvalue(ev.re1(), ev.im1()), new Eigenvalue(ev.re2(), ev.im2()));
        }
    }
}
