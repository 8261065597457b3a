package org.balnet.cli;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * balnet as a real {@code java -jar} process, for what the in-process CLI tests cannot see: the exit
 * code of {@code Main.main}'s {@code System.exit}, and an environment of its own (OpenCL drivers read
 * theirs once per process: {@code POCL_DEVICES} for two PoCL devices). The tests run before
 * {@code mvn package}, so the jar is a launcher made here: a manifest whose Main-Class is {@link Main}
 * and whose Class-Path is the compiled classes and the runtime libraries (not the test classes), as
 * relative URLs. The child inherits the test JVM's environment, libjsig preloaded included (pom.xml).
 */
final class ChildJvm {
    private final Path jar;
    private final Path scratch;
    private final long timeoutSeconds;

    /** The outcome of one run. */
    record Exit(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }

        void assertNoStackTrace() {
            assertTrue(!err.contains("\tat ") && !err.contains("Exception"), "stack trace:\n" + this);
        }
    }

    /**
     * @param directory where the launcher jar and the captured output go
     * @param timeoutSeconds how long one run may take before the test fails
     */
    ChildJvm(Path directory, long timeoutSeconds) throws IOException {
        this.scratch = directory;
        this.timeoutSeconds = timeoutSeconds;
        this.jar = directory.resolve("balnet-launcher.jar");
        List<String> classPath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry).toAbsolutePath();
            if (p.getFileName().toString().equals("test-classes") || !Files.exists(p)) {
                continue;
            }
            String relative = directory.toAbsolutePath().relativize(p).toString().replace(File.separatorChar, '/');
            classPath.add(relative + (Files.isDirectory(p) ? "/" : ""));
        }
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.put(Attributes.Name.MAIN_CLASS, Main.class.getName());
        main.put(Attributes.Name.CLASS_PATH, String.join(" ", classPath));
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, manifest)) {
            j.flush();
        }
    }

    /** Runs {@code java -jar balnet ARGS} with the variables added to the environment, and waits for it. */
    Exit run(Map<String, String> environment, String... args) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-jar", jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(environment);
        Path out = scratch.resolve("stdout.txt");
        Path err = scratch.resolve("stderr.txt");
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        Process p = pb.start();
        try {
            assertTrue(p.waitFor(timeoutSeconds, TimeUnit.SECONDS), "java -jar " + String.join(" ", args) + " hangs");
        } finally {
            p.destroyForcibly();
        }
        return new Exit(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
