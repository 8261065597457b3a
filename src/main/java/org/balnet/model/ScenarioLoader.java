package org.balnet.model;

import org.tomlj.Toml;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlTable;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads a scenario file (TOML; README "Scenario files", docs/design.md section 9) into a
 * {@link Scenario}. Every value is checked; unknown keys are refused so that a typo is never silently
 * ignored; NaN and infinities are refused. All problems surface as {@link BadInputException} naming the
 * key.
 */
public final class ScenarioLoader {
    /** Built-in scenarios, loadable by name (e.g. {@code mv-6.1}) from the jar. */
    public static final String BUILTIN_PREFIX = "/scenarios/";

    private static final Set<String> TOP_KEYS = Set.of("name", "network", "coupling", "rates", "initial", "run");
    private static final Set<String> NETWORK_KEYS = ordered("n", "tau_e", "tau_i");
    private static final Set<String> PAIR_KEYS = ordered("ee", "ei", "ie", "ii");
    private static final Set<String> RATE_KEYS = ordered("family", "amplitude", "offset", "slope");
    private static final Set<String> INITIAL_KEYS = ordered("k_e", "k_i", "m_e", "m_i");
    private static final Set<String> RUN_KEYS = ordered("t_end", "dt", "record_every", "seed", "scheme");

    /** Largest n per population: the counter layout gives the neuron index 56 bits (2n < 2^56). */
    public static final long MAX_N = 1L << 54;

    private ScenarioLoader() {
    }

    /**
     * Loads a scenario from a file, or, when {@code spec} is not an existing path but names a
     * built-in scenario ({@code mv-6.1}, {@code mv-6.2}, ...), from the jar.
     */
    public static Scenario load(String spec) {
        Path p = Path.of(spec);
        if (!Files.exists(p)) {
            String res = BUILTIN_PREFIX + spec + (spec.endsWith(".toml") ? "" : ".toml");
            try (InputStream in = ScenarioLoader.class.getResourceAsStream(res)) {
                if (in != null) {
                    return parse(decode(in.readAllBytes(), spec), spec, spec);
                }
            } catch (IOException e) {
                throw InputError.UNREADABLE.exception("--scenario", spec, e.getMessage());
            }
        }
        return load(p);
    }

    public static Scenario load(Path file) {
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                throw InputError.UNREADABLE.exception("--scenario", file, "it is a directory");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw InputError.UNREADABLE.exception("--scenario", file, "no such file");
        } catch (IOException e) {
            throw InputError.UNREADABLE.exception("--scenario", file, e.getMessage());
        }
        String base = file.getFileName().toString().replaceFirst("\\.toml$", "");
        return parse(decode(bytes, file.toString()), file.toString(), base);
    }

    private static String decode(byte[] bytes, String source) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw InputError.SYNTAX.exception("--scenario", source, "not UTF-8 text");
        }
    }

    /**
     * Parses scenario text.
     *
     * @param text        TOML text
     * @param source      where it came from, for messages
     * @param defaultName name used when the file has no {@code name} key
     */
    public static Scenario parse(String text, String source, String defaultName) {
        if (text.indexOf('\0') >= 0) {
            throw InputError.SYNTAX.exception("--scenario", source, "binary data, not text");
        }
        TomlParseResult toml = Toml.parse(text);
        if (toml.hasErrors()) {
            String[] lines = text.split("\n", -1);
            String errors = toml.errors().stream().limit(3).map(e -> withLine(e, lines))
                    .collect(Collectors.joining("; "));
            throw InputError.SYNTAX.exception("--scenario", source, errors);
        }
        checkKeys(toml, "", TOP_KEYS);

        String name = defaultName;
        if (toml.contains("name")) {
            Object v = toml.get("name");
            if (!(v instanceof String) || ((String) v).isBlank()) {
                throw InputError.WRONG_TYPE.exception("name", "name", show(v), "a non-empty string");
            }
            name = (String) v;
        }

        TomlTable network = table(toml, "network");
        checkKeys(network, "network.", NETWORK_KEYS);
        long n = integer(network, "network.", "n");
        checkN("network.n", n);
        double[] tau = {positive(network, "network.", "tau_e"), positive(network, "network.", "tau_i")};

        TomlTable coupling = table(toml, "coupling");
        checkKeys(coupling, "coupling.", PAIR_KEYS);
        double[][] c = new double[2][2];
        TomlTable rates = table(toml, "rates");
        checkKeys(rates, "rates.", PAIR_KEYS);
        RateFunction[][] f = new RateFunction[2][2];
        for (Population t : Population.values()) {
            for (Population s : Population.values()) {
                String pair = Population.pair(t, s);
                double cv = number(coupling, "coupling.", pair);
                if (!(cv >= 0)) {
                    throw InputError.outOfRange("coupling." + pair, cv, ">= 0");
                }
                c[t.index()][s.index()] = cv;
                f[t.index()][s.index()] = rate(rates, pair);
            }
        }

        TomlTable init = table(toml, "initial");
        checkKeys(init, "initial.", INITIAL_KEYS);
        double kE = positive(init, "initial.", "k_e");
        double kI = positive(init, "initial.", "k_i");
        OptionalDouble mE = optionalNumber(init, "initial.", "m_e");
        OptionalDouble mI = optionalNumber(init, "initial.", "m_i");
        if (mE.isPresent() != mI.isPresent()) {
            String missing = mE.isPresent() ? "initial.m_i" : "initial.m_e";
            throw InputError.MISSING_KEY.exception(missing, missing,
                    "give both initial.m_e and initial.m_i, or neither to have them solved from F = 0");
        }
        Scenario.Initial initial = new Scenario.Initial(kE, kI, mE, mI);

        Scenario.RunSettings run = Scenario.RunSettings.defaults();
        if (toml.contains("run")) {
            TomlTable r = table(toml, "run");
            checkKeys(r, "run.", RUN_KEYS);
            double tEnd = r.contains("t_end") ? positive(r, "run.", "t_end") : run.tEnd();
            OptionalDouble dt = OptionalDouble.empty();
            if (r.contains("dt")) {
                Object v = r.get("dt");
                if (v instanceof String) {
                    if (!"auto".equals(v)) {
                        throw InputError.WRONG_TYPE.exception("run.dt", "run.dt", show(v),
                                "a number > 0 or \"auto\"");
                    }
                } else {
                    dt = OptionalDouble.of(positive(r, "run.", "dt"));
                }
            }
            double every = r.contains("record_every") ? positive(r, "run.", "record_every") : run.recordEvery();
            long seed = r.contains("seed") ? integer(r, "run.", "seed") : run.seed();
            if (seed < 0) {
                throw InputError.outOfRange("run.seed", seed, ">= 0");
            }
            Scheme scheme = run.scheme();
            if (r.contains("scheme")) {
                Object v = r.get("scheme");
                if (!(v instanceof String)) {
                    throw InputError.WRONG_TYPE.exception("run.scheme", "run.scheme", show(v),
                            "\"semi-implicit\" or \"explicit\"");
                }
                scheme = Scheme.fromKey((String) v, "run.scheme");
            }
            run = new Scenario.RunSettings(tEnd, dt, every, seed, scheme);
        }
        return new Scenario(name, n, tau, c, f, initial, run);
    }

    /** Longest excerpt of an offending line quoted in a syntax error. */
    private static final int MAX_QUOTED = 60;

    /**
     * A parser error with the text of its line, which shows the key the parser's message leaves out
     * ("Float is too large (line 44, column 7)" says nothing about which number).
     */
    private static String withLine(TomlParseError e, String[] lines) {
        int line = e.position().line();
        if (line < 1 || line > lines.length) {
            return e.toString();
        }
        String t = lines[line - 1].strip();
        StringBuilder quoted = new StringBuilder();
        for (int i = 0; i < t.length() && quoted.length() < MAX_QUOTED; i++) {
            char c = t.charAt(i);
            quoted.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        if (quoted.length() < t.length()) {
            quoted.append("...");
        }
        return e + ": `" + quoted + "`";
    }

    /** The range check for n shared by the file and {@code --n}. */
    public static void checkN(String key, long n) {
        if (n < 1 || n > MAX_N) {
            throw InputError.outOfRange(key, n, "an integer in [1, 2^54]");
        }
    }

    private static RateFunction rate(TomlTable rates, String pair) {
        String where = "rates." + pair;
        Object o = rates.get(pair);
        if (!(o instanceof TomlTable)) {
            throw InputError.WRONG_TYPE.exception(where, where, show(o), "a table [" + where + "]");
        }
        TomlTable t = (TomlTable) o;
        checkKeys(t, where + ".", RATE_KEYS);
        Object fam = t.get("family");
        if (fam == null) {
            throw InputError.MISSING_KEY.exception(where + ".family", where + ".family",
                    "one of " + RateFamily.choices());
        }
        if (!(fam instanceof String)) {
            throw InputError.WRONG_TYPE.exception(where + ".family", where + ".family", show(fam),
                    "one of " + RateFamily.choices());
        }
        RateFamily family = RateFamily.fromKey((String) fam, where + ".family");
        return RateFunction.of(family, number(t, where + ".", "amplitude"), number(t, where + ".", "offset"),
                number(t, where + ".", "slope"), where);
    }

    private static TomlTable table(TomlTable parent, String key) {
        Object o = parent.get(key);
        if (o == null) {
            throw InputError.MISSING_KEY.exception(key, key, "section [" + key + "]");
        }
        if (!(o instanceof TomlTable)) {
            throw InputError.WRONG_TYPE.exception(key, key, show(o), "a section [" + key + "]");
        }
        return (TomlTable) o;
    }

    /**
     * Refuses a key of {@code table} that is not in {@code allowed} (UNKNOWN_KEY naming prefix + key and
     * the keys allowed there): a typo must not be silently ignored. Host profiles use it too.
     */
    public static void checkKeys(TomlTable table, String prefix, Set<String> allowed) {
        for (String k : table.keySet()) {
            if (!allowed.contains(k)) {
                throw InputError.UNKNOWN_KEY.exception(prefix + k, prefix + k,
                        allowed.stream().map(a -> prefix + a).collect(Collectors.joining(", ")));
            }
        }
    }

    private static double number(TomlTable t, String prefix, String key) {
        Object v = t.get(key);
        String full = prefix + key;
        if (v == null) {
            throw InputError.MISSING_KEY.exception(full, full, "a number");
        }
        double x;
        if (v instanceof Long) {
            x = (Long) v;
        } else if (v instanceof Double) {
            x = (Double) v;
        } else {
            throw InputError.WRONG_TYPE.exception(full, full, show(v), "a number");
        }
        if (!Double.isFinite(x)) {
            throw InputError.NOT_FINITE.exception(full, full, x);
        }
        return x;
    }

    private static OptionalDouble optionalNumber(TomlTable t, String prefix, String key) {
        return t.contains(key) ? OptionalDouble.of(number(t, prefix, key)) : OptionalDouble.empty();
    }

    private static double positive(TomlTable t, String prefix, String key) {
        double x = number(t, prefix, key);
        if (!(x > 0)) {
            throw InputError.outOfRange(prefix + key, x, "> 0");
        }
        return x;
    }

    /** A whole number: an integer, or a float with a whole value ({@code n = 1e6}), as {@link WholeNumbers} reads them. */
    private static long integer(TomlTable t, String prefix, String key) {
        Object v = t.get(key);
        String full = prefix + key;
        if (v == null) {
            throw InputError.MISSING_KEY.exception(full, full, "a whole number");
        }
        if (v instanceof Long) {
            return (Long) v;
        }
        if (v instanceof Double) {
            double x = (Double) v;
            if (!Double.isFinite(x)) {
                throw InputError.NOT_FINITE.exception(full, full, x);
            }
            return WholeNumbers.of(x, full);
        }
        throw InputError.WRONG_TYPE.exception(full, full, show(v), "a whole number");
    }

    private static String show(Object v) {
        if (v == null) {
            return "(nothing)";
        }
        if (v instanceof String) {
            return "\"" + v + "\"";
        }
        if (v instanceof TomlTable) {
            return "a table";
        }
        if (v instanceof org.tomlj.TomlArray) {
            return "an array";
        }
        return String.valueOf(v).toLowerCase(Locale.ROOT).equals(String.valueOf(v)) ? String.valueOf(v)
                : String.valueOf(v);
    }

    private static Set<String> ordered(String... keys) {
        return new LinkedHashSet<>(List.of(keys));
    }
}
