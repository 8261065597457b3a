package org.balnet.rng;

import org.balnet.sim.opencl.OpenClTestDevice;
import org.jocl.Sizeof;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_program;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The OpenCL twins (kernels/philox.cl, kernels/poisson.cl, kernels/poisson_table.cl) against the Java
 * classes, on the device of
 * {@link OpenClTestDevice} (PoCL's CPU device in CI); skipped with the reason printed where there is
 * none (a failure in CI, which sets {@value OpenClTestDevice#REQUIRE_VARIABLE}=1). Philox words, uniforms and Poisson counts must be bit-identical. Normals go through
 * log, cos and sqrt, which the device's math library may round differently from StrictMath: they
 * must agree within {@link #NORMAL_MAX_ULPS} ulps, and the test prints how many differ and by how much.
 */
@Tag("opencl")
class OpenClTwinTest {
    static final int NORMAL_MAX_ULPS = 4;
    private static final String BUILD_OPTIONS = "";
    private static final double[] LAMBDAS = {0, 1e-3, 0.3, 4, 9.99, 10, 37, 1000, 1e4, 1e6, 1e9, 1e12};
    private static final long[] SEEDS = {0, 1, 0xDEAD_BEEF_CAFE_F00DL, -1};
    private static final long[] STEPS = {0, 1, 123_456, CounterRng.MAX_STEP};
    private static final long[] NEURONS = {0, 1, (1L << 31) - 1, 1L << 32, (1L << 32) + 5, 3L << 40, CounterRng.MAX_NEURON};
    private static final int[] STREAMS = {CounterRng.STREAM_INITIAL_E, CounterRng.STREAM_INITIAL_I, 2, 5, CounterRng.MAX_STREAM};
    /** Extra addresses: consecutive neurons of one step, as a simulation step uses them. */
    private static final int BULK_NEURONS = 4096;
    /** Tails of up to this mass make a short table, whose words often escape. */
    private static final double SHORT_TABLE_TAIL = 0.3;

    private static OpenClTestDevice device;
    private static cl_program program;

    @BeforeAll
    static void build() {
        device = OpenClTestDevice.open();
        program = device.build(BUILD_OPTIONS,
                OpenClTestDevice.kernelConstants(),
                OpenClTestDevice.source("/kernels/philox.cl"),
                OpenClTestDevice.source("/kernels/poisson.cl"),
                OpenClTestDevice.source("/org/balnet/rng/poisson_sample.cl"),
                OpenClTestDevice.source("/kernels/poisson_table.cl"),
                OpenClTestDevice.source("/org/balnet/rng/rng_twin_test.cl"));
        System.out.println("OpenCL twin test on " + device.description());
    }

    @AfterAll
    static void release() {
        if (device != null) {
            device.close();
        }
    }

    /** (seed, step, neuron, stream) quadruples: the full grid, then the bulk neurons. */
    private static long[] addresses() {
        List<long[]> list = new ArrayList<>();
        for (long seed : SEEDS) {
            for (long step : STEPS) {
                for (long neuron : NEURONS) {
                    for (int stream : STREAMS) {
                        list.add(new long[]{seed, step, neuron, stream});
                    }
                }
            }
        }
        for (int i = 0; i < BULK_NEURONS; i++) {
            list.add(new long[]{20240517L, 7, (1L << 32) - BULK_NEURONS / 2 + i, CounterRng.streamStep(1)});
        }
        long[] flat = new long[4 * list.size()];
        for (int i = 0; i < list.size(); i++) {
            System.arraycopy(list.get(i), 0, flat, 4 * i, 4);
        }
        return flat;
    }

    private static CounterRng seek(long[] addresses, int a) {
        CounterRng rng = new CounterRng(addresses[4 * a]);
        rng.seek(addresses[4 * a + 1], addresses[4 * a + 2], (int) addresses[4 * a + 3]);
        return rng;
    }

    private static String where(long[] addresses, int a) {
        return String.format(Locale.ROOT, "seed %x step %d neuron %d stream %d",
                addresses[4 * a], addresses[4 * a + 1], addresses[4 * a + 2], addresses[4 * a + 3]);
    }

    @Test
    void knownAnswerVectorsOnTheDevice() {
        int[][] kat = Philox4x32Test.KAT_VECTORS;
        int[] in = new int[6 * kat.length];
        for (int i = 0; i < kat.length; i++) {
            System.arraycopy(kat[i], 0, in, 6 * i, 6);
        }
        cl_mem out = device.output((long) Sizeof.cl_uint * 4 * kat.length);
        cl_kernel kernel = device.kernel(program, "kat_philox");
        OpenClTestDevice.arguments(kernel, device.input(in), out);
        device.run(kernel, kat.length);
        int[] got = new int[4 * kat.length];
        device.read(out, got);
        for (int i = 0; i < kat.length; i++) {
            for (int w = 0; w < 4; w++) {
                assertEquals(kat[i][6 + w], got[4 * i + w], "KAT vector " + i + ", word " + w + " on " + device.description());
            }
        }
    }

    @Test
    void wordsUniformsAndNormalsMatchJava() {
        long[] addresses = addresses();
        int count = addresses.length / 4;
        int words = 8;
        int uniforms = 8;
        int normals = 16;
        cl_mem wordOut = device.output((long) Sizeof.cl_ulong * words * count);
        cl_mem uniformOut = device.output((long) Sizeof.cl_double * uniforms * count);
        cl_mem normalOut = device.output((long) Sizeof.cl_double * normals * count);
        cl_kernel kernel = device.kernel(program, "draw_streams");
        OpenClTestDevice.arguments(kernel, device.input(addresses), words, wordOut, uniforms, uniformOut, normals, normalOut);
        device.run(kernel, count);
        long[] deviceWords = new long[words * count];
        double[] deviceUniforms = new double[uniforms * count];
        double[] deviceNormals = new double[normals * count];
        device.read(wordOut, deviceWords);
        device.read(uniformOut, deviceUniforms);
        device.read(normalOut, deviceNormals);

        long maxUlps = 0;
        int differing = 0;
        for (int a = 0; a < count; a++) {
            CounterRng rng = seek(addresses, a);
            for (int j = 0; j < words; j++) {
                assertEquals(rng.nextWord(), deviceWords[a * words + j], where(addresses, a) + ", word " + j);
            }
            rng = seek(addresses, a);
            for (int j = 0; j < uniforms; j++) {
                double expected = rng.nextUniform();
                double actual = deviceUniforms[a * uniforms + j];
                assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(actual),
                        where(addresses, a) + ", uniform " + j + ": Java " + expected + ", OpenCL " + actual);
            }
            rng = seek(addresses, a);
            for (int j = 0; j < normals; j++) {
                double expected = rng.nextNormal();
                double actual = deviceNormals[a * normals + j];
                long ulps = ulpDistance(expected, actual);
                if (ulps > NORMAL_MAX_ULPS) {
                    fail(where(addresses, a) + ", normal " + j + ": Java " + expected + ", OpenCL " + actual
                            + " differ by " + ulps + " ulps (at most " + NORMAL_MAX_ULPS + " allowed)");
                }
                differing += ulps == 0 ? 0 : 1;
                maxUlps = Math.max(maxUlps, ulps);
            }
        }
        System.out.printf(Locale.ROOT, "OpenCL twin: %d addresses; words and uniforms bit-identical; normals: %d of %d"
                + " differ from Java, by at most %d ulps%n", count, differing, normals * count, maxUlps);
    }

    @Test
    void poissonCountsMatchJava() {
        long[] addresses = addresses();
        int count = addresses.length / 4;
        int draws = 4;
        int items = count * LAMBDAS.length;
        cl_mem sampleOut = device.output((long) Sizeof.cl_long * draws * items);
        cl_mem preparedOut = device.output((long) Sizeof.cl_long * draws * items);
        cl_kernel kernel = device.kernel(program, "draw_poisson");
        OpenClTestDevice.arguments(kernel, device.input(addresses), device.input(LAMBDAS), LAMBDAS.length, draws,
                sampleOut, preparedOut);
        device.run(kernel, items);
        long[] deviceSamples = new long[draws * items];
        long[] devicePrepared = new long[draws * items];
        device.read(sampleOut, deviceSamples);
        device.read(preparedOut, devicePrepared);

        for (int a = 0; a < count; a++) {
            for (int l = 0; l < LAMBDAS.length; l++) {
                double lambda = LAMBDAS[l];
                int item = a * LAMBDAS.length + l;
                CounterRng rng = seek(addresses, a);
                for (int j = 0; j < draws; j++) {
                    assertEquals(PoissonSampler.sample(lambda, rng), deviceSamples[item * draws + j],
                            "poisson_sample, lambda = " + lambda + ", " + where(addresses, a) + ", draw " + j);
                }
                rng = seek(addresses, a);
                PoissonSampler.Prepared prepared = new PoissonSampler.Prepared(lambda);
                for (int j = 0; j < draws; j++) {
                    assertEquals(prepared.sample(rng), devicePrepared[item * draws + j],
                            "poisson_sample_prepared, lambda = " + lambda + ", " + where(addresses, a) + ", draw " + j);
                }
            }
        }
        System.out.printf(Locale.ROOT, "OpenCL twin: %d Poisson counts identical (both entry points, %d lambdas)%n",
                2 * draws * items, LAMBDAS.length);
    }

    /** The log-factorial table is the same bits on both sides; the series and log-pmf agree to rounding. */
    @Test
    void logFactorialAndLogPmfMatchJava() {
        List<long[]> points = new ArrayList<>();
        for (long k = 0; k < 300; k++) {
            points.add(new long[]{k, Double.doubleToLongBits(Math.max(10, k))});
        }
        for (double lambda : new double[]{1e4, 1e6, 1e9, 1e12}) {
            for (int z = -6; z <= 6; z++) {
                points.add(new long[]{Math.round(lambda + z * Math.sqrt(lambda)), Double.doubleToLongBits(lambda)});
            }
        }
        long[] k = new long[points.size()];
        double[] lambdas = new double[points.size()];
        for (int i = 0; i < k.length; i++) {
            k[i] = points.get(i)[0];
            lambdas[i] = Double.longBitsToDouble(points.get(i)[1]);
        }
        cl_mem factorialOut = device.output((long) Sizeof.cl_double * k.length);
        cl_mem pmfOut = device.output((long) Sizeof.cl_double * k.length);
        cl_kernel kernel = device.kernel(program, "eval_log_pmf");
        OpenClTestDevice.arguments(kernel, device.input(k), device.input(lambdas), factorialOut, pmfOut);
        device.run(kernel, k.length);
        double[] factorial = new double[k.length];
        double[] pmf = new double[k.length];
        device.read(factorialOut, factorial);
        device.read(pmfOut, pmf);
        long maxFactorialUlps = 0;
        double maxPmfError = 0;
        for (int i = 0; i < k.length; i++) {
            double expected = PoissonSampler.logFactorial(k[i]);
            long ulps = ulpDistance(expected, factorial[i]);
            if (k[i] < PoissonSampler.LOG_FACTORIAL_TABLE_SIZE) {
                assertEquals(0, ulps, "table entry log(" + k[i] + "!)");
            }
            assertTrue(ulps <= 4, "log(" + k[i] + "!): Java " + expected + ", OpenCL " + factorial[i]);
            maxFactorialUlps = Math.max(maxFactorialUlps, ulps);
            double expectedPmf = PoissonSampler.logPoissonPmf(k[i], lambdas[i], StrictMath.log(lambdas[i]));
            double error = Math.abs(expectedPmf - pmf[i]);
            assertTrue(error <= 1e-12 * Math.max(1, Math.abs(expectedPmf)),
                    "log P(" + k[i] + "), lambda = " + lambdas[i] + ": Java " + expectedPmf + ", OpenCL " + pmf[i]);
            maxPmfError = Math.max(maxPmfError, error);
        }
        System.out.printf(Locale.ROOT, "OpenCL twin: log k! within %d ulps (table identical), log-pmf within %.3g%n",
                maxFactorialUlps, maxPmfError);
    }

    /**
     * Table draws on the device equal Java's word by word: tables from λ = 1e-300 to 1e9, default and
     * short ones (tails of up to 0.3, so that a third of the words escape and take both tails'
     * sequential search), with random words and the words at and next to cell boundaries.
     */
    @Test
    void tableCountsMatchJava() {
        SplittableRandom random = new SplittableRandom(23);
        long seed = 0x5EED_7AB1EL;
        long step = 41;
        long neuronBase = (1L << 32) - 1000;
        int stream = CounterRng.streamPair(1, 1);
        long compared = 0;
        long escaped = 0;
        cl_kernel kernel = device.kernel(program, "draw_table");
        for (double lambda : new double[]{0, 1e-300, 0.05, 1, 9.99, 37, 1e3, 1e6, 1e9}) {
            for (double tailMass : new double[]{PoissonTable.TAIL_MASS, SHORT_TABLE_TAIL}) {
                PoissonTable table = PoissonTable.build(lambda, tailMass);
                List<Long> list = new ArrayList<>(List.of(0L, 1L, -1L, -2L, Long.MIN_VALUE, Long.MAX_VALUE));
                long first = table.low() - (table.low() > 0 ? 1 : 0);
                int cells = table.cells();
                long bound = 0;
                int stride = Math.max(1, cells / 2000);
                for (int c = 0; c < cells - 1; c++) {
                    bound += table.width(first + c);
                    if (c % stride == 0 || c < 50 || c >= cells - 51) {
                        list.add(bound - 1);
                        list.add(bound);
                        list.add(bound + 1);
                    }
                }
                for (int i = 0; i < 4096; i++) {
                    list.add(random.nextLong());
                }
                long[] words = list.stream().mapToLong(Long::longValue).toArray();
                ByteBuffer exported = ByteBuffer.allocate(table.exportBytes()).order(ByteOrder.nativeOrder());
                table.export(exported, 0);
                long[] tableLongs = new long[table.exportBytes() / Long.BYTES];
                exported.asLongBuffer().get(tableLongs);
                double[] constants = new double[PoissonTable.EXPORT_DOUBLES];
                table.exportDoubles(constants, 0);
                cl_mem out = device.output((long) Sizeof.cl_long * words.length);
                OpenClTestDevice.arguments(kernel, device.input(tableLongs), device.input(constants),
                        device.input(words), seed, step, neuronBase, stream, out);
                device.run(kernel, words.length);
                long[] got = new long[words.length];
                device.read(out, got);
                CounterRng tail = new CounterRng(seed);
                for (int i = 0; i < words.length; i++) {
                    long expected = table.sample(words[i], tail, step, neuronBase + i, stream);
                    assertEquals(expected, got[i], "lambda = " + lambda + ", tail mass " + tailMass + ", word "
                            + Long.toUnsignedString(words[i]));
                    escaped += expected < table.low() || expected > table.high() ? 1 : 0;
                }
                compared += words.length;
            }
        }
        assertTrue(escaped > 1000, "the short tables make words escape: " + escaped);
        System.out.printf(Locale.ROOT, "OpenCL twin: %d table draws identical to Java, %d of them escapes%n",
                compared, escaped);
    }

    @Test
    void failedBuildReportsDeviceOptionsAndLog() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> device.build("-DBALNET_TEST_OPTION=1", "__kernel void broken(__global int *x) { x[0] = undeclared_name; }"));
        String message = e.getMessage();
        assertTrue(message.contains(device.description()), message);
        assertTrue(message.contains("-DBALNET_TEST_OPTION=1"), message);
        assertTrue(message.contains("undeclared_name"), "the build log should name the error: " + message);
    }

    /** Distance in units in the last place, over the ordered doubles (so it works across zero). */
    static long ulpDistance(double a, double b) {
        return Math.abs(ordered(a) - ordered(b));
    }

    private static long ordered(double x) {
        long bits = Double.doubleToLongBits(x);
        return bits < 0 ? Long.MIN_VALUE - bits : bits;
    }
}
