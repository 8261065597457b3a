package org.balnet.sim.opencl;

import org.balnet.model.BadInputException;
import org.balnet.model.InputError;
import org.balnet.model.Population;
import org.balnet.model.Scenario;
import org.balnet.model.ScenarioLoader;
import org.balnet.model.Scheme;
import org.balnet.rng.CounterRng;
import org.balnet.rng.PoissonLaw;
import org.balnet.rng.PoissonStep;
import org.balnet.rng.Sampler;
import org.balnet.sim.CommonMode;
import org.balnet.sim.Engine;
import org.balnet.sim.Observables;
import org.balnet.sim.PopulationSums;
import org.balnet.sim.Precision;
import org.balnet.sim.Simulation;
import org.balnet.sim.StepPlan;
import org.balnet.sim.TrajectoryRow;
import org.balnet.sim.cpu.CpuEngine;
import org.jocl.CL;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Locale;

import static org.balnet.sim.TestScenarios.MV61_MEAN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * OpenClEngine against CpuEngine on the first OpenCL device (PoCL's CPU device in CI), and its own
 * mechanics: split states, 64-bit neuron indices, histograms, refusals. Skipped, with the reason
 * printed, where there is no OpenCL device ({@link OpenClTestDevice}; a failure in CI).
 */
@Tag("opencl")
class OpenClEngineTest {
    static final double[] UNIT_VARIANCE = {1, 1};
    static final double H = 0.01;
    /** The size for the equivalence tests. */
    static final int N = 100_000;

    private static DeviceInfo device;

    @BeforeAll
    static void findDevice() {
        device = OpenClTestDevice.device();
    }

    static Scenario mv61(long n) {
        return ScenarioLoader.load("mv-6.1").withN(n);
    }

    static OpenClEngine openCl(Scenario s, Precision p, long seed) {
        return new OpenClEngine(s, p, seed, device, OpenClTestDevice.profile());
    }

    static OpenClEngine openCl(Scenario s, Precision p, long seed, OpenClEngine.Options options) {
        return openCl(s, p, seed, Sampler.DEFAULT, options);
    }

    static OpenClEngine openCl(Scenario s, Precision p, long seed, Sampler sampler, OpenClEngine.Options options) {
        return new OpenClEngine(s, p, seed, sampler, device, OpenClTestDevice.profile(), options);
    }

    static double[][] trajectory(Engine engine, Scenario s, int steps) {
        double[][] out = new double[steps + 1][];
        try (Simulation sim = new Simulation(s, engine, Scheme.SEMI_IMPLICIT, H, MV61_MEAN)) {
            out[0] = new TrajectoryRow(0, sim.observables()).values();
            for (int k = 1; k <= steps; k++) {
                out[k] = new TrajectoryRow(0, sim.step()).values();
            }
        }
        return out;
    }

    /**
     * The count test, for each sampler, and for the table sampler with its tables cached in
     * local memory (what the host chooses at this n) and read from global memory. Both engines take the
     * same plans (from the Java engine's sums), so the lambdas are the same bits; the device records
     * every neuron's two counts, which must equal the Java draws ({@link PoissonStep#draw}) at the same
     * addresses. The states must then agree to rounding: one count off by one would move a state by
     * b C / sqrt(n) = 1.6e-3, the tolerance is 1e-13.
     */
    @ParameterizedTest(name = "{0}, tables in global memory: {1}")
    @CsvSource({"TABLE, false", "TABLE, true", "PTRS, false"})
    void everyPoissonCountMatchesJavaForTenSteps(Sampler sampler, boolean tablesInGlobal) {
        Scenario s = mv61(N);
        long seed = 20240601;
        double stateTolerance = 1e-13;
        double smallestJump = Math.exp(-H / 2) * 0.5 / Math.sqrt(N);
        assertTrue(smallestJump > 1e9 * stateTolerance, "a count difference must be visible in the states");
        OpenClEngine.Options recording = new OpenClEngine.Options(0, true, 0, 0, tablesInGlobal);
        try (CpuEngine cpu = new CpuEngine(s, Precision.FP64, seed, 2, sampler);
             OpenClEngine cl = openCl(s, Precision.FP64, seed, sampler, recording)) {
            Observables obs = Observables.from(s, 0, 0, cpu.initialize(MV61_MEAN, UNIT_VARIANCE), MV61_MEAN);
            PopulationSums[] initial = cl.initialize(MV61_MEAN, UNIT_VARIANCE);
            assertEquals(N, initial[0].count);
            CommonMode commonMode = new CommonMode(s, Scheme.SEMI_IMPLICIT, H);
            StepPlan plan = new StepPlan();
            double[] u = new double[N];
            double[] v = new double[N];
            long compared = 0;
            double maxState = 0;
            for (int step = 0; step < 10; step++) {
                commonMode.plan(obs, step, plan);
                PopulationSums[] sums = cpu.step(plan);
                cl.step(plan);
                if (sampler == Sampler.TABLE) {
                    assertEquals(!tablesInGlobal, cl.tablesInLocal(), "where the tables were read at step " + step);
                }
                compared += compareCounts(cl, plan, sampler, seed, 0, N, step);
                for (Population alpha : Population.values()) {
                    cpu.readState(alpha, 0, u, N);
                    cl.readState(alpha, 0, v, N);
                    for (int j = 0; j < N; j++) {
                        double d = Math.abs(u[j] - v[j]);
                        maxState = Math.max(maxState, d);
                        if (!(d <= stateTolerance)) {
                            fail("step " + step + ", neuron " + alpha.label + j + ": Java " + u[j] + ", OpenCL " + v[j]);
                        }
                    }
                }
                obs = Observables.from(s, step + 1, (step + 1) * H, sums, plan.centre);
            }
            System.out.printf(Locale.ROOT, "OpenCL engine, %s: %d Poisson counts identical to Java; states within "
                    + "%.3g%n", sampler.key, compared, maxState);
        }
    }

    /**
     * Every count the device recorded for the last step against {@link PoissonStep#draw} at the same
     * addresses (neurons numbered from {@code base}); returns how many were compared.
     */
    static long compareCounts(OpenClEngine cl, StepPlan plan, Sampler sampler, long seed, long base, int n,
                              long step) {
        return compareCounts(cl, 0, plan, sampler, seed, base, n, step);
    }

    /** {@link #compareCounts(OpenClEngine, StepPlan, Sampler, long, long, int, long)} of replica r of a batch. */
    static long compareCounts(OpenClEngine cl, int replica, StepPlan plan, Sampler sampler, long seed, long base,
                              int n, long step) {
        PoissonStep laws = PoissonStep.prepare(sampler, plan.lambda);
        CounterRng rng = new CounterRng(seed);
        CounterRng second = new CounterRng(seed);
        long[] expected = new long[2];
        long compared = 0;
        for (Population alpha : Population.values()) {
            int a = alpha.index();
            long[] counts = cl.readCounts(replica, alpha, 0, n);
            for (int j = 0; j < n; j++) {
                laws.draw(rng, second, plan.step, base + j, a, expected);
                for (int beta = 0; beta < 2; beta++) {
                    if (counts[2 * j + beta] != expected[beta]) {
                        fail(String.format(Locale.ROOT, "step %d, N_%s%s of neuron %d (index %d, lambda %s, %s): "
                                        + "Java %d, OpenCL %d", step, alpha.label, beta == 0 ? "e" : "i", j, base + j,
                                plan.lambda[a][beta], sampler.key, expected[beta], counts[2 * j + beta]));
                    }
                    compared++;
                }
            }
        }
        return compared;
    }

    /**
     * The tables of large networks, at small n: λ_αβ set directly to 1e6 .. 1e7 (what n near 1e9 gives;
     * tables of 12,000 to 40,000 cells), every count as Java draws it, with the tables read from local
     * memory where they fit and from global memory. Over 4e5 draws at an escape probability of 4.5e-10
     * no draw escapes; escapes are compared in the twin test, which forces them.
     */
    @ParameterizedTest(name = "tables in global memory: {0}")
    @ValueSource(booleans = {false, true})
    void countsMatchJavaAtLambdaUpToTenMillion(boolean tablesInGlobal) {
        int n = 50_000;
        Scenario s = mv61(n);
        long seed = 99;
        try (OpenClEngine cl = openCl(s, Precision.FP64, seed, Sampler.TABLE,
                new OpenClEngine.Options(0, true, 0, 0, tablesInGlobal))) {
            PopulationSums[] sums = cl.initialize(MV61_MEAN, UNIT_VARIANCE);
            StepPlan plan = new StepPlan();
            new CommonMode(s, Scheme.SEMI_IMPLICIT, H).plan(Observables.from(s, 0, 0, sums, MV61_MEAN), 0, plan);
            double[][][] lambdas = {{{1e6, 2.5e6}, {1e6, 1.5e6}}, {{4e6, 1e7}, {2e6, 9.99e6}}};
            for (int k = 0; k < lambdas.length; k++) {
                plan.step = 7 + k;
                plan.lambda[0] = lambdas[k][0].clone();
                plan.lambda[1] = lambdas[k][1].clone();
                cl.step(plan);
                compareCounts(cl, plan, Sampler.TABLE, seed, 0, n, plan.step);
                System.out.printf(Locale.ROOT, "OpenCL engine: counts identical to Java at lambda %s, tables in %s "
                        + "memory%n", Arrays.deepToString(plan.lambda), cl.tablesInLocal() ? "local" : "global");
            }
        }
    }

    /**
     * Independent runs, each with its own host arithmetic: v-hat and K-hat agree to 1e-12 relative in
     * fp64 at every one of 100 steps; in fp32 to its unit roundoff (a state within an ulp of a rounding
     * boundary may round the other way, as the two plans differ in the last bits).
     */
    @ParameterizedTest
    @EnumSource(Precision.class)
    void meansAndVariancesAgreeOverHundredSteps(Precision p) {
        Scenario s = mv61(N);
        double tolerance = p == Precision.FP64 ? 1e-12 : 1e-7;
        double[][] cpu = trajectory(new CpuEngine(s, p, 77, 2), s, 100);
        double[][] cl = trajectory(openCl(s, p, 77), s, 100);
        double worst = 0;
        for (int k = 0; k <= 100; k++) {
            // Columns 1..4: v_e, v_i, K_e, K_i.
            for (int c = 1; c <= 4; c++) {
                double rel = Math.abs(cl[k][c] - cpu[k][c]) / Math.abs(cpu[k][c]);
                worst = Math.max(worst, rel);
                assertTrue(rel <= tolerance, String.format(Locale.ROOT, "%s, step %d, %s: Java %s, OpenCL %s (%.3g)",
                        p, k, TrajectoryRow.COLUMNS.get(c), cpu[k][c], cl[k][c], rel));
            }
        }
        // The run must have moved: v_e leaves the limit's balanced point by the finite-n offset.
        assertTrue(Math.abs(cpu[100][1] - MV61_MEAN[0]) > 0.5, "v_e at t = 1: " + cpu[100][1]);
        System.out.printf(Locale.ROOT, "OpenCL engine, %s: v-hat and K-hat within %.3g of Java over 100 steps%n", p,
                worst);
    }

    @Test
    void sameSeedSameBitsOtherSeedOtherRun() {
        Scenario s = mv61(20_000);
        double[][] a = trajectory(openCl(s, Precision.FP64, 5), s, 20);
        double[][] b = trajectory(openCl(s, Precision.FP64, 5), s, 20);
        double[][] c = trajectory(openCl(s, Precision.FP64, 6), s, 20);
        for (int k = 0; k <= 20; k++) {
            assertArrayEquals(a[k], b[k], "step " + k);
        }
        assertNotEquals(a[20][1], c[20][1]);
    }

    /** A state forced over several buffers runs the same kernels on the same groups: the same bits. */
    @Test
    void stateSplitOverBuffersGivesTheSameBits() {
        Scenario s = mv61(N);
        long threeTiles = 3L * CpuEngine.CHUNK * Double.BYTES;
        OpenClEngine split = openCl(s, Precision.FP64, 9, new OpenClEngine.Options(threeTiles, false, 0, 0, false));
        assertEquals(CpuEngine.CHUNK, split.layout().tile());
        assertEquals(9, split.layout().segments(), split.device());
        OpenClEngine whole = openCl(s, Precision.FP64, 9);
        assertEquals(1, whole.layout().segments());
        double[] u = new double[N];
        double[] v = new double[N];
        try (Simulation a = new Simulation(s, split, Scheme.SEMI_IMPLICIT, H, MV61_MEAN);
             Simulation b = new Simulation(s, whole, Scheme.SEMI_IMPLICIT, H, MV61_MEAN)) {
            for (int k = 0; k < 10; k++) {
                assertArrayEquals(new TrajectoryRow(0, b.step()).values(), new TrajectoryRow(0, a.step()).values(), "step " + k);
            }
            for (Population p : Population.values()) {
                split.readState(p, 0, u, N);
                whole.readState(p, 0, v, N);
                assertArrayEquals(v, u);
                // A read across a buffer boundary (12288) lands in the right places.
                double[] across = new double[100];
                split.readState(p, 3 * CpuEngine.CHUNK - 50, across, 100);
                assertArrayEquals(Arrays.copyOfRange(v, 3 * CpuEngine.CHUNK - 50, 3 * CpuEngine.CHUNK + 50), across);
            }
            assertArrayEquals(whole.histogram(Population.I, -3, 1, 40), split.histogram(Population.I, -3, 1, 40),
                    "histogram of the split state, every bin");
        }
    }

    /**
     * Neuron indices beyond 2^32 (the RNG counter's high word, 64-bit arithmetic in the kernels): an
     * engine whose neurons are numbered from 2^32 - 3000 draws, neuron by neuron, what Java draws
     * at those indices; so does one numbered from 2^40.
     */
    @Test
    void neuronIndicesBeyondTwoToTheThirtyTwo() {
        int n = 6000;
        Scenario s = mv61(n);
        for (long base : new long[]{(1L << 32) - 3000, 1L << 40}) {
            try (OpenClEngine cl = openCl(s, Precision.FP64, 3, new OpenClEngine.Options(0, true, base, 0, false))) {
                PopulationSums[] sums = cl.initialize(MV61_MEAN, UNIT_VARIANCE);
                double[] u = new double[n];
                cl.readState(Population.I, 0, u, n);
                CounterRng rng = new CounterRng(3);
                for (int j = 0; j < n; j++) {
                    rng.seek(0, base + j, CounterRng.STREAM_INITIAL_I);
                    double expected = MV61_MEAN[1] + rng.nextNormal();
                    assertEquals(expected, u[j], 1e-14, "initial state of neuron i" + j + " at index " + (base + j));
                }
                StepPlan plan = new StepPlan();
                new CommonMode(s, Scheme.SEMI_IMPLICIT, H).plan(Observables.from(s, 0, 0, sums, MV61_MEAN), 0, plan);
                plan.step = 12345;
                cl.step(plan);
                compareCounts(cl, plan, Sampler.DEFAULT, 3, base, n, plan.step);
            }
        }
    }

    /** n = 1, one neuron more than a group, a partial last group: the same observables as Java. */
    @Test
    void partialGroupsAndTinyPopulationsMatchJava() {
        for (long n : new long[]{1, CpuEngine.CHUNK + 1, 3L * CpuEngine.CHUNK + 123}) {
            Scenario s = mv61(n);
            double[][] cpu = trajectory(new CpuEngine(s, Precision.FP64, 4, 1), s, 5);
            double[][] cl = trajectory(openCl(s, Precision.FP64, 4), s, 5);
            for (int k = 0; k <= 5; k++) {
                for (int c = 1; c < cpu[k].length; c++) {
                    double scale = Math.max(1e-300, Math.abs(cpu[k][c]));
                    assertTrue(Math.abs(cl[k][c] - cpu[k][c]) <= 1e-12 * scale || Math.abs(cl[k][c] - cpu[k][c]) < 1e-15,
                            "n = " + n + ", step " + k + ", " + TrajectoryRow.COLUMNS.get(c) + ": Java " + cpu[k][c]
                                    + ", OpenCL " + cl[k][c]);
                }
            }
        }
    }

    /**
     * The device histogram equals CpuEngine's for the same states, edges, infinities and NaN included,
     * also when local memory holds only 3 bins per pass.
     */
    @ParameterizedTest
    @EnumSource(Precision.class)
    void histogramEqualsJavasOnTheSameStates(Precision p) {
        int n = 30_000;
        Scenario s = mv61(n);
        double[] u = new double[n];
        CounterRng rng = new CounterRng(11);
        for (int j = 0; j < n; j++) {
            rng.seek(0, j, 7);
            u[j] = -5 + 2 * rng.nextNormal();
        }
        double lo = -8;
        double hi = -2;
        double[] special = {lo, hi, Math.nextDown(hi), Math.nextUp(lo), Double.NaN, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY, -5.0, -5.6, 1e300};
        System.arraycopy(special, 0, u, 100, special.length);
        try (CpuEngine cpu = new CpuEngine(s, p, 1, 1);
             OpenClEngine cl = openCl(s, p, 1);
             OpenClEngine narrow = openCl(s, p, 1, new OpenClEngine.Options(0, false, 0, 3, false))) {
            for (Engine e : new Engine[]{cpu, cl, narrow}) {
                e.writeState(Population.E, 0, u, n);
            }
            for (int bins : new int[]{1, 10, 37}) {
                long[] expected = cpu.histogram(Population.E, lo, hi, bins);
                assertEquals(n, Arrays.stream(expected).sum());
                assertArrayEquals(expected, cl.histogram(Population.E, lo, hi, bins), bins + " bins");
                assertArrayEquals(expected, narrow.histogram(Population.E, lo, hi, bins), bins + " bins, 3 per pass");
            }
        }
    }

    /** Written states read back as written; fp32 rounds as Java's (float) does. */
    @ParameterizedTest
    @EnumSource(Precision.class)
    void statesReadBackAsWritten(Precision p) {
        int n = 5000;
        try (OpenClEngine cl = openCl(mv61(n), p, 1)) {
            double[] u = new double[n];
            for (int j = 0; j < n; j++) {
                u[j] = Math.PI * (j - 2500) / 7.0;
            }
            cl.writeState(Population.I, 0, u, n);
            double[] back = new double[n - 10];
            cl.readState(Population.I, 10, back, n - 10);
            for (int j = 10; j < n; j++) {
                double expected = p == Precision.FP64 ? u[j] : (float) u[j];
                assertEquals(expected, back[j - 10], 0.0, "neuron " + j);
            }
            assertThrows(IndexOutOfBoundsException.class, () -> cl.readState(Population.E, n - 1, back, 2));
        }
    }

    /** A state beyond the device memory is refused before any allocation, with the numbers. */
    @Test
    void tooLargeIsRefusedWithTheNumbers() {
        long n = device.globalMemory();  // 16 n bytes in fp64: sixteen times the device memory
        BadInputException e = assertThrows(BadInputException.class, () -> openCl(mv61(n), Precision.FP64, 1));
        assertEquals(InputError.TOO_LARGE, e.kind());
        assertTrue(e.getMessage().contains("fp32 would need"), e.getMessage());
        assertTrue(e.getMessage().contains(device.label()), e.getMessage());
        BadInputException f = assertThrows(BadInputException.class, () -> openCl(mv61(n), Precision.FP32, 1));
        assertEquals(InputError.TOO_LARGE, f.kind());
    }

    @Test
    void failedBuildReportsDeviceOptionsAndLog() {
        cl_context_properties properties = new cl_context_properties();
        properties.addProperty(CL.CL_CONTEXT_PLATFORM, device.platformId());
        cl_context context = CL.clCreateContext(properties, 1, new cl_device_id[]{device.deviceId()}, null, null, null);
        try {
            OpenClFailure e = assertThrows(OpenClFailure.class, () -> KernelProgram.build(context, device.deviceId(),
                    device.label(), new String[]{"__kernel void broken(__global int *x) { x[0] = undeclared_name; }"},
                    "-DBALNET_TEST_OPTION=1"));
            assertTrue(e.getMessage().contains(device.label()), e.getMessage());
            assertTrue(e.getMessage().contains("-DBALNET_TEST_OPTION=1"), e.getMessage());
            assertTrue(e.getMessage().contains("undeclared_name"), "the build log should name the error: " + e.getMessage());
        } finally {
            CL.clReleaseContext(context);
        }
    }

    /**
     * The production kernel's counts follow Poisson(lambda): one step with chosen lambdas, each count
     * n = 1e5 times, through {@link PoissonLaw} (chi-square over about 30 equiprobable bins, the mean
     * exactly, the dispersion by z), each check at 1e-3 / 12 (Bonferroni over four lambdas and three
     * checks). Power (0.8): a relative error of the mean of 0.015 / sqrt(lambda) (1.8% at 0.7, 0.04% at
     * 1234.5), of the variance of 2.2% for lambda &ge; 10 (2.8% at 0.7). Zero weights keep the states
     * where they were.
     */
    @Test
    void countsFromTheStepKernelFollowPoisson() {
        Scenario s = mv61(N);
        double[][] lambdas = {{0.7, 3.7}, {25.0, 1234.5}};
        double alphaEach = 1e-3 / 12;
        try (OpenClEngine cl = openCl(s, Precision.FP64, 42, new OpenClEngine.Options(0, true, 0, 0, false))) {
            cl.initialize(MV61_MEAN, UNIT_VARIANCE);
            StepPlan plan = new StepPlan();
            plan.step = 3;
            for (int a = 0; a < 2; a++) {
                plan.decay[a] = 1;
                plan.halfDecay[a] = 1;
                plan.centre[a] = MV61_MEAN[a];
                for (int b = 0; b < 2; b++) {
                    plan.lambda[a][b] = lambdas[a][b];
                }
            }
            cl.step(plan);
            for (Population alpha : Population.values()) {
                long[] counts = cl.readCounts(alpha, 0, N);
                for (int beta = 0; beta < 2; beta++) {
                    double lambda = lambdas[alpha.index()][beta];
                    long[] observed = new long[N];
                    for (int j = 0; j < N; j++) {
                        observed[j] = counts[2 * j + beta];
                    }
                    PoissonLaw.assertAll(PoissonLaw.checks(lambda, observed), lambda, N, alphaEach,
                            "N_" + alpha.label + (beta == 0 ? "e" : "i") + " from the step kernel");
                }
            }
        }
    }
}
