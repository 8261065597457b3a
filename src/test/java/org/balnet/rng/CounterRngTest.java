package org.balnet.rng;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.UniformRealDistribution;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CounterRngTest {
    /** Family-wise alpha of the two KS tests in this class, split by Bonferroni. */
    private static final double ALPHA_FAMILY = 1e-3;
    private static final double ALPHA = ALPHA_FAMILY / 2;
    private static final int KS_SAMPLES = 100_000;

    @Test
    void uniformConversionEdges() {
        assertEquals(0x1.0p-53, CounterRng.toUniform(0L), "all-zero word");
        assertEquals(1.0 - 0x1.0p-53, CounterRng.toUniform(-1L), "all-ones word");
        assertEquals(Math.nextDown(1.0), CounterRng.toUniform(-1L), "all-ones word is the largest double below 1");
        // the 12 low bits are dropped; the top 52 bits pick the cell
        assertEquals(CounterRng.toUniform(0L), CounterRng.toUniform(0xFFFL));
        assertEquals(0.5 + 0x1.0p-53, CounterRng.toUniform(0x8000_0000_0000_0000L));
        assertEquals(0.5 - 0x1.0p-53, CounterRng.toUniform(0x7FFF_FFFF_FFFF_FFFFL));
        // symmetric: the word's complement gives 1 - u, exactly
        for (long x : new long[]{0L, 1L << 12, 0x1234_5678_9ABC_DEF0L, -1L >>> 1, -4096L}) {
            assertEquals(1.0 - CounterRng.toUniform(x), CounterRng.toUniform(~x), "complement of " + Long.toHexString(x));
        }
    }

    @Test
    void uniformsStrictlyInsideUnitInterval() {
        CounterRng rng = new CounterRng(1);
        rng.seek(0, 0, 2);
        for (int i = 0; i < 1_000_000; i++) {
            double u = rng.nextUniform();
            assertTrue(u > 0 && u < 1, "uniform " + i + " = " + u);
            assertTrue(-2 * Math.log(u) < Double.POSITIVE_INFINITY);
        }
    }

    /** The stream is the conversion of Philox blocks at the documented counter, words in order. */
    @Test
    void wordsFollowTheCounterLayout() {
        long seed = 0xFEDC_BA98_7654_3210L;
        long[] steps = {0, 1, 4_000_000_000L, CounterRng.MAX_STEP};
        long[] neurons = {0, 1, (1L << 32) - 1, 1L << 32, (1L << 32) + 7, CounterRng.MAX_NEURON};
        int[] streams = {CounterRng.STREAM_INITIAL_E, CounterRng.STREAM_INITIAL_I, 2, 5, CounterRng.MAX_STREAM};
        CounterRng rng = new CounterRng(seed);
        int[] out = new int[4];
        for (long step : steps) {
            for (long neuron : neurons) {
                for (int stream : streams) {
                    rng.seek(step, neuron, stream);
                    for (int draw = 0; draw < 3; draw++) {
                        Philox4x32.block(draw, (int) step, (int) neuron, (int) (neuron >>> 32) | stream << 24,
                                (int) seed, (int) (seed >>> 32), out);
                        String where = "step " + step + " neuron " + neuron + " stream " + stream + " draw " + draw;
                        assertEquals(word(out[1], out[0]), rng.nextWord(), where + ", first word");
                        assertEquals(word(out[3], out[2]), rng.nextWord(), where + ", second word");
                    }
                }
            }
        }
    }

    @Test
    void distinctAddressesGiveDistinctNumbers() {
        Set<Long> firstWords = new HashSet<>();
        int addresses = 0;
        for (long seed : new long[]{0, 1, 1L << 32}) {
            CounterRng rng = new CounterRng(seed);
            for (long step : new long[]{0, 1, 1L << 31}) {
                for (long neuron : new long[]{0, 1, 1L << 31, 1L << 32, (1L << 32) + 1, 1L << 55, CounterRng.MAX_NEURON}) {
                    for (int stream = 0; stream < 6; stream++) {
                        rng.seek(step, neuron, stream);
                        for (int draw = 0; draw < 2; draw++) {
                            firstWords.add(rng.nextWord());
                            rng.nextWord();
                            addresses++;
                        }
                    }
                }
            }
        }
        assertEquals(addresses, firstWords.size(), "distinct (seed, step, neuron, stream, draw) must give distinct blocks");
    }

    @Test
    void neuronAbove32BitsIsNotTruncated() {
        CounterRng rng = new CounterRng(42);
        rng.seek(3, 5, 2);
        long low = rng.nextWord();
        rng.seek(3, (1L << 32) + 5, 2);
        long high = rng.nextWord();
        assertNotEquals(low, high, "neuron 2^32 + 5 must not alias neuron 5");
        rng.seek(3, (1L << 40) + 5, 2);
        assertNotEquals(low, rng.nextWord(), "neuron 2^40 + 5 must not alias neuron 5");
    }

    @Test
    void seekRestartsTheAddress() {
        CounterRng rng = new CounterRng(7);
        rng.seek(10, 20, 3);
        double[] first = new double[5];
        for (int i = 0; i < first.length; i++) {
            first[i] = rng.nextUniform();
        }
        rng.nextUniform(); // leave a half-used block behind
        rng.seek(10, 20, 3);
        for (int i = 0; i < first.length; i++) {
            assertEquals(first[i], rng.nextUniform(), "uniform " + i + " after seek");
        }
        // a fresh instance agrees too: the state is the address, nothing else
        CounterRng other = new CounterRng(7);
        other.seek(10, 20, 3);
        assertEquals(first[0], other.nextUniform());
    }

    /** Layout 2: initial, step-block, pair and synapse streams are all different. */
    @Test
    void everyStreamOfTheLayoutIsDistinct() {
        Set<Integer> streams = new HashSet<>(Set.of(CounterRng.STREAM_INITIAL_E, CounterRng.STREAM_INITIAL_I));
        for (int target = 0; target < 2; target++) {
            int step = CounterRng.streamStep(target);
            assertTrue(step >= 0 && step <= CounterRng.MAX_STREAM && streams.add(step), "step stream of " + target);
            for (int source = 0; source < 2; source++) {
                for (int s : new int[]{CounterRng.streamPair(target, source), CounterRng.streamSynapse(target, source)}) {
                    assertTrue(s >= 0 && s <= CounterRng.MAX_STREAM && streams.add(s),
                            "stream " + s + " of pair " + target + source);
                }
            }
        }
        assertEquals(12, streams.size(), "2 initial, 2 step, 4 pair and 4 synapse streams");
    }

    @Test
    void addressesOutsideTheCounterAreRefused() {
        CounterRng rng = new CounterRng(0);
        rng.seek(CounterRng.MAX_STEP, CounterRng.MAX_NEURON, CounterRng.MAX_STREAM);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rng.seek(0, CounterRng.MAX_NEURON + 1, 0));
        assertTrue(e.getMessage().startsWith("neuron = "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> rng.seek(0, -1, 0));
        assertTrue(e.getMessage().startsWith("neuron = "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> rng.seek(CounterRng.MAX_STEP + 1, 0, 0));
        assertTrue(e.getMessage().startsWith("step = "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> rng.seek(0, 0, 256));
        assertTrue(e.getMessage().startsWith("stream = "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> rng.seek(0, 0, -1));
        assertTrue(e.getMessage().startsWith("stream = "), e.getMessage());
    }

    @Test
    void uniformsPassKolmogorovSmirnov() {
        CounterRng rng = new CounterRng(2024);
        double[] u = new double[KS_SAMPLES];
        for (int i = 0; i < u.length; i++) {
            // one value per neuron, as the simulator draws them
            rng.seek(1, i, 2);
            u[i] = rng.nextUniform();
        }
        double p = new KolmogorovSmirnovTest().kolmogorovSmirnovTest(new UniformRealDistribution(0, 1), u);
        assertTrue(p > ALPHA, "KS uniform(0,1), n = " + u.length + ": p = " + p + ", alpha = " + ALPHA);
    }

    @Test
    void boxMullerNormalsPassKolmogorovSmirnov() {
        CounterRng rng = new CounterRng(-5);
        double[] z = new double[KS_SAMPLES];
        for (int i = 0; i < z.length; i++) {
            rng.seek(0, i, CounterRng.STREAM_INITIAL_E);
            z[i] = rng.nextNormal();
        }
        double p = new KolmogorovSmirnovTest().kolmogorovSmirnovTest(new NormalDistribution(0, 1), z);
        assertTrue(p > ALPHA, "KS N(0,1), n = " + z.length + ": p = " + p + ", alpha = " + ALPHA);
    }

    private static long word(int high, int low) {
        return (long) high << 32 | (low & 0xFFFF_FFFFL);
    }

    @org.junit.jupiter.api.Test
    void seekPairDrawsExactlyWhatTwoSeeksDraw() {
        CounterRng a = new CounterRng(0x1234_5678_9ABCL);
        CounterRng b = new CounterRng(0x1234_5678_9ABCL);
        CounterRng ref = new CounterRng(0x1234_5678_9ABCL);
        for (long neuron : new long[]{0, 7, (1L << 32) + 5, CounterRng.MAX_NEURON}) {
            CounterRng.seekPair(a, b, 99, neuron, 2, 3);
            // Several words each, so the pair's first block and the blocks after it are both checked.
            ref.seek(99, neuron, 2);
            for (int k = 0; k < 5; k++) {
                org.junit.jupiter.api.Assertions.assertEquals(ref.nextWord(), a.nextWord(), "stream 2, word " + k);
            }
            ref.seek(99, neuron, 3);
            for (int k = 0; k < 5; k++) {
                org.junit.jupiter.api.Assertions.assertEquals(ref.nextWord(), b.nextWord(), "stream 3, word " + k);
            }
        }
    }
}
