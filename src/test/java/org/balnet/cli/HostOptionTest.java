package org.balnet.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.balnet.cli.LimitCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --host} without OpenCL: the profile's precision is the default, {@code --precision} overrides it. */
class HostOptionTest {
    @TempDir
    Path tmp;

    @Test
    void theProfileSetsThePrecisionUnlessTheOptionDoes() throws IOException {
        Path f = tmp.resolve("small.toml");
        Files.writeString(f, "[run]\nprecision = \"fp32\"\n");
        String[] bench = {"bench", "--scenario", "mv-6.1", "--n", "2000", "--backend", "cpu", "--steps", "1",
                "--repeats", "1", "--warmup", "0", "--host", f.toString()};
        LimitCommandTest.Run r = run(bench);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"precision\":\"fp32\""), r.out());
        String[] explicit = new String[bench.length + 2];
        System.arraycopy(bench, 0, explicit, 0, bench.length);
        explicit[bench.length] = "--precision";
        explicit[bench.length + 1] = "fp64";
        LimitCommandTest.Run s = run(explicit);
        assertEquals(0, s.code(), s.err());
        assertTrue(s.out().contains("\"precision\":\"fp64\""), s.out());
    }

    @Test
    void aBadProfileIsExitTwoNamingTheKey() throws IOException {
        Path f = tmp.resolve("bad.toml");
        Files.writeString(f, "[run]\nwork_group_size = 100\n");
        LimitCommandTest.Run r = run("bench", "--scenario", "mv-6.1", "--n", "2000", "--backend", "cpu",
                "--host", f.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("host.run.work_group_size = 100"), r.err());
    }
}
