package org.balnet.sim;

import org.apache.commons.numbers.gamma.Erf;
import org.balnet.model.Population;
import org.balnet.model.RateFamily;
import org.balnet.model.RateFunction;
import org.balnet.model.Scenario;
import org.balnet.rng.OpenClDefines;

import java.util.Locale;

/**
 * The rates that one state u of a source population beta contributes to its population's sums:
 * f_{e beta}(u), f_{i beta}(u), f'_{e beta}(u) and f'_{i beta}(u), with f(x) = a (g(c x) + b).
 * Every neuron evaluates them once per step, so the work is cut to what the two rate functions of
 * one source share.
 *
 * <h2>One exponential per target, or one for both</h2>
 * tanh and the logistic come from z = e^{-s |u|} (by {@link TableExp}), s the target's exponent
 * scale: s = 2c for tanh, c for the logistic. With q = 1 / (1 + z),
 * <ul>
 *   <li>tanh(c u) = sign(u) (1 - z) q and tanh'(y) = 1 - tanh^2(y) = 4 z q^2;</li>
 *   <li>logistic(c u) = q for u &ge; 0, z q for u &lt; 0, and logistic' = z q^2.</li>
 * </ul>
 * Neither overflows for any u, and f' keeps its relative accuracy in the tails (no 1 - t^2).
 * When both targets are tanh or logistic and their scales are equal or in ratio 2 (the paper's Section 6:
 * the same tanh with slopes 1 and 0.5), one exponential serves both: z_e = z_i, or the larger
 * scale's z is the square of the smaller's. An erf target takes erf(c u) from Commons Numbers (the
 * device's erf in OpenCL) and its derivative (2/sqrt(pi)) e^{-(c u)^2} from TableExp; it never shares.
 *
 * <h2>Accuracy</h2>
 * For every real u, with eps = 2^-52 and a, b, c the target's amplitude, offset and slope, the
 * computed f~ and f~' satisfy |f~ - f| &le; 4 eps a (1 + |b|) and |f~' - f'| &le; 4 eps a c, for all
 * three families and every kind of sharing. SourceRatesTest asserts it against 60-digit values of
 * the true functions at 3400 points from -1e300 to 1e300 per case; the largest errors it finds are
 * about 1.3 and 2 (the slope's: z with its argument's rounding, 1/(1 + z) and two products each
 * add theirs; a squared z doubles z's). This is
 * absolute accuracy, the kind the sums of n rates need: where f is tiny next to a (1 + |b|) (the
 * paper's tanh(c u) + 1 far below 0) its relative error is large, as it was with Math.tanh. f' is
 * relatively accurate down to where its exponential is flushed (below e^-708; then f' &lt; 1e-307 a c).
 * NaN gives NaN in all four; u = &plusmn;&infin; gives the limits of f and f' = 0.
 *
 * <p>Twin: {@code kernels/rates.cl} and the function that {@link #openClSource} generates from this
 * object. Every operation is the same and in the same order, contraction is off there, so tanh and
 * logistic rates are bit-identical in Java and OpenCL; erf's value is the device's erf.
 */
public final class SourceRates {
    /** How the exponentials of the two targets relate; chosen once from the rate functions. */
    enum Sharing {
        /** Each target computes its own (an erf target, or scales in another ratio). */
        SEPARATE,
        /** Equal exponent scales: z_e = z_i. */
        SAME,
        /** s_e = 2 s_i: z_e = z_i^2. */
        E_IS_I_SQUARED,
        /** s_i = 2 s_e: z_i = z_e^2. */
        I_IS_E_SQUARED
    }

    private final Population source;
    private final Target e;
    private final Target i;
    private final Sharing sharing;

    /** The rates of source {@code source} in {@code scenario}. */
    public static SourceRates of(Scenario scenario, Population source) {
        return of(source, scenario.rate(Population.E, source), scenario.rate(Population.I, source));
    }

    /** The rates of a source whose rate functions towards e and i targets are toE and toI. */
    public static SourceRates of(Population source, RateFunction toE, RateFunction toI) {
        return new SourceRates(source, toE, toI);
    }

    private SourceRates(Population source, RateFunction toE, RateFunction toI) {
        this.source = source;
        this.e = new Target(toE);
        this.i = new Target(toI);
        this.sharing = sharing(e, i);
    }

    private static Sharing sharing(Target e, Target i) {
        if (e.family == RateFamily.ERF || i.family == RateFamily.ERF) {
            return Sharing.SEPARATE;
        }
        if (e.exponentScale == i.exponentScale) {
            return Sharing.SAME;
        }
        if (e.exponentScale == 2 * i.exponentScale) {
            return Sharing.E_IS_I_SQUARED;
        }
        if (i.exponentScale == 2 * e.exponentScale) {
            return Sharing.I_IS_E_SQUARED;
        }
        return Sharing.SEPARATE;
    }

    Sharing sharing() {
        return sharing;
    }

    /**
     * Adds f_{e,source}(u), f_{i,source}(u), f'_{e,source}(u), f'_{i,source}(u) to
     * sums[{@link PopulationSums#RATE_E}], [RATE_I], [SLOPE_E], [SLOPE_I].
     */
    public void accumulate(double[] sums, double u) {
        double m = Math.abs(u);
        double zE;
        double zI;
        switch (sharing) {
            case SAME:
                zE = e.exponential(u, m);
                zI = zE;
                break;
            case E_IS_I_SQUARED:
                zI = i.exponential(u, m);
                zE = zI * zI;
                break;
            case I_IS_E_SQUARED:
                zE = e.exponential(u, m);
                zI = zE * zE;
                break;
            case SEPARATE:
                zE = e.exponential(u, m);
                zI = i.exponential(u, m);
                break;
            default:
                throw new AssertionError(sharing);
        }
        e.add(sums, PopulationSums.RATE_E, PopulationSums.SLOPE_E, u, zE);
        i.add(sums, PopulationSums.RATE_I, PopulationSums.SLOPE_I, u, zI);
    }

    /** f_{target,source}(u) alone, with its own exponential, to the same accuracy. */
    public double value(Population target, double u) {
        Target t = target == Population.E ? e : i;
        return t.value(u, t.exponential(u, Math.abs(u)));
    }

    /** One target's rate function, with what the loop needs precomputed. */
    private static final class Target {
        final RateFunction function;
        final RateFamily family;
        final double amplitude;
        final double offset;
        final double slope;
        /** s of z = e^{-s |u|}: 2c for tanh, c for the logistic; unused for erf. */
        final double exponentScale;
        /** f' = slopeFactor * (z q^2) for tanh and logistic, slopeFactor * z for erf: 4ac, ac, 2ac/sqrt(pi). */
        final double slopeFactor;

        Target(RateFunction f) {
            function = f;
            family = f.family();
            amplitude = f.amplitude();
            offset = f.offset();
            slope = f.slope();
            switch (family) {
                case TANH:
                    exponentScale = 2 * slope;
                    slopeFactor = 4 * amplitude * slope;
                    break;
                case LOGISTIC:
                    exponentScale = slope;
                    slopeFactor = amplitude * slope;
                    break;
                case ERF:
                    exponentScale = Double.NaN;
                    slopeFactor = 2 / Math.sqrt(Math.PI) * amplitude * slope;
                    break;
                default:
                    throw new AssertionError(family);
            }
        }

        /** z: e^{-s |u|} for tanh and the logistic (m = |u|), e^{-(c u)^2} for erf. */
        double exponential(double u, double m) {
            if (family == RateFamily.ERF) {
                double y = slope * u;
                return TableExp.ofNonPositive(-(y * y));
            }
            return TableExp.ofNonPositive(-(exponentScale * m));
        }

        /** Adds f(u) to sums[rate] and f'(u) to sums[derivative], given z = {@link #exponential}. */
        void add(double[] sums, int rate, int derivative, double u, double z) {
            double g;
            double slopePart;
            switch (family) {
                case TANH: {
                    double q = 1.0 / (1.0 + z);
                    g = Math.copySign((1.0 - z) * q, u);
                    slopePart = z * q * q;
                    break;
                }
                case LOGISTIC: {
                    double q = 1.0 / (1.0 + z);
                    g = u >= 0 ? q : z * q;
                    slopePart = z * q * q;
                    break;
                }
                case ERF:
                    g = Erf.value(slope * u);
                    slopePart = z;
                    break;
                default:
                    throw new AssertionError(family);
            }
            sums[rate] += amplitude * (g + offset);
            sums[derivative] += slopeFactor * slopePart;
        }

        /** f(u) given z, as {@link #add} computes it. */
        double value(double u, double z) {
            double g;
            switch (family) {
                case TANH:
                    g = Math.copySign((1.0 - z) * (1.0 / (1.0 + z)), u);
                    break;
                case LOGISTIC: {
                    double q = 1.0 / (1.0 + z);
                    g = u >= 0 ? q : z * q;
                    break;
                }
                case ERF:
                    g = Erf.value(slope * u);
                    break;
                default:
                    throw new AssertionError(family);
            }
            return amplitude * (g + offset);
        }

        /** OpenCL statements: declare z_NAME (given u, m) per {@link #exponential}. */
        String openClExponential(String name) {
            if (family == RateFamily.ERF) {
                return "    const double y_" + name + " = " + hex(slope) + " * u;\n"
                        + "    const double z_" + name + " = table_exp_nonpositive(-(y_" + name + " * y_" + name + "));\n";
            }
            return "    const double z_" + name + " = table_exp_nonpositive(-(" + hex(exponentScale) + " * m));\n";
        }

        /** An OpenCL call of the rates.cl twin of {@link #add}. */
        String openClAdd(String name, String rate, String derivative) {
            String common = "u, z_" + name + ", " + hex(amplitude) + ", " + hex(offset);
            String out = ", " + rate + ", " + derivative + ");\n";
            switch (family) {
                case TANH:
                    return "    rate_add_tanh(" + common + ", " + hex(slopeFactor) + out;
                case LOGISTIC:
                    return "    rate_add_logistic(" + common + ", " + hex(slopeFactor) + out;
                case ERF:
                    return "    rate_add_erf(" + common + ", " + hex(slope) + ", " + hex(slopeFactor) + out;
                default:
                    throw new AssertionError(family);
            }
        }
    }

    /**
     * OpenCL C of {@link #accumulate}: {@code void NAME(double u, double *rate_e, double *rate_i,
     * double *slope_e, double *slope_i)}, which adds the four values to the four doubles. Needs
     * kernels/rates.cl before it. The parameters are hex literals, so both sides use the same bits.
     */
    public String openClSource(String name) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "/* Source %s: f_e = %s; f_i = %s; exponentials %s (SourceRates). */%n",
                source.label, e.function, i.function, sharing));
        b.append("inline void ").append(name)
                .append("(const double u, double *rate_e, double *rate_i, double *slope_e, double *slope_i) {\n");
        b.append("    const double m = fabs(u);\n");
        switch (sharing) {
            case SAME:
                b.append(e.openClExponential("e")).append("    const double z_i = z_e;\n");
                break;
            case E_IS_I_SQUARED:
                b.append(i.openClExponential("i")).append("    const double z_e = z_i * z_i;\n");
                break;
            case I_IS_E_SQUARED:
                b.append(e.openClExponential("e")).append("    const double z_i = z_e * z_e;\n");
                break;
            case SEPARATE:
                b.append(e.openClExponential("e")).append(i.openClExponential("i"));
                break;
            default:
                throw new AssertionError(sharing);
        }
        b.append(e.openClAdd("e", "rate_e", "slope_e")).append(i.openClAdd("i", "rate_i", "slope_i"));
        return b.append("}\n").toString();
    }

    private static String hex(double x) {
        return OpenClDefines.literal(x);
    }
}
