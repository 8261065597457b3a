package org.balnet.sim;

/** The {@code status} of run.json. */
public enum RunStatus {
    RUNNING("running"),
    COMPLETED("completed"),
    FAILED("failed"),
    INTERRUPTED("interrupted"),
    LEFT_BALANCED_STATE("left-balanced-state");

    public final String key;

    RunStatus(String key) {
        this.key = key;
    }

    @Override
    public String toString() {
        return key;
    }
}
