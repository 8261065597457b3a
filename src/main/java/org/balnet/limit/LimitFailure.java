package org.balnet.limit;

/**
 * A solver that could not finish (integrator step size underflow, a state it cannot return to
 * F = 0 from, a diverging closure). The message is complete for the user: it says where (t) and why.
 */
public final class LimitFailure extends RuntimeException {
    public LimitFailure(String message) {
        super(message);
    }

    public LimitFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
