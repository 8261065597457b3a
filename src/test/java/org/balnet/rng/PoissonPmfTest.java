package org.balnet.rng;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The probabilities of {@link PoissonTable} and Loader's form {@link PoissonPmf#saddlePoint} against
 * e^-λ λ^k / k! evaluated by mpmath at 60 digits ({@code src/test/scripts/poisson_pmf_reference.py pmf}),
 * across whole tables: from the mode to both edges and the first count of each tail.
 */
class PoissonPmfTest {
    /** The accuracy asked of the table's probabilities, relative. */
    private static final double TABLE_TOLERANCE = 1e-14;
    /** Loader's form where the table uses it (the mode) and a few standard deviations around. */
    private static final double SADDLE_POINT_TOLERANCE = 1e-14;
    /** Standard deviations around λ within which {@link #SADDLE_POINT_TOLERANCE} is asked of Loader's form. */
    private static final double SADDLE_POINT_RANGE = 3;

    /** {λ, k, P(k)}: mpmath at 60 digits, rounded once to double. */
    private static final double[][] REFERENCE = {
            {10, 0L, 0x1.7cd79b5647c9bp-15},
            {10, 1L, 0x1.dc0d822bd9bc1p-12},
            {10, 4L, 0x1.35ee20bf37167p-6},
            {10, 7L, 0x1.70f6ea083563ep-4},
            {10, 8L, 0x1.cd34a48a42bcdp-4},
            {10, 10L, 0x1.0039b0be96dabp-3},
            {10, 12L, 0x1.84386120c5896p-4},
            {10, 13L, 0x1.2aa185ca70911p-4},
            {10, 16L, 0x1.63835621c2f5ep-6},
            {10, 19L, 0x1.e92e98dc77f70p-9},
            {10, 23L, 0x1.704a66448e8c9p-13},
            {10, 26L, 0x1.79bbe59ba5e58p-17},
            {10, 29L, 0x1.13aafd0a3a939p-21},
            {10, 35L, 0x1.e3156b8e7ff4dp-32},
            {10, 36L, 0x1.0c613bc0f1c0ep-33},
            {1e3, 808L, 0x1.4a0300ba35e89p-35},
            {1e3, 809L, 0x1.97eced98a55d8p-35},
            {1e3, 810L, 0x1.f79c9a445a607p-35},
            {1e3, 842L, 0x1.b6739f3430d91p-26},
            {1e3, 874L, 0x1.c4b7552f9f620p-19},
            {1e3, 905L, 0x1.0690783af7c18p-13},
            {1e3, 937L, 0x1.c1c5aaa70c799p-10},
            {1e3, 968L, 0x1.f4c748bc998dfp-8},
            {1e3, 984L, 0x1.6e626f494f420p-7},
            {1e3, 1000L, 0x1.9d5b0798e5ae3p-7},
            {1e3, 1016L, 0x1.690fe8e68a590p-7},
            {1e3, 1032L, 0x1.ea552ea62f2a1p-8},
            {1e3, 1063L, 0x1.cb07ca8c82825p-10},
            {1e3, 1095L, 0x1.3deb037205040p-13},
            {1e3, 1126L, 0x1.85bb49e023b58p-18},
            {1e3, 1158L, 0x1.5f8fa1545ce90p-24},
            {1e3, 1190L, 0x1.0606852a79170p-31},
            {1e3, 1203L, 0x1.94d3269697060p-35},
            {1e3, 1204L, 0x1.503bb4e3226e7p-35},
            {1e6, 993771L, 0x1.963572800117ep-40},
            {1e6, 993772L, 0x1.98c127013c535p-40},
            {1e6, 994000L, 0x1.9da1d4abac67fp-38},
            {1e6, 995000L, 0x1.9139527d26919p-30},
            {1e6, 996000L, 0x1.1ce9c9202702dp-23},
            {1e6, 997000L, 0x1.2886276bed6dap-18},
            {1e6, 998000L, 0x1.c4c2070fba42ep-15},
            {1e6, 999000L, 0x1.fb9e5d2bc5355p-13},
            {1e6, 999500L, 0x1.7140796fc8180p-12},
            {1e6, 1000000L, 0x1.a2523e78f3358p-12},
            {1e6, 1000500L, 0x1.711528a35b90ep-12},
            {1e6, 1001000L, 0x1.fb47c25d498c6p-13},
            {1e6, 1002000L, 0x1.c50f52fa4f603p-15},
            {1e6, 1003000L, 0x1.2a4efc38bd61ap-18},
            {1e6, 1004000L, 0x1.21e5112ee3815p-23},
            {1e6, 1005000L, 0x1.a0356778a7913p-30},
            {1e6, 1006000L, 0x1.b9da6d1bccef5p-38},
            {1e6, 1006240L, 0x1.98a35471a272bp-40},
            {1e6, 1006241L, 0x1.961a7ff941176p-40},
            {1e9, 999802867L, 0x1.9d5e7db7264dap-45},
            {1e9, 999802868L, 0x1.9d735b2f2972bp-45},
            {1e9, 999810263L, 0x1.b02c59277c676p-43},
            {1e9, 999841886L, 0x1.9d4b3e7e53f2ep-35},
            {1e9, 999873509L, 0x1.22c03239dc7b6p-28},
            {1e9, 999905132L, 0x1.2cf1ec466d52dp-23},
            {1e9, 999936754L, 0x1.ca4b40b699659p-20},
            {1e9, 999968377L, 0x1.00c09238dd3d9p-17},
            {1e9, 999984189L, 0x1.759374589778fp-17},
            {1e9, 1000000000L, 0x1.a74fb77624b5ep-17},
            {1e9, 1000015811L, 0x1.759211826947ep-17},
            {1e9, 1000031623L, 0x1.00bf2f7de67d2p-17},
            {1e9, 1000063246L, 0x1.ca4db9f2ca1c8p-20},
            {1e9, 1000094868L, 0x1.2d008ab414acdp-23},
            {1e9, 1000126491L, 0x1.22e90171a783ep-28},
            {1e9, 1000158114L, 0x1.9dc5fe9f3ac36p-35},
            {1e9, 1000189737L, 0x1.b113800d00eabp-43},
            {1e9, 1000197145L, 0x1.9d5d8b3a1e698p-45},
            {1e9, 1000197146L, 0x1.9d48af884e00dp-45},
            {1e12, 999993765947L, 0x1.a25c18c50cfdep-50},
            {1e12, 999993765948L, 0x1.a25cc3b195e6ep-50},
            {1e12, 999994000000L, 0x1.b5cc8eaec08fap-48},
            {1e12, 999995000000L, 0x1.a277779b5e9a9p-40},
            {1e12, 999996000000L, 0x1.264b1100c4f14p-33},
            {1e12, 999997000000L, 0x1.308daafa8f82cp-28},
            {1e12, 999998000000L, 0x1.cfc759f3cd976p-25},
            {1e12, 999999000000L, 0x1.03d06db01a2b5p-22},
            {1e12, 999999500000L, 0x1.7a070097225e7p-22},
            {1e12, 1000000000000L, 0x1.ac5c6b456eac2p-22},
            {1e12, 1000000500000L, 0x1.7a06f53c459c6p-22},
            {1e12, 1000001000000L, 0x1.03d06256217f7p-22},
            {1e12, 1000002000000L, 0x1.cfc76e3714fafp-25},
            {1e12, 1000003000000L, 0x1.308e22bc0028fp-28},
            {1e12, 1000004000000L, 0x1.264c5f4f79db7p-33},
            {1e12, 1000005000000L, 0x1.a27b6531f6e4ep-40},
            {1e12, 1000006000000L, 0x1.b5d3f464005c4p-48},
            {1e12, 1000006234065L, 0x1.a25c10fe043edp-50},
            {1e12, 1000006234066L, 0x1.a25b6611f1053p-50},
    };

    @Test
    void tableProbabilitiesMatchMpmathAcrossTheTable() {
        double worst = 0;
        String worstAt = "";
        for (String text : new String[]{"10", "1e3", "1e6", "1e9", "1e12"}) {
            double lambda = Double.parseDouble(text);
            PoissonTable table = PoissonTable.build(lambda);
            PoissonTable.PmfWalk walk = new PoissonTable.PmfWalk(lambda);
            List<double[]> rows = new ArrayList<>();
            for (double[] row : REFERENCE) {
                long k = (long) row[1];
                if (row[0] == lambda && k >= table.low() - 1 && k <= table.high() + 1) {
                    rows.add(row);
                }
            }
            long[] counts = rows.stream().mapToLong(r -> (long) r[1]).sorted().toArray();
            double[] actual = walk.probabilities(counts);
            int checked = 0;
            boolean lowEdge = false;
            boolean highEdge = false;
            for (int i = 0; i < counts.length; i++) {
                long k = counts[i];
                double expected = rows.stream().filter(r -> (long) r[1] == k).findFirst().orElseThrow()[2];
                double error = Math.abs(actual[i] - expected) / expected;
                assertTrue(error <= TABLE_TOLERANCE, String.format(Locale.ROOT,
                        "lambda = %s, P(%d): table %s, mpmath %s, relative error %.3g > %.1g", text, k, actual[i],
                        expected, error, TABLE_TOLERANCE));
                if (error > worst) {
                    worst = error;
                    worstAt = "lambda = " + text + ", k = " + k;
                }
                checked++;
                lowEdge |= k == Math.max(0, table.low() - 1);
                highEdge |= k == table.high() + 1;
            }
            assertTrue(checked >= 10 && lowEdge && highEdge, "lambda = " + text + ": only " + checked
                    + " reference points in the table's range " + table.low() + ".." + table.high()
                    + " (both edges needed): regenerate them with src/test/scripts/poisson_pmf_reference.py");
        }
        System.out.printf(Locale.ROOT, "PoissonTable probabilities: largest relative error %.3g (%s)%n", worst, worstAt);
    }

    @Test
    void saddlePointMatchesMpmathAroundTheMode() {
        int checked = 0;
        double worst = 0;
        for (double[] row : REFERENCE) {
            double lambda = row[0];
            long k = (long) row[1];
            if (Math.abs(k - lambda) > SADDLE_POINT_RANGE * Math.sqrt(lambda)) {
                continue;
            }
            double actual = PoissonPmf.saddlePoint(k, lambda);
            double error = Math.abs(actual - row[2]) / row[2];
            assertTrue(error <= SADDLE_POINT_TOLERANCE, String.format(Locale.ROOT,
                    "lambda = %s, P(%d): saddle point %s, mpmath %s, relative error %.3g", lambda, k, actual, row[2],
                    error));
            worst = Math.max(worst, error);
            checked++;
        }
        assertTrue(checked >= 30, "only " + checked + " reference points near the mode");
        System.out.printf(Locale.ROOT, "Loader's saddle point within %s sd of lambda: largest relative error %.3g%n",
                SADDLE_POINT_RANGE, worst);
    }

    /** {n, stirlerr(n)} where the series takes over from the table and beyond: mpmath at 60 digits. */
    private static final double[][] STIRLERR_SERIES = {
            {32L, 0x1.55527d5bcc003p-9},
            {33L, 0x1.4afad23a8f3b5p-9},
            {40L, 0x1.110f9c4e626fbp-9},
            {100L, 0x1.b4e7bbdd9cecdp-11},
            {1000L, 0x1.5d867b7b562f1p-14},
            {1000000L, 0x1.65e9f80f29140p-24},
            {1000000000000L, 0x1.774ccac3d3817p-44},
    };

    @Test
    void stirlerrSeriesMatchesMpmath() {
        for (double[] row : STIRLERR_SERIES) {
            long n = (long) row[0];
            assertEquals(row[1], PoissonPmf.stirlerr(n), 2 * Math.ulp(row[1]), "stirlerr(" + n + ")");
        }
    }
}
