package org.balnet.cli;

import org.balnet.limit.GaussianExpectation;
import org.balnet.limit.LimitRow;
import org.balnet.model.Population;
import org.balnet.model.RateFamily;
import org.balnet.model.RateFunction;
import org.balnet.model.Scenario;
import org.balnet.model.ScenarioWriter;
import org.balnet.model.Scheme;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scenarios as a user might write them, drawn at random (seeded) from the allowed parameter space of
 * every rate family, the couplings, tau and k, each run through {@code balnet limit} and a short
 * {@code balnet simulate}. Every one must end in exactly one of two ways:
 * <ul>
 *   <li>a non-degenerate stable balanced point (every Q_ab above its floor, zeta &lt; 0, F = 0
 *   relative to the inputs) whose trajectory the limit solver integrates to T, or to the eta it
 *   reports, or to where it reports that a rate has fallen below the same floor (the limit falls
 *   silent: the same test as at t = 0, applied along the way);</li>
 *   <li>a refusal with exit 2 and a reason, the same from {@code limit} and {@code simulate}.</li>
 * </ul>
 * Never a library's message, a stack trace, an exit 1 at t = 0, or a degenerate point accepted in
 * silence. Half of the draws follow the paper's structure (the rate's form follows the source
 * population, its slope the target, as in mv-6.1); the others draw each of the four rates freely.
 */
class ScenarioPropertyTest {
    private static final long SEED = 20260613L;
    /** Scenarios drawn. */
    private static final int DRAWS = 100;
    /** End time and output interval of the limit: long enough for the fast relaxation of K and v. */
    private static final String T_END = "2";
    private static final String DT_OUT = "0.5";
    /** The short simulation of each scenario: a few steps of a small network on one thread. */
    private static final String SIM_N = "400";
    private static final String SIM_T_END = "0.02";
    private static final String SIM_RECORD = "0.01";
    /**
     * A refused scenario is also given to simulate in one draw of this many: its refusal is the same code
     * path as limit's (InitialPoint resolves the same BalancedPoint), so a sample shows it is wired.
     */
    private static final int SIMULATE_REFUSED_EVERY = 4;
    /** Share of the rates drawn at the edge of the allowed offsets, with infimum 0: the corner where rates vanish. */
    private static final double EDGE = 0.5;
    /** Words of the libraries balnet uses, which must never be the explanation a user reads. */
    private static final List<String> LIBRARY_WORDS = List.of("maximal count", "illegal state", "org.apache",
            "commons", "MathIllegal", "NumberIsTooSmall", "Exception", "\tat ", "NaN neuron-steps");
    private static final Pattern ETA = Pattern.compile("left the balanced manifold at eta = ([0-9.eE+-]+)");
    private static final Pattern SILENT = Pattern.compile("The limit fell silent at t = ([0-9.eE+-]+)");
    private static final Pattern LEFT_AT = Pattern.compile("left the balanced state at t = ([0-9.eE+-]+)");

    @TempDir
    Path tmp;

    /** Where the draws came out; the test asserts that both outcomes occur. */
    private int accepted;
    private int refused;
    private int stoppedEarly;

    @Tag("slow")
    @Test
    void everyDrawnScenarioEndsInAStablePointOrARefusalWithAReason() throws IOException {
        SplittableRandom random = new SplittableRandom(SEED);
        List<String> failures = new ArrayList<>();
        for (int draw = 0; draw < DRAWS; draw++) {
            Scenario s = draw(random, draw % 2 == 0, (draw / 2) % 2 == 0, "draw-" + draw);
            Path file = tmp.resolve(s.name() + ".toml");
            Files.writeString(file, ScenarioWriter.write(s, "ScenarioPropertyTest, seed " + SEED));
            String problem = check(s, file);
            if (problem != null) {
                failures.add(s.name() + ": " + problem + "\n" + ScenarioWriter.write(s, "scenario"));
            }
        }
        String summary = String.format(Locale.ROOT, "%d draws (seed %d): %d stable points (%d reaching eta or falling "
                + "silent before T = %s), %d refused", DRAWS, SEED, accepted, stoppedEarly, T_END, refused);
        assertTrue(failures.isEmpty(), failures.size() + " of " + summary + " broke the property:\n"
                + String.join("\n", failures));
        // both outcomes must occur, or the draws test only one path
        assertTrue(accepted >= DRAWS / 10 && refused >= DRAWS / 10, summary);
    }

    /** What is wrong with how balnet handled scenario s, or null if nothing is. */
    private String check(Scenario s, Path file) {
        Cli.Result limit = Cli.run("limit", "--scenario", file.toString(), "--t-end", T_END, "--dt-out", DT_OUT);
        String words = libraryWords(limit);
        if (words != null) {
            return "limit " + words + "\n" + limit;
        }
        boolean refusedByLimit = limit.code() == Main.EXIT_BAD_INPUT;
        Cli.Result sim = null;
        if (!refusedByLimit || refused % SIMULATE_REFUSED_EVERY == 0) {
            sim = Cli.run("simulate", "--scenario", file.toString(), "--n", SIM_N, "--t-end", SIM_T_END,
                    "--record-every", SIM_RECORD, "--backend", "cpu", "--threads", "1", "--out",
                    tmp.resolve(s.name() + "-run").toString());
            words = libraryWords(sim);
            if (words != null) {
                return "simulate " + words + "\n" + sim;
            }
        }
        if (refusedByLimit) {
            refused++;
            String reason = limit.err().strip();
            if (!reason.startsWith("balnet: error: no stable balanced point exists at")) {
                return "refused without a reason:\n" + limit;
            }
            if (sim != null && (sim.code() != Main.EXIT_BAD_INPUT || !sim.err().strip().equals(reason))) {
                return "limit refused it, simulate did not refuse it with the same reason:\n" + limit + sim;
            }
            return null;
        }
        if (limit.code() != Main.EXIT_OK) {
            return "limit neither solved nor refused it:\n" + limit;
        }
        accepted++;
        String problem = checkTrajectory(s, limit);
        if (problem != null) {
            return problem + "\n" + limit;
        }
        return checkSimulation(sim);
    }

    /** The limit's rows: a non-degenerate start, and rows up to T or to the eta it reports. */
    private String checkTrajectory(Scenario s, Cli.Result limit) {
        String[] lines = limit.out().split("\n");
        List<String> columns = List.of(lines[0].split(","));
        if (!columns.equals(LimitRow.COLUMNS) || lines.length < 2) {
            return "no rows";
        }
        double[] first = values(lines[1]);
        double[] last = values(lines[lines.length - 1]);
        for (Population t : Population.values()) {
            double input = 0;
            for (Population u : Population.values()) {
                String pair = Population.pair(t, u);
                double q = first[columns.indexOf("Q_" + pair)];
                if (!(q >= s.rate(t, u).negligible())) {
                    return String.format(Locale.ROOT, "accepted a degenerate point: Q_%s = %.3g is below %.0e of "
                            + "its bound %.3g", pair, q, RateFunction.NEGLIGIBLE_FRACTION, s.rate(t, u).bound());
                }
                input += s.coupling(t, u) * q;
            }
            double f = first[columns.indexOf("F_" + t.label)];
            if (!(Math.abs(f) <= 1e-6 * input)) {
                return String.format(Locale.ROOT, "accepted a point with F_%s = %.3g against an input of %.3g",
                        t.label, f, input);
            }
        }
        if (!(first[columns.indexOf("zeta")] < 0)) {
            return "accepted a point with zeta >= 0";
        }
        Matcher eta = ETA.matcher(limit.err());
        Matcher silent = SILENT.matcher(limit.err());
        String stop = eta.find() ? eta.group(1) : silent.find() ? silent.group(1) : null;
        if (stop != null) {
            stoppedEarly++;
            double at = Double.parseDouble(stop);
            if (!(at > 0 && last[0] <= at)) {
                return "stopped at t = " + at + " but rows reach t = " + last[0];
            }
        } else if (!(limit.err().contains("Balanced until T = " + T_END) && last[0] == Double.parseDouble(T_END))) {
            return "neither reached T nor reported eta";
        }
        return null;
    }

    /**
     * A short simulation of an accepted scenario: completed, or refused before it starts (its n too
     * small for the spread of the rates), or left the balanced state after at least one step.
     */
    private static String checkSimulation(Cli.Result sim) {
        if (sim.code() == Main.EXIT_OK) {
            return null;
        }
        if (sim.code() == Main.EXIT_BAD_INPUT && sim.err().contains("is already out of balance")) {
            return null;
        }
        Matcher left = LEFT_AT.matcher(sim.err());
        if (sim.code() == Main.EXIT_FAILURE && left.find() && Double.parseDouble(left.group(1)) > 0) {
            return null;
        }
        return "simulate of an accepted scenario ended otherwise:\n" + sim;
    }

    private static String libraryWords(Cli.Result r) {
        for (String w : LIBRARY_WORDS) {
            if (r.out().contains(w) || r.err().contains(w)) {
                return "shows '" + w + "'";
            }
        }
        return null;
    }

    private static double[] values(String line) {
        String[] parts = line.split(",");
        double[] v = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            v[i] = Double.parseDouble(parts[i]);
        }
        return v;
    }

    /**
     * One scenario. Ranges: amplitudes and slopes log-uniform in [0.1, 10], couplings in [0.01, 100],
     * tau in [0.05, 20], k in [1e-3, 30]; offsets at the family's edge (-inf g, a rate whose infimum is 0,
     * as the paper's tanh(c x) + 1) for half of the rates, else above it by a log-uniform [0.01, 5].
     *
     * @param paper    the rate's form follows the source and its slope the target (else all four free)
     * @param balanced C_ei and C_ii chosen so that a drawn (m_e, m_i) in [-6, 6]^2 solves F = 0 (a root
     *                 exists, stable or not); else all four couplings free, which mostly admits no root
     */
    static Scenario draw(SplittableRandom r, boolean paper, boolean balanced, String name) {
        RateFamily[] families = RateFamily.values();
        RateFunction[][] f = new RateFunction[2][2];
        if (paper) {
            RateFunction[] bySource = {rate(r, families[r.nextInt(families.length)], 1.0),
                    rate(r, families[r.nextInt(families.length)], 1.0)};
            double[] slopeByTarget = {logUniform(r, 0.1, 10), logUniform(r, 0.1, 10)};
            for (int t = 0; t < 2; t++) {
                for (int s = 0; s < 2; s++) {
                    RateFunction g = bySource[s];
                    f[t][s] = RateFunction.of(g.family(), g.amplitude(), g.offset(), slopeByTarget[t], "rates");
                }
            }
        } else {
            for (int t = 0; t < 2; t++) {
                for (int s = 0; s < 2; s++) {
                    f[t][s] = rate(r, families[r.nextInt(families.length)], logUniform(r, 0.1, 10));
                }
            }
        }
        double[][] c = new double[2][2];
        for (int t = 0; t < 2; t++) {
            for (int s = 0; s < 2; s++) {
                c[t][s] = logUniform(r, 0.01, 100);
            }
        }
        double[] tau = {logUniform(r, 0.05, 20), logUniform(r, 0.05, 20)};
        double kE = logUniform(r, 1e-3, 30);
        double kI = logUniform(r, 1e-3, 30);
        if (balanced) {
            double mE = r.nextDouble(-6, 6);
            double mI = r.nextDouble(-6, 6);
            for (int t = 0; t < 2; t++) {
                double x = c[t][0] * GaussianExpectation.of(f[t][0], mE, kE) / GaussianExpectation.of(f[t][1], mI, kI);
                // a rate that underflowed to 0 at the drawn point leaves the free draw
                c[t][1] = x > 0 && Double.isFinite(x) ? x : c[t][1];
            }
        }
        Scenario.Initial initial = new Scenario.Initial(kE, kI, OptionalDouble.empty(), OptionalDouble.empty());
        Scenario.RunSettings run = new Scenario.RunSettings(Double.parseDouble(T_END), OptionalDouble.empty(),
                Double.parseDouble(DT_OUT), 1, Scheme.SEMI_IMPLICIT);
        return new Scenario(name, 1000, tau, c, f, initial, run);
    }

    private static RateFunction rate(SplittableRandom r, RateFamily family, double slope) {
        double amplitude = logUniform(r, 0.1, 10);
        double edge = -family.gInf;
        double offset = r.nextDouble() < EDGE ? edge : edge + logUniform(r, 0.01, 5);
        return RateFunction.of(family, amplitude, offset, slope, "rates");
    }

    private static double logUniform(SplittableRandom r, double lo, double hi) {
        return Math.exp(r.nextDouble(Math.log(lo), Math.log(hi)));
    }
}
