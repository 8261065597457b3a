package org.balnet.validate;

import org.balnet.sim.RunStatus;

import java.util.List;

/**
 * One simulated replica: the empirical observables (4.1)-(4.4) at the record times t_k = k D and the
 * state histograms taken on the way.
 *
 * @param n           neurons per population
 * @param replica     replica number, 0-based
 * @param seed        RNG key
 * @param status      completed, or left-balanced-state when the run stopped early
 * @param message     why it stopped early (empty when completed)
 * @param h           time step
 * @param backend     engine that ran it, e.g. "cpu"
 * @param device      the engine's device description
 * @param time        t_k, k = 0 .. rows - 1 (only rows on the record grid; a stop between records is not a row)
 * @param meanE       v-hat_e(t_k)
 * @param meanI       v-hat_i(t_k)
 * @param varianceE   K-hat_e(t_k)
 * @param varianceI   K-hat_i(t_k)
 * @param histograms  state histograms at the requested times (both populations; absent past an early stop)
 * @param wallSeconds wall time of the stepping
 * @param steps       steps taken
 */
public record SimulatedRun(long n, int replica, long seed, RunStatus status, String message, double h,
                           String backend, String device, double[] time, double[] meanE, double[] meanI,
                           double[] varianceE, double[] varianceI, List<StateHistogram> histograms,
                           double wallSeconds, long steps) {
    public int rows() {
        return time.length;
    }

    /** Mean of population 0 (e) or 1 (i) at row k. */
    public double mean(int population, int k) {
        return population == 0 ? meanE[k] : meanI[k];
    }

    /** Variance of population 0 (e) or 1 (i) at row k. */
    public double variance(int population, int k) {
        return population == 0 ? varianceE[k] : varianceI[k];
    }

    public boolean completed() {
        return status == RunStatus.COMPLETED;
    }
}
