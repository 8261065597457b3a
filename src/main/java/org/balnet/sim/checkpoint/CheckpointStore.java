package org.balnet.sim.checkpoint;

import org.balnet.io.AtomicFiles;
import org.balnet.io.IoMessages;
import org.balnet.model.BadInputException;
import org.balnet.model.InputError;
import org.balnet.model.Scenario;
import org.balnet.model.ScenarioLoader;
import org.balnet.model.ScenarioWriter;
import org.balnet.sim.Engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The checkpoints of one run: {@code DIR/checkpoint/}, holding {@code scenario.toml} (the run's
 * resolved scenario, which {@code --resume} continues) and up to {@link #GENERATIONS} checkpoint
 * files {@code checkpoint-STEP.ckpt}, STEP the zero-padded step number.
 *
 * <p>A checkpoint is written to a hidden temporary file, synced, renamed to its final name, and the
 * directory synced: a crash at any moment leaves complete checkpoints only. Before a new one is
 * written, the oldest is deleted when {@link #GENERATIONS} exist, so the newest complete checkpoint
 * survives until its successor is complete, and the disk never holds more than
 * {@link #GENERATIONS} checkpoints' worth of bytes.
 */
public final class CheckpointStore {
    /** Subdirectory of the run directory. */
    public static final String DIRECTORY = "checkpoint";
    /** The run's resolved scenario. */
    public static final String SCENARIO_FILE = "scenario.toml";
    /** Complete checkpoints kept: the newest, and the one before it in case the newest is found damaged. */
    public static final int GENERATIONS = 2;

    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d{10,19})\\.ckpt");
    private static final String TEMPORARY_PREFIX = ".checkpoint-";

    /** Opens a file for writing a checkpoint into. */
    interface ChannelOpener {
        SeekableByteChannel open(Path file) throws IOException;
    }

    /**
     * How checkpoint files are opened for writing. Tests replace it to inject a write failure (a full
     * disk) where no small file system can be mounted; nothing else may change it.
     */
    static volatile ChannelOpener opener = file -> FileChannel.open(file, StandardOpenOption.CREATE,
            StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);

    private final Path runDirectory;
    private final Path dir;

    /** @param runDirectory the run's --out directory */
    public CheckpointStore(Path runDirectory) {
        this.runDirectory = runDirectory;
        this.dir = runDirectory.resolve(DIRECTORY);
    }

    public Path directory() {
        return dir;
    }

    public Path scenarioFile() {
        return dir.resolve(SCENARIO_FILE);
    }

    /** The file name of the checkpoint at {@code step}. */
    public static String fileName(long step) {
        return String.format(Locale.ROOT, "checkpoint-%010d.ckpt", step);
    }

    /** Writes the resolved scenario (atomically), creating the directory. */
    public void saveScenario(Scenario scenario) {
        createDirectory();
        AtomicFiles.writeString(scenarioFile(), ScenarioWriter.write(scenario,
                "The resolved scenario of the run in " + runDirectory + " (command-line overrides applied),\n"
                        + "written by balnet simulate. `balnet simulate --resume` continues this scenario; changing it\n"
                        + "makes the checkpoints refuse to resume (their scenario hash no longer matches)."));
    }

    /**
     * The scenario of the run to resume.
     *
     * @throws BadInputException when the run directory has no checkpoint directory or scenario, or
     *                           scenario.toml has been edited into an invalid one
     */
    public Scenario loadScenario() {
        if (!Files.isDirectory(runDirectory)) {
            throw InputError.UNREADABLE.exception("--resume", "--resume " + runDirectory,
                    "no such directory");
        }
        if (!Files.isRegularFile(scenarioFile())) {
            throw InputError.CONFLICT.exception("--resume", "--resume " + runDirectory + ": no checkpoint to "
                    + "resume from (" + scenarioFile() + " does not exist); a run writes checkpoints with "
                    + "--checkpoint-every, and one when it is interrupted");
        }
        try {
            return ScenarioLoader.load(scenarioFile());
        } catch (BadInputException e) {
            throw new BadInputException(e.kind(), e.key(), "--resume: " + scenarioFile() + ": " + e.getMessage(), e);
        }
    }

    /** Complete checkpoint files, newest (highest step) first. */
    public List<Path> checkpoints() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> NAME.matcher(p.getFileName().toString()).matches()).forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + IoMessages.reason(e), e);
        }
        files.sort(Comparator.comparingLong(CheckpointStore::stepOf).reversed());
        return files;
    }

    /** The step in a checkpoint's file name. */
    static long stepOf(Path file) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a checkpoint file name: " + file);
        }
        return Long.parseLong(m.group(1));
    }

    /**
     * Removes every checkpoint and temporary file: a fresh run writing into a directory (--force)
     * must never leave checkpoints of an earlier run for --resume to find.
     */
    public void clear() {
        if (!Files.isDirectory(dir)) {
            return;
        }
        for (Path p : checkpoints()) {
            delete(p);
        }
        removeTemporaryFiles();
        delete(scenarioFile());
    }

    /**
     * Writes a checkpoint of the engine's state (see the class comment for the order of operations).
     *
     * @return the file written
     * @throws UncheckedIOException when it cannot be written (a full disk, ...); the temporary file is
     *                              removed and the previous checkpoint is left as it was
     */
    public Path write(Checkpoint checkpoint, Engine engine) {
        createDirectory();
        removeTemporaryFiles();
        Path target = dir.resolve(fileName(checkpoint.step()));
        List<Path> older = new ArrayList<>(checkpoints());
        older.remove(target);
        while (older.size() >= GENERATIONS) {
            delete(older.remove(older.size() - 1));
        }
        Path tmp = dir.resolve("." + target.getFileName() + ".tmp");
        try {
            try (SeekableByteChannel ch = opener.open(tmp)) {
                CheckpointFile.write(ch, checkpoint, engine);
                if (ch instanceof FileChannel) {
                    ((FileChannel) ch).force(true);
                }
            }
            AtomicFiles.replace(tmp, target);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the write error is the one to report; a stale temporary file is removed by the next write
            }
            throw new UncheckedIOException("cannot write checkpoint " + target + ": " + IoMessages.reason(e), e);
        }
        return target;
    }

    private void createDirectory() {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + IoMessages.reason(e), e);
        }
    }

    private void removeTemporaryFiles() {
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().startsWith(TEMPORARY_PREFIX)).forEach(CheckpointStore::delete);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + IoMessages.reason(e), e);
        }
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + p + ": " + IoMessages.reason(e), e);
        }
    }
}
