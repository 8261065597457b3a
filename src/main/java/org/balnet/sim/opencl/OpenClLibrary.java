package org.balnet.sim.opencl;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Whether the OpenCL loader that JOCL opens can be loaded, found before JOCL is touched. On Linux JOCL's
 * native code dlopen()s "libOpenCL.so" and, when that fails, prints its own line ("Could not load
 * libOpenCL.so, error ...") to the C library's stdout, where it stays buffered and comes out when the
 * process exits: after balnet's message, and into a stdout that may be a CSV or JSON stream. So balnet
 * looks for the library where the dynamic linker does (LD_LIBRARY_PATH, the directories of
 * /etc/ld.so.conf, the default ones) and loads it itself (System.load: a failure is a Java exception with
 * the linker's reason); only when that works does JOCL get to open it.
 */
final class OpenClLibrary {
    /** The file JOCL asks the dynamic linker for: "libOpenCL.so" on Linux. */
    static final String FILE = System.mapLibraryName("OpenCL");
    /** Searched after LD_LIBRARY_PATH and ld.so.conf, as the dynamic linker does. */
    private static final List<String> DEFAULT_DIRECTORIES = List.of("/lib", "/usr/lib", "/lib64", "/usr/lib64");
    private static final Path LD_SO_CONF = Path.of("/etc/ld.so.conf");
    /** Nested "include" lines deeper than this are ignored (a loop in a broken configuration). */
    private static final int MAX_INCLUDE_DEPTH = 8;

    private static Optional<String> problem;

    private OpenClLibrary() {
    }

    /**
     * Why the library cannot be loaded, in words, or empty when it was loaded (or this is not Linux,
     * where JOCL's own search is left alone).
     */
    static synchronized Optional<String> problem() {
        if (problem == null) {
            problem = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")
                    ? probe(searchPath(System.getenv("LD_LIBRARY_PATH"), LD_SO_CONF)) : Optional.empty();
        }
        return problem;
    }

    /** The first {@link #FILE} on {@code directories} that loads; else why none does. */
    static Optional<String> probe(List<Path> directories) {
        List<String> failures = new ArrayList<>();
        Set<Path> tried = new LinkedHashSet<>();
        for (Path dir : directories) {
            Path file;
            try {
                file = dir.resolve(FILE).toRealPath();
            } catch (IOException e) {
                continue; // not there (or a dangling link): the dynamic linker passes over it too
            }
            if (!tried.add(file)) {
                continue; // the same file by another path (/lib is /usr/lib on merged-/usr systems)
            }
            try {
                System.load(file.toString());
                return Optional.empty();
            } catch (UnsatisfiedLinkError e) {
                failures.add(e.getMessage());
            }
        }
        if (failures.isEmpty()) {
            return Optional.of("no " + FILE + " in LD_LIBRARY_PATH, the directories of " + LD_SO_CONF + " or "
                    + String.join(", ", DEFAULT_DIRECTORIES));
        }
        return Optional.of(String.join("; ", failures));
    }

    /** Where the dynamic linker looks for a library by name, in its order. */
    static List<Path> searchPath(String ldLibraryPath, Path ldSoConf) {
        Set<Path> dirs = new LinkedHashSet<>();
        if (ldLibraryPath != null) {
            for (String d : ldLibraryPath.split(":")) {
                // an empty entry is the working directory, as for the dynamic linker
                dirs.add(Path.of(d.isEmpty() ? "." : d));
            }
        }
        readConf(ldSoConf, dirs, 0);
        DEFAULT_DIRECTORIES.forEach(d -> dirs.add(Path.of(d)));
        return List.copyOf(dirs);
    }

    private static void readConf(Path conf, Set<Path> dirs, int depth) {
        List<String> lines;
        try {
            lines = Files.readAllLines(conf);
        } catch (IOException e) {
            return;
        }
        for (String raw : lines) {
            String line = raw.replaceFirst("#.*", "").trim();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("include ") && depth < MAX_INCLUDE_DEPTH) {
                Path pattern = Path.of(line.substring("include ".length()).trim());
                Path parent = pattern.isAbsolute() ? pattern.getParent() : conf.resolveSibling(pattern).getParent();
                List<Path> included = new ArrayList<>();
                try (DirectoryStream<Path> s = Files.newDirectoryStream(parent, pattern.getFileName().toString())) {
                    s.forEach(included::add);
                } catch (IOException e) {
                    continue;
                }
                included.sort(null);
                for (Path p : included) {
                    readConf(p, dirs, depth + 1);
                }
            } else if (line.startsWith("/")) {
                dirs.add(Path.of(line));
            }
        }
    }
}
