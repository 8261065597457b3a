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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What balnet should use on one kind of machine: which OpenCL platform and device, the default
 * state precision, the work-group size, how many work-groups per population, how much of the
 * device's memory a run may take, and what each task of a study asks Slurm for. Loaded from
 * {@code hosts/NAME.toml} (built into the jar under {@code /hosts/}) or from a file; every key is checked
 * and unknown keys are refused, like scenario files. Immutable.
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
 * @param slurm                what each task of a study asks Slurm for ({@code validate --plan slurm})
 * @param devices              which devices a run takes when neither {@code --device} nor
 *                             {@value OpenClDevices#DEVICE_VARIABLE} says: "" for one (the first that
 *                             matches), {@value OpenClDevices#ALL} for every matching device, or a list
 *                             such as {@code "0,1"}; several split one network ({@link MultiDeviceEngine})
 */
public record HostProfile(String name, String description, String source, String platform, String device,
                          DeviceType type, Precision precision, int workGroupSize, int groupsPerPopulation,
                          double memoryFraction, Slurm slurm, String devices) {
    /** Built-in profiles, loadable by name from the jar. */
    public static final List<String> BUILT_IN = List.of("auto", "pocl-cpu", "nvidia-h200", "nvidia-h200x8");
    /** The profile used when {@code --host} is not given. */
    public static final String DEFAULT = "auto";
    /** Work-group size when the profile says 0: a common good size on GPUs, within every device's limit we know. */
    public static final int DEFAULT_WORK_GROUP_SIZE = 256;
    /** Upper bound of groups_per_population: the host adds 12 doubles per pair of groups every step. */
    public static final int MAX_GROUPS_PER_POPULATION = 1 << 20;

    private static final String RESOURCE_PREFIX = "/hosts/";
    private static final Set<String> TOP_KEYS = ordered("name", "description", "device", "run", "slurm");
    private static final Set<String> DEVICE_KEYS = ordered("platform", "name", "type", "use");
    private static final Set<String> RUN_KEYS = ordered("precision", "work_group_size", "groups_per_population",
            "memory_fraction");
    private static final Set<String> SLURM_KEYS = ordered("gres", "partition", "time", "cpus_per_task", "mem");
    /** A GRES list as sbatch takes it: name[:type][:count], comma-separated (gpu:1, gpu:h200:1). */
    private static final Pattern GRES = Pattern.compile("[A-Za-z][\\w.-]*(:[\\w.-]+)*(,[A-Za-z][\\w.-]*(:[\\w.-]+)*)*");
    /** Partition names, comma-separated. */
    private static final Pattern PARTITION = Pattern.compile("[\\w.-]+(,[\\w.-]+)*");
    /** sbatch's memory syntax: an integer, optionally with a unit K, M, G or T (megabytes without one). */
    private static final Pattern MEMORY = Pattern.compile("[1-9][0-9]*[KMGT]?");
    /** sbatch's --time: minutes, M:S, H:M:S, D-H, D-H:M or D-H:M:S. */
    private static final Pattern TIME = Pattern.compile(
            "(?:(\\d+)-(\\d+)(?::(\\d+)(?::(\\d+))?)?)|(?:(\\d+)(?::(\\d+)(?::(\\d+))?)?)");

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

    /**
     * What one array task of a study asks Slurm for (the {@code [slurm]} section): written into
     * {@code study.sbatch} by {@code validate --plan slurm}; an empty string or 0 leaves the option out,
     * so that the cluster's default applies.
     *
     * @param gres        generic resources per task, e.g. {@code gpu:1} (one device per task); empty on a
     *                    host without GPUs, where Slurm refuses any {@code --gres} (docs/slurm.md)
     * @param partition   partition(s) to submit to
     * @param time        time limit per task in sbatch's syntax, e.g. {@code 1-00:00:00}; longer than
     *                    {@link #SIGNAL_LEAD_SECONDS}, so that the warning before it leaves time to run
     * @param cpusPerTask cores per task (the engine's threads when {@code --threads} is not given)
     * @param mem         memory per node, e.g. {@code 32G}
     */
    public record Slurm(String gres, String partition, String time, int cpusPerTask, String mem) {
        /** Seconds before the time limit at which Slurm warns a task with SIGTERM ({@code --signal=TERM@120}). */
        public static final int SIGNAL_LEAD_SECONDS = 120;
        /** Nothing asked for: the cluster's defaults, no GRES. */
        public static final Slurm NONE = new Slurm("", "", "", 0, "");

        /** Whether tasks ask for GRES (GPUs): only then does study.sbatch carry {@code --gres}. */
        public boolean hasGres() {
            return !gres.isEmpty();
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
                fraction, slurm(optionalTable(toml, "slurm")), use);
    }

    /** The [slurm] section, each value checked: it goes into a shell script, so nothing but its syntax passes. */
    private static Slurm slurm(TomlTable t) {
        if (t == null) {
            return Slurm.NONE;
        }
        String p = "host.slurm.";
        ScenarioLoader.checkKeys(t, p, SLURM_KEYS);
        String gres = t.contains("gres") ? matching(t, p, "gres", GRES,
                "a Slurm GRES list such as gpu:1 or gpu:h200:1, or \"\" for none") : "";
        String partition = t.contains("partition") ? matching(t, p, "partition", PARTITION,
                "partition names (letters, digits, _ . -), comma-separated") : "";
        String time = t.contains("time") ? matching(t, p, "time", TIME,
                "a time limit as sbatch takes it: minutes, M:S, H:M:S, D-H, D-H:M or D-H:M:S") : "";
        if (!time.isEmpty() && timeSeconds(time) <= Slurm.SIGNAL_LEAD_SECONDS) {
            throw InputError.outOfRange(p + "time", time, "longer than the " + Slurm.SIGNAL_LEAD_SECONDS
                    + " s before the limit at which a task is told to checkpoint (--signal=TERM@"
                    + Slurm.SIGNAL_LEAD_SECONDS + ")");
        }
        int cpus = 0;
        if (t.contains("cpus_per_task")) {
            long c = integer(t, p, "cpus_per_task");
            if (c < 0 || c > Integer.MAX_VALUE) {
                throw InputError.outOfRange(p + "cpus_per_task", c, "an integer >= 1, or 0 for the cluster's default");
            }
            cpus = (int) c;
        }
        String mem = t.contains("mem") ? matching(t, p, "mem", MEMORY,
                "sbatch's memory syntax: an integer with an optional unit K, M, G or T, e.g. 32G") : "";
        return new Slurm(gres, partition, time, cpus, mem);
    }

    /** A string key whose value, when not empty, matches {@code syntax} whole. */
    private static String matching(TomlTable t, String prefix, String key, Pattern syntax, String allowed) {
        String v = string(t, prefix, key);
        if (!v.isEmpty() && !syntax.matcher(v).matches()) {
            throw InputError.outOfRange(prefix + key, "'" + v + "'", allowed);
        }
        return v;
    }

    /** Seconds of a time limit in sbatch's syntax (one that {@link #TIME} matched). */
    static long timeSeconds(String time) {
        Matcher m = TIME.matcher(time);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a Slurm time: " + time);
        }
        if (m.group(1) != null) {
            // D-H[:M[:S]]
            return Long.parseLong(m.group(1)) * 86_400 + Long.parseLong(m.group(2)) * 3_600
                    + (m.group(3) != null ? Long.parseLong(m.group(3)) * 60 : 0)
                    + (m.group(4) != null ? Long.parseLong(m.group(4)) : 0);
        }
        long a = Long.parseLong(m.group(5));
        if (m.group(6) == null) {
            return a * 60;  // minutes
        }
        long b = Long.parseLong(m.group(6));
        if (m.group(7) == null) {
            return a * 60 + b;  // M:S
        }
        return a * 3_600 + b * 60 + Long.parseLong(m.group(7));  // H:M:S
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
