package org.balnet.io;

import org.balnet.model.InputError;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The {@code --out} directory of a run: created if absent, refused if non-empty unless forced. */
public final class OutputDirectory {
    private OutputDirectory() {
    }

    /**
     * @throws org.balnet.model.BadInputException when the directory exists and is not empty (without
     *                                            {@code force}) or is a file
     * @throws UncheckedIOException               when it cannot be created
     */
    public static Path prepare(Path dir, boolean force) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw InputError.CONFLICT.exception("--out", "--out = " + dir + ": exists and is not a directory");
        }
        if (Files.isDirectory(dir) && !force) {
            try (Stream<Path> s = Files.list(dir)) {
                if (s.findAny().isPresent()) {
                    throw InputError.CONFLICT.exception("--out", "--out = " + dir
                            + ": directory is not empty; choose another, or add --force to write into it");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read --out directory " + dir + ": " + IoMessages.reason(e), e);
            }
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            // The message only: the exception's class name (AccessDeniedException) is not for users.
            throw new UncheckedIOException("cannot create --out directory " + dir + ": " + IoMessages.reason(e), e);
        }
        if (!Files.isWritable(dir)) {
            throw new UncheckedIOException("--out directory " + dir + " is not writable",
                    new IOException("not writable: " + dir));
        }
        return dir;
    }
}
