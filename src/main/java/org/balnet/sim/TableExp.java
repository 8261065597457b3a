package org.balnet.sim;

import org.balnet.rng.OpenClDefines;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/**
 * e^x for x &le; 0 from a table of 2^(j/64) and a polynomial, with only +, -, * and integer
 * operations, none of them fused: Java and an OpenCL device that keeps {@code FP_CONTRACT OFF} give
 * the same bits. It is what the rate functions are built from ({@link SourceRates}); it is inlined
 * into the per-neuron loop, where {@code Math.exp} is a call that spills every live register.
 *
 * <p>Method (Tang's table-driven exp, ACM TOMS 15 (1989), with 64 entries): x = (64 m + j) ln2/64 + r
 * with k = 64 m + j the nearest integer to 64 x / ln2 and |r| &le; ln2/128; ln2/64 is split in a
 * 32-bit head (k times it is exact) and a tail (Cody and Waite), so r is exact to a few ulps of r.
 * Then e^x = 2^m 2^(j/64) (1 + p(r)), with p the Taylor polynomial of e^r - 1 to degree 5
 * (truncation below r^6/720 &lt; 3.5e-17), and 2^m applied to the table entry's exponent bits.
 *
 * <p>Accuracy: the table is correctly rounded and the final sum t + t p rounds once, so the result is
 * within about one ulp of e^x; TableExpTest finds it within 1 ulp of StrictMath.exp (itself within
 * 1 ulp of e^x) at 4e6 points of [-708, 0], hence within 2 ulps of e^x. Below -708 the result is 0: e^x is then
 * below 3.3e-308, so the absolute error stays under that, and no subnormal is ever returned.
 * NaN gives NaN, -&infin; gives 0.
 *
 * <p>Twin: {@code table_exp_nonpositive} in {@code kernels/rates.cl}, whose constants are
 * generated from this class ({@link #openClConstants}).
 */
public final class TableExp {
    /** log2 of the number of table entries. */
    static final int TABLE_BITS = 6;
    static final int TABLE_SIZE = 1 << TABLE_BITS;
    /** Below this e^x would be subnormal (e^-708 = 3.3e-308 &gt; Double.MIN_NORMAL): flushed to 0. */
    public static final double FLUSH_BELOW = -708.0;
    static final double TABLE_SIZE_OVER_LN2 = TABLE_SIZE / Math.log(2);
    /** ln2/64 = HEAD + TAIL: fdlibm's ln2_hi (32 significant bits, so k * HEAD is exact for |k| &lt; 2^21) and ln2_lo, over 64. */
    static final double LN2_OVER_SIZE_HEAD = 0x1.62e42feep-1 / TABLE_SIZE;
    static final double LN2_OVER_SIZE_TAIL = 0x1.a39ef35793c76p-33 / TABLE_SIZE;
    /** 1.5 * 2^52: adding and subtracting it rounds a double below 2^51 in magnitude to the nearest integer. */
    static final double ROUNDING_SHIFTER = 0x1.8p52;
    private static final long ROUNDING_SHIFTER_BITS = Double.doubleToRawLongBits(ROUNDING_SHIFTER);
    /** Taylor coefficients 1/2!, 1/3!, 1/4!, 1/5! of e^r - 1 - r. */
    static final double C2 = 1.0 / 2, C3 = 1.0 / 6, C4 = 1.0 / 24, C5 = 1.0 / 120;
    /** Exponent field position of a double. */
    private static final int EXPONENT_SHIFT = 52;
    /** Bits of 2^(j/64), j = 0..63. */
    static final long[] TABLE = new long[TABLE_SIZE];

    static {
        for (int j = 0; j < TABLE_SIZE; j++) {
            TABLE[j] = Double.doubleToRawLongBits(twoToThe(j));
        }
    }

    private TableExp() {
    }

    /**
     * e^x for x &le; 0, to the accuracy of the class comment. Defined for x &gt; 0 up to about 709
     * too, but nothing here uses that.
     */
    public static double ofNonPositive(double x) {
        if (x < FLUSH_BELOW) { // not !(x >= ...): NaN goes on, and comes out NaN
            return 0.0;
        }
        // k sits in the low bits of the shifted sum; read from there it is defined for NaN too
        // (OpenCL leaves the conversion of NaN to an integer undefined).
        double shifted = x * TABLE_SIZE_OVER_LN2 + ROUNDING_SHIFTER;
        long k = Double.doubleToRawLongBits(shifted) - ROUNDING_SHIFTER_BITS;
        double kd = shifted - ROUNDING_SHIFTER;
        double r = (x - kd * LN2_OVER_SIZE_HEAD) - kd * LN2_OVER_SIZE_TAIL;
        double p = r + r * r * (C2 + r * (C3 + r * (C4 + r * C5)));
        // 2^m 2^(j/64) with m = floor(k / 64): m >= -1022 above the flush, so the result is normal.
        double t = Double.longBitsToDouble(TABLE[(int) k & (TABLE_SIZE - 1)] + ((k >> TABLE_BITS) << EXPONENT_SHIFT));
        return t + t * p;
    }

    /** The #defines and the table that {@code table_exp_nonpositive} in kernels/rates.cl reads. */
    public static String openClConstants() {
        return new OpenClDefines("TableExp")
                .define("TABLE_EXP_BITS", TABLE_BITS)
                .define("TABLE_EXP_FLUSH_BELOW", FLUSH_BELOW)
                .define("TABLE_EXP_SIZE_OVER_LN2", TABLE_SIZE_OVER_LN2)
                .define("TABLE_EXP_LN2_HEAD", LN2_OVER_SIZE_HEAD)
                .define("TABLE_EXP_LN2_TAIL", LN2_OVER_SIZE_TAIL)
                .define("TABLE_EXP_SHIFTER", ROUNDING_SHIFTER)
                .raw("TABLE_EXP_SHIFTER_BITS", String.format(Locale.ROOT, "0x%016xL", ROUNDING_SHIFTER_BITS))
                .define("TABLE_EXP_C2", C2)
                .define("TABLE_EXP_C3", C3)
                .define("TABLE_EXP_C4", C4)
                .define("TABLE_EXP_C5", C5)
                .define("TABLE_EXP_EXPONENT_SHIFT", EXPONENT_SHIFT)
                .table("table_exp_entries", TABLE)
                .toString();
    }

    /**
     * 2^(j/64) correctly rounded (StrictMath.pow misses by an ulp at 8 of the 64): the 64th root of
     * 2^j by Newton's method in 40-digit decimal arithmetic, started from pow.
     */
    private static double twoToThe(int j) {
        MathContext mc = new MathContext(40);
        BigDecimal target = BigDecimal.valueOf(2).pow(j);
        BigDecimal x = new BigDecimal(StrictMath.pow(2.0, j / (double) TABLE_SIZE));
        for (int iteration = 0; iteration < 4; iteration++) { // quadratic from 16 digits: 32, 64, ...
            BigDecimal power = x.pow(TABLE_SIZE - 1, mc);
            x = x.subtract(x.multiply(power, mc).subtract(target).divide(power.multiply(BigDecimal.valueOf(TABLE_SIZE), mc), mc), mc);
        }
        return x.doubleValue();
    }

}
