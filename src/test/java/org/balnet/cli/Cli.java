package org.balnet.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertFalse;

/** Runs balnet in this JVM through {@code Main.commandLine().execute}, capturing both streams. */
public final class Cli {
    private Cli() {
    }

    /** One run: exit code, stdout, stderr. */
    public record Result(int code, String out, String err) {
        /** Neither stream shows a stack trace or a Java exception name. */
        public void assertNoStackTrace() {
            for (String s : new String[]{out, err}) {
                assertFalse(s.contains("\tat "), "stack trace in output:\n" + s);
                assertFalse(s.contains("Exception"), "exception name in output:\n" + s);
            }
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    public static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
