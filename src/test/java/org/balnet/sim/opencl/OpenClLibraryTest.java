package org.balnet.sim.opencl;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The search for the OpenCL loader that keeps JOCL's own "Could not load libOpenCL.so" line from
 * being printed: where it looks, and what it says when the library is missing or broken.
 */
class OpenClLibraryTest {
    @TempDir
    Path tmp;

    @Test
    void theSearchPathIsLdLibraryPathThenLdSoConfWithItsIncludesThenTheDefaults() throws IOException {
        Path confD = Files.createDirectories(tmp.resolve("ld.so.conf.d"));
        Files.writeString(confD.resolve("b.conf"), "/opt/b\n");
        Files.writeString(confD.resolve("a.conf"), "# vendor\n/opt/a # trailing comment\n\n");
        Files.writeString(confD.resolve("ignored.txt"), "/opt/ignored\n");
        Path conf = Files.writeString(tmp.resolve("ld.so.conf"), "include " + confD + "/*.conf\n/opt/c\n");
        List<Path> path = OpenClLibrary.searchPath("/x:/y", conf);
        assertEquals(List.of(Path.of("/x"), Path.of("/y"), Path.of("/opt/a"), Path.of("/opt/b"), Path.of("/opt/c"),
                Path.of("/lib"), Path.of("/usr/lib"), Path.of("/lib64"), Path.of("/usr/lib64")), path);
    }

    @Test
    void aConfigurationThatIncludesItselfEnds() throws IOException {
        Path conf = tmp.resolve("ld.so.conf");
        Files.writeString(conf, "include " + conf + "\n/opt/loop\n");
        assertTrue(OpenClLibrary.searchPath(null, conf).contains(Path.of("/opt/loop")));
    }

    @Test
    void noLibraryOnThePathIsSaidInBalnetsWords() {
        Optional<String> why = OpenClLibrary.probe(List.of(tmp));
        assertTrue(why.isPresent() && why.get().startsWith("no " + OpenClLibrary.FILE + " in"), why.toString());
    }

    @Test
    void aBrokenLibraryIsReportedWithTheLinkersReason() throws IOException {
        Path broken = Files.createDirectories(tmp.resolve("broken"));
        Files.write(broken.resolve(OpenClLibrary.FILE), new byte[0]);
        Optional<String> why = OpenClLibrary.probe(List.of(tmp, broken));
        assertTrue(why.isPresent() && why.get().contains(broken.resolve(OpenClLibrary.FILE).toString()),
                why.toString());
    }
}
