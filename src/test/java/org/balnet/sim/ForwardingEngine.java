package org.balnet.sim;

import org.balnet.model.Population;
import org.balnet.rng.Sampler;

/**
 * An engine that hands every call to another: tests override the calls they watch or break (a step
 * that fails, the state reads a monitor makes).
 */
public class ForwardingEngine implements Engine {
    protected final Engine inner;

    public ForwardingEngine(Engine inner) {
        this.inner = inner;
    }

    @Override
    public String backend() {
        return inner.backend();
    }

    @Override
    public String device() {
        return inner.device();
    }

    @Override
    public Precision precision() {
        return inner.precision();
    }

    @Override
    public Sampler sampler() {
        return inner.sampler();
    }

    @Override
    public long n() {
        return inner.n();
    }

    @Override
    public PopulationSums[] initialize(double[] mean, double[] variance) {
        return inner.initialize(mean, variance);
    }

    @Override
    public PopulationSums[] step(StepPlan plan) {
        return inner.step(plan);
    }

    @Override
    public void readState(Population population, long from, double[] dst, int length) {
        inner.readState(population, from, dst, length);
    }

    @Override
    public void writeState(Population population, long from, double[] src, int length) {
        inner.writeState(population, from, src, length);
    }

    @Override
    public long[] histogram(Population population, double lo, double hi, int bins) {
        return inner.histogram(population, lo, hi, bins);
    }

    @Override
    public void close() {
        inner.close();
    }
}
