package org.balnet.sim.opencl;

import org.balnet.io.Sizes;
import org.balnet.model.InputError;
import org.balnet.sim.Precision;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How one network is split over several OpenCL devices ({@link MultiDeviceEngine}). Pure arithmetic,
 * so that an 8-GPU node is planned and checked without one.
 *
 * <p>The whole network is laid out as on one device ({@link StateLayout#plan} with the smallest
 * largest-allocation of the devices): work-groups of {@link StateLayout#tile} neurons, groups 0 .. G-1
 * of each population. Each device takes a contiguous run of whole groups, the same run in both
 * populations, as even as whole groups allow (device d: groups [d G / D, (d + 1) G / D)). A slice's
 * groups are therefore the one-device run's groups, neuron for neuron, and its neurons keep their
 * global index in the random numbers; with the same work-group size on devices that compute alike
 * (the same model and driver) the partial sums are the same bits, and the host adds them in the same
 * order (all groups of e, then of i, in group order). That is why the split is at work-group
 * boundaries: the trajectory is then byte-identical to one device's for any number of devices. A device whose run would be empty (n below D tiles) is left out.
 *
 * <p>Memory is checked for every device, with {@link OpenClEngine#bytesNeeded}, before any allocates.
 *
 * @param whole  the layout of the whole network on one device
 * @param slices one per device that holds neurons, in device order
 * @param unused the devices asked for that get no neurons (n too small to give each a work-group)
 */
public record DeviceSplit(StateLayout whole, List<Slice> slices, List<DeviceInfo> unused) {

    /**
     * One device's share.
     *
     * @param device  the device
     * @param first   its first neuron (of each population), a multiple of the tile
     * @param count   its neurons per population
     * @param groups  its work-groups per population
     * @param bytes   device memory it needs
     * @param allowed device memory the host profile lets it take
     */
    public record Slice(DeviceInfo device, long first, long count, long groups, long bytes, long allowed) {
        /** "[1] pthread-… (…): neurons 5001216 .. 9999999 (4998784), 1221 groups, 76.3 MiB of 1.2 GiB allowed". */
        public String describe() {
            return String.format(Locale.ROOT, "%s: neurons %d .. %d (%d per population), %d work-groups, %s of "
                    + "%s allowed", device.label(), first, first + count - 1, count, groups, Sizes.bytes(bytes),
                    Sizes.bytes(allowed));
        }
    }

    /**
     * @param n         neurons per population
     * @param precision state precision
     * @param profile   groups per population, memory share
     * @param devices   the devices, in the order their slices take the neurons; at least one
     * @throws org.balnet.model.BadInputException (TOO_LARGE) when a device cannot hold its slice, naming it
     *                                            with the numbers
     */
    public static DeviceSplit plan(long n, Precision precision, HostProfile profile, List<DeviceInfo> devices) {
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("no devices to split over");
        }
        long maxAllocation = devices.stream().mapToLong(DeviceInfo::maxAllocation).min().orElseThrow();
        StateLayout whole = StateLayout.plan(n, precision, profile.groupsPerPopulation(), maxAllocation);
        long groups = whole.groupsPerPopulation();
        int d = devices.size();
        List<Slice> slices = new ArrayList<>();
        List<DeviceInfo> unused = new ArrayList<>();
        for (int k = 0; k < d; k++) {
            long from = k * groups / d;
            long to = (k + 1) * groups / d;
            DeviceInfo device = devices.get(k);
            if (to == from) {
                unused.add(device);
                continue;
            }
            long first = from * whole.tile();
            long count = Math.min(n, to * whole.tile()) - first;
            long bytes = OpenClEngine.bytesNeeded(count, to - from, precision, false);
            long allowed = (long) (profile.memoryFraction() * device.globalMemory());
            slices.add(new Slice(device, first, count, to - from, bytes, allowed));
        }
        DeviceSplit split = new DeviceSplit(whole, List.copyOf(slices), List.copyOf(unused));
        split.checkMemory(precision, profile, devices);
        return split;
    }

    /** Refuses, naming the first device that cannot hold its slice, before anything is allocated. */
    private void checkMemory(Precision precision, HostProfile profile, List<DeviceInfo> devices) {
        for (Slice s : slices) {
            if (s.bytes() > s.allowed()) {
                String alt = "";
                if (precision == Precision.FP64) {
                    long fp32 = OpenClEngine.bytesNeeded(s.count(), s.groups(), Precision.FP32, false);
                    alt = String.format(Locale.ROOT, "; fp32 would need %s%s", Sizes.bytes(fp32),
                            fp32 <= s.allowed() ? " (fits: --precision fp32)" : "");
                }
                throw InputError.TOO_LARGE.exception("--n", String.format(Locale.ROOT,
                        "n = %d per population split over %d devices gives %s neurons %d .. %d, which need %s of "
                                + "device memory for the %s state, but host profile %s allows %s (%.0f%% of its "
                                + "%s)%s; lower --n, or add devices (--device)",
                        whole.n(), devices.size(), s.device().label(), s.first(), s.first() + s.count() - 1,
                        Sizes.bytes(s.bytes()), precision.key, profile.name(), Sizes.bytes(s.allowed()),
                        100 * profile.memoryFraction(), Sizes.bytes(s.device().globalMemory()), alt));
            }
        }
    }

    /** The split in words, one line per device, for {@code balnet devices} and the engine's description. */
    public String describe() {
        String lines = slices.stream().map(s -> "  " + s.describe()).collect(Collectors.joining("\n"));
        String left = unused.isEmpty() ? "" : "\n  not used (n fills fewer work-groups than devices): "
                + unused.stream().map(DeviceInfo::label).collect(Collectors.joining(", "));
        return String.format(Locale.ROOT, "n = %d per population in %d work-groups of %d neurons over %d "
                + "device(s):%n%s%s", whole.n(), whole.groupsPerPopulation(), whole.tile(), slices.size(), lines, left);
    }
}
