package org.balnet.cli;

import org.balnet.io.Versions;
import picocli.CommandLine;

/** {@code balnet --version}: balnet's version and the Java runtime's. */
public final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[]{"balnet " + Versions.balnetVersion(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
    }
}
