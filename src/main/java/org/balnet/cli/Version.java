package org.balnet.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version from the build (Maven filters {@code balnet-version.properties}). */
public final class Version implements CommandLine.IVersionProvider {
    public static String version() {
        try (InputStream in = Version.class.getResourceAsStream("/balnet-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Versions for run.json: balnet, Java, OS. */
    public static java.util.Map<String, Object> versions() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("balnet", version());
        m.put("java", System.getProperty("java.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        return m;
    }

    @Override
    public String[] getVersion() {
        return new String[]{"balnet " + version(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
    }
}
