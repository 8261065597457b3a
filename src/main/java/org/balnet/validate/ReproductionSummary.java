package org.balnet.validate;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.balnet.io.Versions;
import org.balnet.limit.LimitRow;
import org.balnet.model.Population;
import org.balnet.sim.InitialPoint;
import org.balnet.sim.TrajectoryRow;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * summary.json of {@code reproduce}: per scenario the replicas' seeds, the values of the simulation, the
 * limit and the closure at a few times, and the checks. Its keys are a contract with the tools that
 * read it (added, never renamed).
 */
public record ReproductionSummary(String command, @JsonProperty("command_line") String commandLine, boolean passed,
                                  long n, int replicas, @JsonProperty("base_seed") long baseSeed,
                                  List<ScenarioSummary> scenarios, Versions versions,
                                  @JsonProperty("wall_seconds") double wallSeconds) {

    /** One scenario. */
    public record ScenarioSummary(String scenario, @JsonProperty("initial_point") InitialPoint.Summary initialPoint,
                                  List<Long> seeds, double h, String backend, String sampler, List<Values> values,
                                  List<Check> checks, @JsonProperty("time_step_bias") TimeStepBias timeStepBias) {
    }

    /**
     * The time step's bias at the run's h, from the measurement shipped with balnet ({@link ExpectedBias},
     * made by {@code validate --dt-study}), beside this run's finite-n error over the same window. Only h and
     * measured are present when the step was not measured.
     *
     * @param h                   the run's step
     * @param measured            whether the bias at h was measured
     * @param scheme              the scheme measured
     * @param n                   n of the measurement
     * @param window              [from, to] of the suprema
     * @param bias                B: sup over the window of the distance between replica means (norm of (4.5))
     * @param interval            [B - N, B + N], N the noise floor (95%)
     * @param noiseFloor          N
     * @param finiteNErrorLimit   this run's mean over replicas of the sup of (4.5) against the limit, same window
     * @param finiteNErrorClosure the same against the closure
     * @param command             the command that measured B
     */
    public record TimeStepBias(double h, boolean measured, String scheme, Long n, List<Double> window, Double bias,
                               List<Double> interval, @JsonProperty("noise_floor") Double noiseFloor,
                               @JsonProperty("finite_n_error_limit") Double finiteNErrorLimit,
                               @JsonProperty("finite_n_error_closure") Double finiteNErrorClosure, String command) {
        static TimeStepBias of(Reproduction.ScenarioResult s) {
            double h = s.replicas().get(0).h();
            Optional<ExpectedBias> e = ExpectedBias.load(s.scenario().name());
            int i = e.map(x -> x.indexOf(h)).orElse(-1);
            if (i < 0) {
                return new TimeStepBias(h, false, null, null, null, null, null, null, null, null, null);
            }
            ExpectedBias b = e.get();
            double[] limitErr = s.replicas().stream().filter(Replica::completed)
                    .mapToDouble(x -> TheoremError.sup(x, s.limit(), b.from(), b.tEnd()).value()).toArray();
            double[] closureErr = s.replicas().stream().filter(Replica::completed)
                    .mapToDouble(x -> TheoremError.sup(x, s.closure(), b.from(), b.tEnd()).value()).toArray();
            return new TimeStepBias(h, true, b.scheme(), b.n(), List.of(b.from(), b.tEnd()), b.bias()[i],
                    List.of(Math.max(0, b.bias()[i] - b.noise()[i]), b.bias()[i] + b.noise()[i]), b.noise()[i],
                    Spread.of(limitErr).mean(), Spread.of(closureErr).mean(), b.command());
        }
    }

    /** v_e, v_i, K_e, K_i at time t: the simulation over replicas, the limit and the closure. */
    public record Values(double t, @JsonProperty("v_e") Value meanE, @JsonProperty("v_i") Value meanI,
                         @JsonProperty("K_e") Value varianceE, @JsonProperty("K_i") Value varianceI) {
        /** In the order v_e, v_i, K_e, K_i. */
        List<Value> all() {
            return List.of(meanE, meanI, varianceE, varianceI);
        }
    }

    /**
     * One quantity at one time.
     *
     * @param simulationMean mean over the replicas that reached t
     * @param simulationSd   their sample standard deviation
     * @param limit          the limit's value
     * @param closure        the closure's value
     */
    public record Value(@JsonProperty("simulation_mean") double simulationMean,
                        @JsonProperty("simulation_sd") double simulationSd, double limit, double closure) {
    }

    static ReproductionSummary of(Reproduction.Result r, String commandLine, Versions versions) {
        List<ScenarioSummary> scenarios = new ArrayList<>();
        for (Reproduction.ScenarioResult s : r.scenarios()) {
            List<Values> table = new ArrayList<>();
            for (double t : Reproduction.TABLE_TIMES) {
                table.add(values(s, t));
            }
            scenarios.add(new ScenarioSummary(s.scenario().name(), s.initial().summary(),
                    s.replicas().stream().map(Replica::seed).toList(), s.replicas().get(0).h(), s.replicas().get(0).backend(),
                    r.config().sampler().key, table, s.checks(), TimeStepBias.of(s)));
        }
        return new ReproductionSummary("reproduce", commandLine, r.passed(), r.config().n(), r.config().replicas(),
                r.config().baseSeed(), scenarios, versions, r.wallSeconds());
    }

    /** The simulation's mean and sd over replicas, the limit and the closure at the output time nearest t. */
    static Values values(Reproduction.ScenarioResult s, double t) {
        LimitRow l = Validation.rowAt(s.limit(), t);
        LimitRow c = Validation.rowAt(s.closure(), t);
        Value[] v = new Value[4];
        for (int j = 0; j < v.length; j++) {
            boolean mean = j < 2;
            Population p = j % 2 == 0 ? Population.E : Population.I;
            double[] sim = new double[s.replicas().size()];
            int m = 0;
            for (Replica run : s.replicas()) {
                Optional<TrajectoryRow> row = run.at(l.t());
                if (row.isPresent()) {
                    sim[m++] = mean ? row.get().mean(p) : row.get().variance(p);
                }
            }
            Spread sp = Spread.of(Arrays.copyOf(sim, m));
            v[j] = new Value(sp.mean(), sp.sd(), mean ? l.mean(p) : l.variance(p), mean ? c.mean(p) : c.variance(p));
        }
        return new Values(l.t(), v[0], v[1], v[2], v[3]);
    }
}
