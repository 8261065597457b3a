package org.balnet.sim;

import org.balnet.model.InputError;

/** Storage precision of the neuron states. The sampler and all reductions are double either way. */
public enum Precision {
    FP64("fp64", Double.BYTES),
    FP32("fp32", Float.BYTES);

    public final String key;
    /** Bytes per stored neuron state. */
    public final int bytes;

    Precision(String key, int bytes) {
        this.key = key;
        this.bytes = bytes;
    }

    public static Precision fromKey(String key, String where) {
        for (Precision p : values()) {
            if (p.key.equals(key)) {
                return p;
            }
        }
        throw InputError.UNKNOWN_CHOICE.exception(where, where, key, "fp64, fp32");
    }

    @Override
    public String toString() {
        return key;
    }
}
