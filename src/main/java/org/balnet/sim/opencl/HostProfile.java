package org.balnet.sim.opencl;

import org.balnet.model.InputError;
import org.balnet.model.ScenarioLoader;
import org.balnet.sim.Precision;
import org.balnet.sim.cpu.CpuEngine;
import org.tomlj.Toml;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlTable;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What balnet should use on one kind of machine: which OpenCL platform and device, the default
 * state precision, the work-group size, how many work-groups per population, and how much of the
 * device's memory a run may take. Loaded from {@code hosts/NAME.toml} (built into the jar under
 * {@code /hosts/}) or from a file; every key is checked and unknown keys are refused, like scenario
 * files. Immutable.
 *
 * @param name                 profile name
 * @param description          in words
 * @param source               where it was loaded from, for messages
 * @param platform             case-insensitive substring of the platform name; empty matches any
 * @param device               case-insensitive substring of the device name; empty matches any
 * @param type                 device type wanted
 * @param precision            state precision when {@code --precision} is not given
 * @param workGroupSize        work-items per group, a power of two up to {@link CpuEngine#CHUNK}; 0 for
 *                             the device's limit capped at {@link #DEFAULT_WORK_GROUP_SIZE}
 * @param groupsPerPopulation  target number of work-groups per population; each covers a multiple of
 *                             {@link CpuEngine#CHUNK} neurons, so fewer groups are used for small n
 * @param memoryFraction       share of the device's global memory the run may allocate, in (0, 1]
 * @param devices              which devices a run takes when neither {@code --device} nor
 *                             {@value OpenClDevices#DEVICE_VARIABLE} says: "" for one (the first that
 *                             matches), {@value OpenClDevices#ALL} for every matching device, or a list
 *                             such as {@code "0,1"}; several split one network ({@link MultiDeviceEngine})
 */
public record HostProfile(String name, String description, String source, String platform, String device,
                          DeviceType type, Precision precision, int workGroupSize, int groupsPerPopulation,
                          double memoryFraction, String devices) {
    /** Built-in profiles, loadable by name from the jar. */
    public static final List<String> BUILT_IN = List.of("auto", "pocl-cpu", "nvidia-h200", "nvidia-h200x8");
    /** The profile used when {@code --host} is not given. */
    public static final String DEFAULT = "auto";
    /** Work-group size when the profile says 0: a common good size on GPUs, within every device's limit we know. */
    public static final int DEFAULT_WORK_GROUP_SIZE = 256;
    /** Upper bound of groups_per_population: the host adds 12 doubles per pair of groups every step. */
    public static final int MAX_GROUPS_PER_POPULATION = 1 << 20;

    private static final String RESOURCE_PREFIX = "/hosts/";
    private static final Set<String> TOP_KEYS = ordered("name", "description", "device", "run");
    private static final Set<String> DEVICE_KEYS = ordered("platform", "name", "type", "use");
    private static final Set<String> RUN_KEYS = ordered("precision", "work_group_size", "groups_per_population",
            "memory_fraction");

    /** OpenCL device types, as a profile asks for them and as {@link DeviceInfo#type()} reports them. */
    public enum DeviceType {
        ANY("any"), GPU("gpu"), CPU("cpu"), ACCELERATOR("accelerator"),
        /** Custom devices (CL_DEVICE_TYPE_CUSTOM): only {@code any} or {@code other} selects them. */
        OTHER("other");

        public final String key;

        DeviceType(String key) {
            this.key = key;
        }

        static DeviceType fromKey(String key, String where) {
            for (DeviceType t : values()) {
                if (t.key.equals(key)) {
                    return t;
                }
            }
            throw InputError.UNKNOWN_CHOICE.exception(where, where, key, "gpu, cpu, accelerator, other, any");
        }
    }

    /** Whether a device satisfies the profile's platform, name and type. */
    public boolean matches(DeviceInfo d) {
        return contains(d.platform(), platform) && contains(d.name(), device)
                && (type == DeviceType.ANY || d.type() == type);
    }

    private static boolean contains(String haystack, String needle) {
        return haystack.toLowerCase(Locale.ROOT).contains(needle.toLowerCase(Locale.ROOT));
    }

    /** The device conditions in words, for messages: {@code platform ~ "NVIDIA", device ~ "H200", type gpu}. */
    public String conditions() {
        return String.format(Locale.ROOT, "platform ~ \"%s\", device ~ \"%s\", type %s", platform, device, type.key);
    }

    /**
     * Loads a profile: a file when {@code spec} is an existing path, else a built-in profile of that
     * name.
     *
     * @throws org.balnet.model.BadInputException naming {@code --host} or the key, for an unknown
     *                                            name, an unreadable file, or a bad value
     */
    public static HostProfile load(String spec) {
        Path p = Path.of(spec);
        if (!Files.exists(p)) {
            String resource = RESOURCE_PREFIX + spec + (spec.endsWith(".toml") ? "" : ".toml");
            try (InputStream in = HostProfile.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw InputError.UNKNOWN_CHOICE.exception("--host", "--host", spec,
                            String.join(", ", BUILT_IN) + " (or a profile file)");
                }
                return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), spec, spec);
            } catch (IOException e) {
                throw InputError.UNREADABLE.exception("--host", spec, e.getMessage());
            }
        }
        try {
            if (Files.isDirectory(p)) {
                throw InputError.UNREADABLE.exception("--host", p, "it is a directory");
            }
            String base = p.getFileName().toString().replaceFirst("\\.toml$", "");
            return parse(Files.readString(p, StandardCharsets.UTF_8), p.toString(), base);
        } catch (NoSuchFileException e) {
            throw InputError.UNREADABLE.exception("--host", p, "no such file");
        } catch (IOException e) {
            throw InputError.UNREADABLE.exception("--host", p, e.getMessage());
        }
    }

    /** The default profile, {@value #DEFAULT}. */
    public static HostProfile defaults() {
        return load(DEFAULT);
    }

    /**
     * Parses profile text. Keys are reported as {@code host.run.work_group_size} etc.
     *
     * @param source      where the text came from, for messages
     * @param defaultName the name when the text has no {@code name} key
     */
    public static HostProfile parse(String text, String source, String defaultName) {
        TomlParseResult toml = Toml.parse(text);
        if (toml.hasErrors()) {
            String errors = toml.errors().stream().limit(3).map(TomlParseError::toString)
                    .collect(Collectors.joining("; "));
            throw InputError.SYNTAX.exception("--host", source, errors);
        }
        ScenarioLoader.checkKeys(toml, "host.", TOP_KEYS);
        String name = toml.contains("name") ? string(toml, "host.", "name") : defaultName;
        String description = toml.contains("description") ? string(toml, "host.", "description") : "";

        String platform = "";
        String device = "";
        DeviceType type = DeviceType.ANY;
        String use = "";
        TomlTable d = optionalTable(toml, "device");
        if (d != null) {
            ScenarioLoader.checkKeys(d, "host.device.", DEVICE_KEYS);
            platform = d.contains("platform") ? string(d, "host.device.", "platform") : "";
            device = d.contains("name") ? string(d, "host.device.", "name") : "";
            if (d.contains("type")) {
                type = DeviceType.fromKey(string(d, "host.device.", "type"), "host.device.type");
            }
            use = d.contains("use") ? string(d, "host.device.", "use").trim() : "";
        }

        Precision precision = Precision.FP64;
        int workGroupSize = 0;
        int groups = 4096;
        double fraction = 0.9;
        TomlTable r = optionalTable(toml, "run");
        if (r != null) {
            ScenarioLoader.checkKeys(r, "host.run.", RUN_KEYS);
            if (r.contains("precision")) {
                precision = Precision.fromKey(string(r, "host.run.", "precision"), "host.run.precision");
            }
            if (r.contains("work_group_size")) {
                long w = integer(r, "host.run.", "work_group_size");
                if (w != 0 && (w < 1 || w > CpuEngine.CHUNK || Long.bitCount(w) != 1)) {
                    throw InputError.outOfRange("host.run.work_group_size", w,
                            "0 (the device's choice) or a power of two from 1 to " + CpuEngine.CHUNK);
                }
                workGroupSize = (int) w;
            }
            if (r.contains("groups_per_population")) {
                long g = integer(r, "host.run.", "groups_per_population");
                if (g < 1 || g > MAX_GROUPS_PER_POPULATION) {
                    throw InputError.outOfRange("host.run.groups_per_population", g,
                            "an integer in [1, " + MAX_GROUPS_PER_POPULATION + "]");
                }
                groups = (int) g;
            }
            if (r.contains("memory_fraction")) {
                Object v = r.get("memory_fraction");
                if (!(v instanceof Double) && !(v instanceof Long)) {
                    throw InputError.WRONG_TYPE.exception("host.run.memory_fraction", "host.run.memory_fraction",
                            v, "a number in (0, 1]");
                }
                fraction = ((Number) v).doubleValue();
                if (!(fraction > 0 && fraction <= 1)) {
                    throw InputError.outOfRange("host.run.memory_fraction", fraction, "in (0, 1]");
                }
            }
        }
        return new HostProfile(name, description, source, platform, device, type, precision, workGroupSize, groups,
                fraction, use);
    }

    private static TomlTable optionalTable(TomlTable parent, String key) {
        if (!parent.contains(key)) {
            return null;
        }
        Object o = parent.get(key);
        if (!(o instanceof TomlTable)) {
            throw InputError.WRONG_TYPE.exception("host." + key, "host." + key, o, "a section [" + key + "]");
        }
        return (TomlTable) o;
    }

    private static String string(TomlTable t, String prefix, String key) {
        Object v = t.get(key);
        if (!(v instanceof String)) {
            throw InputError.WRONG_TYPE.exception(prefix + key, prefix + key, v, "a string");
        }
        return (String) v;
    }

    private static long integer(TomlTable t, String prefix, String key) {
        Object v = t.get(key);
        if (!(v instanceof Long)) {
            throw InputError.WRONG_TYPE.exception(prefix + key, prefix + key, v, "an integer");
        }
        return (Long) v;
    }

    private static Set<String> ordered(String... keys) {
        return new LinkedHashSet<>(List.of(keys));
    }
}
