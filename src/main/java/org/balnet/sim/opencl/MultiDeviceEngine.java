package org.balnet.sim.opencl;

import org.balnet.model.InputError;
import org.balnet.model.Population;
import org.balnet.model.Scenario;
import org.balnet.rng.PoissonStep;
import org.balnet.rng.Sampler;
import org.balnet.sim.Engine;
import org.balnet.sim.PopulationSums;
import org.balnet.sim.Precision;
import org.balnet.sim.StepPlan;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One network over several OpenCL devices: one {@link OpenClEngine} per device, each holding a
 * contiguous slice of both populations as {@link DeviceSplit} plans it (whole work-groups of the
 * one-device layout, the neurons' global indices in the random numbers). A step builds the Poisson
 * laws once on the host, starts every slice, then reads their partial sums and adds them group after
 * group in the one-device order, so the sums, and with them the trajectory, are the same bits as on one
 * device with the same work-group size, for any number of devices that compute alike (the same model
 * and driver: each slice uses its device's log, cos and erf, which may differ by an ulp between
 * kinds of device). All slices run the same work-group size, the smallest any of the devices can take.
 *
 * <p>States are read and written slice by slice (checkpoints, monitors), and histograms add the
 * slices' counts.
 *
 * <p>Not thread-safe: one thread drives an engine and all its devices (each has its own context and
 * queue; a launch returns at once, so the devices step concurrently).
 */
public final class MultiDeviceEngine implements Engine {
    private final long n;
    private final Precision precision;
    private final Sampler sampler;
    private final DeviceSplit split;
    private final List<OpenClEngine> slices;
    private final int workGroupSize;
    private final String description;

    /**
     * @param devices distinct devices with fp64, in the order their slices take the neurons
     * @throws org.balnet.model.BadInputException (TOO_LARGE) when a device cannot hold its slice, before any
     *                                            device allocates
     * @throws OpenClFailure                       when a device fails to build or allocate
     */
    public MultiDeviceEngine(Scenario scenario, Precision precision, long seed, Sampler sampler,
                             List<DeviceInfo> devices, HostProfile profile) {
        for (DeviceInfo d : devices) {
            if (!d.fp64()) {
                throw InputError.CONFLICT.exception("--device", d.label()
                        + " has no fp64 (cl_khr_fp64); the Poisson sampler's arithmetic is double: choose other devices");
            }
        }
        this.n = scenario.n();
        this.precision = precision;
        this.sampler = sampler;
        this.split = DeviceSplit.plan(n, precision, profile, devices);
        int wg = split.slices().stream().mapToInt(s -> OpenClEngine.requestedWorkGroupSize(profile, s.device()))
                .min().orElseThrow();
        List<OpenClEngine> built = open(scenario, seed, profile, wg);
        // A device whose compiled kernels cannot run groups that large took a smaller size; all slices
        // must reduce alike, so they are built again at the smallest.
        int common = built.stream().mapToInt(OpenClEngine::workGroupSize).min().orElseThrow();
        if (built.stream().anyMatch(e -> e.workGroupSize() != common)) {
            closeAll(built);
            built = open(scenario, seed, profile, common);
        }
        this.slices = List.copyOf(built);
        this.workGroupSize = common;
        this.description = String.format(Locale.ROOT, "%d devices, work-group %d, %d neurons per work-group, host "
                        + "profile %s: %s", slices.size(), common, split.whole().tile(), profile.name(),
                split.slices().stream().map(s -> s.device().label() + " neurons " + s.first() + ".."
                        + (s.first() + s.count() - 1)).collect(Collectors.joining("; ")));
    }

    private List<OpenClEngine> open(Scenario scenario, long seed, HostProfile profile, int wg) {
        List<OpenClEngine> out = new ArrayList<>();
        try {
            for (DeviceSplit.Slice s : split.slices()) {
                out.add(new OpenClEngine(scenario.withN(s.count()), precision, seed, sampler, s.device(), profile,
                        OpenClEngine.Options.slice(s.first(), split.whole().tile(), wg)));
            }
        } catch (RuntimeException e) {
            closeAll(out);
            throw e;
        }
        return out;
    }

    /** How the network is split, one line per device. */
    public DeviceSplit split() {
        return split;
    }

    /** Work-items per group, the same on every device. */
    public int workGroupSize() {
        return workGroupSize;
    }

    @Override
    public String backend() {
        return "opencl";
    }

    @Override
    public String device() {
        return description;
    }

    @Override
    public Precision precision() {
        return precision;
    }

    @Override
    public Sampler sampler() {
        return sampler;
    }

    @Override
    public long n() {
        return n;
    }

    @Override
    public PopulationSums[] initialize(double[] mean, double[] variance) {
        for (OpenClEngine s : slices) {
            s.launchInitialize(mean, variance);
        }
        return collect();
    }

    @Override
    public PopulationSums[] step(StepPlan plan) {
        OpenClEngine.checkStep(plan);
        PoissonStep laws = PoissonStep.prepare(sampler, plan.lambda);
        for (OpenClEngine s : slices) {
            s.launchStep(plan, laws);
        }
        return collect();
    }

    /**
     * Waits for every slice, then adds the groups' partial sums population by population, slice after
     * slice: the one-device engine's sequence of additions, group for group.
     */
    private PopulationSums[] collect() {
        for (OpenClEngine s : slices) {
            s.readPartials();
        }
        PopulationSums[] out = {new PopulationSums(), new PopulationSums()};
        for (int p = 0; p < 2; p++) {
            for (OpenClEngine s : slices) {
                s.addPartials(out[p], p);
            }
        }
        return out;
    }

    @Override
    public void readState(Population population, long from, double[] dst, int length) {
        transfer(population, from, dst, length, false);
    }

    @Override
    public void writeState(Population population, long from, double[] src, int length) {
        transfer(population, from, src, length, true);
    }

    /** Reads or writes neurons [from, from + length) slice by slice, each through its slice's engine. */
    private void transfer(Population population, long from, double[] host, int length, boolean write) {
        if (from < 0 || length < 0 || from + length > n) {
            throw new IndexOutOfBoundsException("neurons [" + from + ", " + (from + length) + ") of " + n);
        }
        int done = 0;
        for (int k = 0; k < slices.size() && done < length; k++) {
            DeviceSplit.Slice s = split.slices().get(k);
            long j = from + done;
            if (j >= s.first() + s.count()) {
                continue;
            }
            int count = (int) Math.min(length - done, s.first() + s.count() - j);
            double[] part = done == 0 && count == length ? host : new double[count];
            if (write) {
                if (part != host) {
                    System.arraycopy(host, done, part, 0, count);
                }
                slices.get(k).writeState(population, j - s.first(), part, count);
            } else {
                slices.get(k).readState(population, j - s.first(), part, count);
                if (part != host) {
                    System.arraycopy(part, 0, host, done, count);
                }
            }
            done += count;
        }
    }

    @Override
    public long[] histogram(Population population, double lo, double hi, int bins) {
        long[] total = new long[bins + 2];
        for (OpenClEngine s : slices) {
            long[] counts = s.histogram(population, lo, hi, bins);
            for (int b = 0; b < total.length; b++) {
                total[b] += counts[b];
            }
        }
        return total;
    }

    @Override
    public void close() {
        closeAll(slices);
    }

    private static void closeAll(List<OpenClEngine> engines) {
        RuntimeException first = null;
        for (OpenClEngine e : engines) {
            try {
                e.close();
            } catch (RuntimeException x) {
                if (first == null) {
                    first = x;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
