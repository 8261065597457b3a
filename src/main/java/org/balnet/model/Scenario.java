package org.balnet.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * A fully resolved and validated scenario: the network (2.1)-(2.3), its initial condition
 * (6.5)-(6.6) and the run settings. Immutable; the {@code with...} methods return modified copies,
 * used by command-line overrides. Pairs are indexed {@code [target][source]} everywhere.
 *
 * @param name        scenario name
 * @param n           neurons per population (2n in all)
 * @param tau         membrane time constants, [e, i], in units of time
 * @param coupling    C_{target source} &ge; 0
 * @param rates       f_{target source}
 * @param initial     initial variances k and optional given means m
 * @param run         run settings
 */
public record Scenario(String name, long n, double[] tau, double[][] coupling, RateFunction[][] rates,
                       Initial initial, RunSettings run) {

    /** Initial condition: u_alpha(0) ~ N(m_alpha, k_alpha); m solved from F = 0 when absent. */
    public record Initial(double kE, double kI, OptionalDouble mE, OptionalDouble mI) {
        public double k(Population p) {
            return p == Population.E ? kE : kI;
        }

        public boolean meansGiven() {
            return mE.isPresent();
        }
    }

    /**
     * Run settings. {@code dt} empty means "auto".
     *
     * @param tEnd        end time
     * @param dt          step h, or empty for auto
     * @param recordEvery interval between recorded rows (and limit output rows)
     * @param seed        64-bit RNG key
     * @param scheme      common-mode scheme
     */
    public record RunSettings(double tEnd, OptionalDouble dt, double recordEvery, long seed, Scheme scheme) {
        public static final double DEFAULT_T_END = 5.0;
        public static final double DEFAULT_RECORD_EVERY = 0.01;
        public static final long DEFAULT_SEED = 1;

        public static RunSettings defaults() {
            return new RunSettings(DEFAULT_T_END, OptionalDouble.empty(), DEFAULT_RECORD_EVERY, DEFAULT_SEED,
                    Scheme.SEMI_IMPLICIT);
        }
    }

    public double tau(Population p) {
        return tau[p.index()];
    }

    public double coupling(Population target, Population source) {
        return coupling[target.index()][source.index()];
    }

    public RateFunction rate(Population target, Population source) {
        return rates[target.index()][source.index()];
    }

    public Scenario withN(long newN) {
        ScenarioLoader.checkN("--n", newN);
        return new Scenario(name, newN, tau, coupling, rates, initial, run);
    }

    public Scenario withRun(RunSettings newRun) {
        return new Scenario(name, n, tau, coupling, rates, initial, newRun);
    }

    public Scenario withInitialMeans(double mE, double mI) {
        return new Scenario(name, n, tau, coupling, rates,
                new Initial(initial.kE, initial.kI, OptionalDouble.of(mE), OptionalDouble.of(mI)), run);
    }

    /** The resolved scenario as nested maps in file order, for run.json. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        Map<String, Object> net = new LinkedHashMap<>();
        net.put("n", n);
        net.put("tau_e", tau[0]);
        net.put("tau_i", tau[1]);
        m.put("network", net);
        Map<String, Object> c = new LinkedHashMap<>();
        Map<String, Object> r = new LinkedHashMap<>();
        for (Population t : Population.values()) {
            for (Population s : Population.values()) {
                c.put(Population.pair(t, s), coupling(t, s));
                RateFunction f = rate(t, s);
                Map<String, Object> fm = new LinkedHashMap<>();
                fm.put("family", f.family().key);
                fm.put("amplitude", f.amplitude());
                fm.put("offset", f.offset());
                fm.put("slope", f.slope());
                r.put(Population.pair(t, s), fm);
            }
        }
        m.put("coupling", c);
        m.put("rates", r);
        Map<String, Object> init = new LinkedHashMap<>();
        init.put("k_e", initial.kE);
        init.put("k_i", initial.kI);
        initial.mE.ifPresent(v -> init.put("m_e", v));
        initial.mI.ifPresent(v -> init.put("m_i", v));
        m.put("initial", init);
        Map<String, Object> rs = new LinkedHashMap<>();
        rs.put("t_end", run.tEnd);
        rs.put("dt", run.dt.isPresent() ? (Object) run.dt.getAsDouble() : "auto");
        rs.put("record_every", run.recordEvery);
        rs.put("seed", run.seed);
        rs.put("scheme", run.scheme.key);
        m.put("run", rs);
        return m;
    }
}
