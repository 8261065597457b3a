package org.balnet.sim.checkpoint;

/**
 * A checkpoint file that cannot be used because it is damaged: truncated, not a checkpoint, or its
 * checksum does not match. The message names the file and what is wrong with it. The CLI ends
 * with exit code 1 for it (a failure, not bad input: nothing the user typed was wrong).
 */
public final class CheckpointException extends RuntimeException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
