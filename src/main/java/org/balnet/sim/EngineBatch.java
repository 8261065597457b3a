package org.balnet.sim;

import org.balnet.model.Population;
import org.balnet.rng.Sampler;

import java.util.List;
import java.util.Map;

/**
 * R independent replicas of one network (the same scenario and n, each its own seed, its own state, its own
 * Poisson tables and sums) advanced together: one call of {@link #step(StepPlan[])} performs one step of
 * every replica that has a plan, in one pass of the engine's workers (the Java engine: one pass of its thread
 * pool, tasks replica x chunk; OpenCL: one launch). Replica r draws the numbers of its own seed at the
 * addresses an engine of that seed alone uses, and its sums are added in the same fixed order, so each
 * replica's results are bit for bit those of the replica run alone: batching changes how fast, never what.
 *
 * <p>This is what makes many small networks fast (validation sweeps at n = 1e3 on a GPU, where one network
 * cannot fill the device). The host side of each replica (observables, lambda, the common shift, the
 * departure test) stays with its own {@link Simulation}; {@link SimulationBatch} drives them together.
 *
 * <p>{@link #of(List)} makes a batch of separate engines stepped one after another, for backends that have
 * no batched step (per-synapse, exact): the same results, without the speed.
 */
public interface EngineBatch extends AutoCloseable {
    /** R, the number of replicas. */
    int replicas();

    /**
     * Replica r as an engine of its own ({@link ReplicaView}), for its {@link Simulation}, monitors and
     * checkpoints: its state, histogram and description; a step or initialisation through it moves that
     * replica alone. Closing it does nothing: the batch owns the engine ({@link #close()}).
     */
    Engine replica(int r);

    /**
     * Draws the initial states of the replicas whose {@code mean[r]} is not null (as
     * {@link Engine#initialize} does for one), all in one pass.
     *
     * @param mean     per replica m_alpha, [e, i], or null to leave replica r as it is
     * @param variance per replica k_alpha, [e, i] (null where mean is)
     * @return per replica the sums of its new state, null where mean[r] is null
     */
    PopulationSums[][] initialize(double[][] mean, double[][] variance);

    /**
     * One step of every replica whose plan is not null, all in one pass. A replica without a plan (it has
     * left the balanced state, or finished) keeps its state.
     *
     * @param plans per replica its step (each with its own step number), or null
     * @return per replica the sums of its new state, null where plans[r] is null
     */
    PopulationSums[][] step(StepPlan[] plans);

    @Override
    void close();

    // What the replicas share: the same backend, device, precision, sampler and n.

    /** Short backend name, as {@link Engine#backend()}. */
    String backend();

    /** The device or thread configuration, in words. */
    String device();

    Precision precision();

    Sampler sampler();

    /** Neurons per population of every replica. */
    long n();

    /** True for an event-driven backend ({@link Engine#eventDriven()}). */
    default boolean eventDriven() {
        return false;
    }

    /** Replica r's work counters ({@link Engine#counters()}). */
    default Map<String, Object> counters(int r) {
        return Map.of();
    }

    /** {@link Engine#readState} of replica r. */
    void readState(int r, Population population, long from, double[] dst, int length);

    /** {@link Engine#writeState} of replica r. */
    void writeState(int r, Population population, long from, double[] src, int length);

    /** {@link Engine#histogram} of replica r. */
    long[] histogram(int r, Population population, double lo, double hi, int bins);

    /**
     * A batch of separate engines, one per replica, stepped one after another (backends without a batched
     * step). The batch closes them.
     */
    static EngineBatch of(List<? extends Engine> engines) {
        return new Sequential(List.copyOf(engines));
    }

    /** {@link #of}: separate engines, one after another. */
    final class Sequential implements EngineBatch {
        private final List<Engine> engines;

        private Sequential(List<Engine> engines) {
            if (engines.isEmpty()) {
                throw new IllegalArgumentException("a batch needs at least one replica");
            }
            this.engines = engines;
        }

        @Override
        public int replicas() {
            return engines.size();
        }

        @Override
        public Engine replica(int r) {
            return new ReplicaView(this, r);
        }

        @Override
        public PopulationSums[][] initialize(double[][] mean, double[][] variance) {
            PopulationSums[][] out = new PopulationSums[engines.size()][];
            for (int r = 0; r < out.length; r++) {
                out[r] = mean[r] == null ? null : engines.get(r).initialize(mean[r], variance[r]);
            }
            return out;
        }

        @Override
        public PopulationSums[][] step(StepPlan[] plans) {
            PopulationSums[][] out = new PopulationSums[engines.size()][];
            for (int r = 0; r < out.length; r++) {
                out[r] = plans[r] == null ? null : engines.get(r).step(plans[r]);
            }
            return out;
        }

        @Override
        public String backend() {
            return engines.get(0).backend();
        }

        @Override
        public String device() {
            return engines.get(0).device();
        }

        @Override
        public Precision precision() {
            return engines.get(0).precision();
        }

        @Override
        public Sampler sampler() {
            return engines.get(0).sampler();
        }

        @Override
        public long n() {
            return engines.get(0).n();
        }

        @Override
        public boolean eventDriven() {
            return engines.get(0).eventDriven();
        }

        @Override
        public Map<String, Object> counters(int r) {
            return engines.get(r).counters();
        }

        @Override
        public void readState(int r, Population population, long from, double[] dst, int length) {
            engines.get(r).readState(population, from, dst, length);
        }

        @Override
        public void writeState(int r, Population population, long from, double[] src, int length) {
            engines.get(r).writeState(population, from, src, length);
        }

        @Override
        public long[] histogram(int r, Population population, double lo, double hi, int bins) {
            return engines.get(r).histogram(population, lo, hi, bins);
        }

        @Override
        public void close() {
            RuntimeException first = null;
            for (Engine e : engines) {
                try {
                    e.close();
                } catch (RuntimeException x) {
                    if (first == null) {
                        first = x;
                    } else {
                        first.addSuppressed(x);
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        }
    }

    /**
     * Replica r of a batch as an {@link Engine}: describes itself, reads and writes its state through the
     * batch, and steps through it with the other replicas sitting out.
     */
    final class ReplicaView implements Engine {
        private final EngineBatch batch;
        private final int replica;

        public ReplicaView(EngineBatch batch, int replica) {
            if (replica < 0 || replica >= batch.replicas()) {
                throw new IndexOutOfBoundsException("replica " + replica + " of " + batch.replicas());
            }
            this.batch = batch;
            this.replica = replica;
        }

        /** r. */
        public int index() {
            return replica;
        }

        @Override
        public String backend() {
            return batch.backend();
        }

        @Override
        public boolean eventDriven() {
            return batch.eventDriven();
        }

        @Override
        public Map<String, Object> counters() {
            return batch.counters(replica);
        }

        @Override
        public String device() {
            return batch.device();
        }

        @Override
        public Precision precision() {
            return batch.precision();
        }

        @Override
        public Sampler sampler() {
            return batch.sampler();
        }

        @Override
        public long n() {
            return batch.n();
        }

        @Override
        public PopulationSums[] initialize(double[] mean, double[] variance) {
            double[][] m = new double[batch.replicas()][];
            double[][] k = new double[batch.replicas()][];
            m[replica] = mean;
            k[replica] = variance;
            return batch.initialize(m, k)[replica];
        }

        @Override
        public PopulationSums[] step(StepPlan plan) {
            StepPlan[] plans = new StepPlan[batch.replicas()];
            plans[replica] = plan;
            return batch.step(plans)[replica];
        }

        @Override
        public void readState(Population population, long from, double[] dst, int length) {
            batch.readState(replica, population, from, dst, length);
        }

        @Override
        public void writeState(Population population, long from, double[] src, int length) {
            batch.writeState(replica, population, from, src, length);
        }

        @Override
        public long[] histogram(Population population, double lo, double hi, int bins) {
            return batch.histogram(replica, population, lo, hi, bins);
        }

        /** Does nothing: the batch owns the engine. */
        @Override
        public void close() {
        }
    }
}
