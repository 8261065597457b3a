package org.balnet.validate;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.balnet.io.Versions;
import org.balnet.sim.InitialPoint;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * summary.json of {@code validate}: the slopes with their intervals, the per-n errors, the Gaussianity
 * comparisons and the checks. Its keys are a contract with the tools that read it (added, never renamed).
 * A slope interval is null when the fit has none; a number that is not finite is null.
 */
public record ValidationSummary(
        String command, @JsonProperty("command_line") String commandLine, boolean passed, double slope,
        @JsonProperty("slope_ci") Optional<List<Double>> slopeCi,
        @JsonProperty("slope_ci_method") String slopeCiMethod,
        @JsonProperty("slope_ci_ols") Optional<List<Double>> slopeCiOls,
        @JsonProperty("closure_slope") double closureSlope,
        @JsonProperty("closure_slope_ci") Optional<List<Double>> closureSlopeCi,
        @JsonProperty("closure_slope_ci_ols") Optional<List<Double>> closureSlopeCiOls,
        double confidence, String error, Window window, String scenario, List<Long> sizes, int replicas,
        @JsonProperty("base_seed") long baseSeed, @JsonProperty("seed_rule") String seedRule, String backend,
        String device, String precision, String sampler, String scheme, double h, @JsonProperty("record_every") double recordEvery,
        @JsonProperty("initial_point") InitialPoint.Summary initialPoint, double eta,
        @JsonProperty("per_n") List<Size> perN, @JsonProperty("limit_fit") Fit limitFit,
        @JsonProperty("limit_fit_ols") Fit limitFitOls, @JsonProperty("closure_fit") Fit closureFit,
        @JsonProperty("closure_fit_ols") Fit closureFitOls, Gaussianity gaussianity, List<Check> checks,
        Versions versions, @JsonProperty("wall_seconds") double wallSeconds) {

    /** The error (4.5) as summary.json defines it. */
    static final String ERROR = "sup over the record times in [t_from, t_to] of |K_e^n - K_e| + |K_i^n - K_i| + "
            + "|v_e^n - v_e| + |v_i^n - v_i| (4.5), per replica";
    static final String SEED_RULE = "ReplicaSeeds.of(base_seed, n, replica): SplitMix64 of the three; per-run seeds "
            + "in runs.csv";

    /** The error window: [t_from, t_to], t_to = T or the last record time before eta. */
    public record Window(@JsonProperty("t_from") double from, @JsonProperty("t_to") double to,
                         @JsonProperty("t_end") double end) {
    }

    /** The replicas at one n. */
    public record Size(long n, int replicas, long completed, @JsonProperty("limit_error") Spread limitError,
                       @JsonProperty("closure_error") Spread closureError,
                       @JsonProperty("limit_error_whole") Spread limitErrorWhole,
                       @JsonProperty("closure_error_whole") Spread closureErrorWhole,
                       List<Histogram> gaussianity) {
    }

    /** One Gaussianity comparison. */
    public record Histogram(int replica, double t, String population, double ks,
                            @JsonProperty("ks_upper") double ksUpper,
                            @JsonProperty("ks_threshold") double ksThreshold, double w1,
                            @JsonProperty("w1_bound") double w1Bound, @JsonProperty("w1_scale") double w1Scale) {
    }

    /** A power-law fit of the mean error in n. */
    public record Fit(double slope, Optional<List<Double>> ci, String method) {
        static Fit of(PowerLawFit.Fit f) {
            return new Fit(f.slope(), f.interval(), f.method());
        }
    }

    /** The Gaussianity checks in all. */
    public record Gaussianity(double alpha, @JsonProperty("alpha_each") double alphaEach, double[] times,
                              @JsonProperty("ks_max") double ksMax, @JsonProperty("w1_max") double w1Max,
                              int comparisons) {
    }

    static ValidationSummary of(Validation.Result r, String commandLine, Versions versions) {
        Validation.Config c = r.config();
        Replica any = r.sizes().get(0).replicas().get(0).replica();
        List<Size> perN = r.sizes().stream().map(s -> new Size(s.n(), s.replicas().size(), s.completed(),
                s.limitError(), s.closureError(), s.limitWhole(), s.closureWhole(), r.gaussian().stream().filter(g -> g.n() == s.n())
                .map(g -> new Histogram(g.replica(), g.histogram().time(), g.histogram().population().label,
                        g.distance().ks(), g.distance().ksUpper(), g.threshold(), g.distance().w1(),
                        g.distance().w1Bound(), g.w1Scale())).toList())).toList();
        Gaussianity gaussianity = new Gaussianity(c.alpha(), r.alphaEach(), c.histogramTimes(),
                r.gaussian().stream().mapToDouble(g -> g.distance().ksUpper()).max().orElse(Double.NaN),
                r.gaussian().stream().mapToDouble(g -> g.distance().w1()).max().orElse(Double.NaN),
                r.gaussian().size());
        return new ValidationSummary("validate", commandLine, r.passed(), r.limitFit().slope(),
                r.limitFit().interval(), r.limitFit().method(), r.limitFitOls().interval(), r.closureFit().slope(),
                r.closureFit().interval(), r.closureFitOls().interval(), Validation.CONFIDENCE, ERROR,
                new Window(c.from(), r.limitUntil(), c.tEnd()), c.scenario().name(),
                Arrays.stream(c.sizes()).boxed().toList(), c.replicas(), c.baseSeed(), SEED_RULE, any.backend(),
                any.device(), c.precision().key, c.sampler().key, c.scenario().run().scheme().key, any.h(),
                c.scenario().run().recordEvery(), r.initial().summary(),
                r.limit().eta().isPresent() ? r.limit().eta().getAsDouble() : Double.NaN, perN,
                Fit.of(r.limitFit()), Fit.of(r.limitFitOls()), Fit.of(r.closureFit()), Fit.of(r.closureFitOls()),
                gaussianity, r.checks(), versions, r.wallSeconds());
    }
}
