package org.balnet.io;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The versions an output file records: balnet's (from the build: Maven filters
 * {@code balnet-version.properties}), Java's and the operating system's.
 *
 * @param balnet e.g. "0.1.0"
 * @param java   e.g. "17.0.15"
 * @param os     name and architecture, e.g. "Linux amd64"
 */
public record Versions(String balnet, String java, String os) {
    /** When the build has no version (classes run from an IDE without Maven's resources). */
    public static final String UNKNOWN = "unknown";

    /** This process's. */
    public static Versions current() {
        return new Versions(balnetVersion(), System.getProperty("java.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    }

    /** balnet's version. */
    public static String balnetVersion() {
        try (InputStream in = Versions.class.getResourceAsStream("/balnet-version.properties")) {
            if (in == null) {
                return UNKNOWN;
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", UNKNOWN);
        } catch (IOException e) {
            return UNKNOWN;
        }
    }

    /** "balnet 0.1.0, java 17.0.15, os Linux amd64", for reports. */
    public String text() {
        return "balnet " + balnet + ", java " + java + ", os " + os;
    }
}
