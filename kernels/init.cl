// The initial condition (6.5)-(6.6) drawn on the device: twin of CpuEngine.initChunk.
// Needs the generated header (streams, SUMS_WIDTH, STATE_PARAMS), philox.cl, state.cl and reduce.cl
// before it. Its arguments after the state buffers are bound by name: KernelArguments.Init lists them
// in this order.
//
// The engine holds R replicas of the network (R = 1 for one network): with G = groups_per_population,
// work-group g belongs to replica r = g / 2G and covers neurons [g' tile, (g' + 1) tile) of its population
// pop, where g - 2G r = pop G + g' (e first, then i); its work-items take every
// BALNET_WORK_GROUP_SIZE-th neuron, so neighbours access neighbours. Replica r's neuron j is element
// r replica_stride + j of its population's state (segments as in state.cl), and per replica `replicas`
// holds REPLICA_WIDTH ulongs: its seed, step and whether it takes part in this launch (REPLICA_*,
// OpenClEngine.planDefines). The sums of group g go to partials[g SUMS_WIDTH ..].

#pragma OPENCL FP_CONTRACT OFF

/* u = m + sqrt(k) z with z from the population's initial stream at step 0; partial sums around m. */
__kernel __attribute__((reqd_work_group_size(BALNET_WORK_GROUP_SIZE, 1, 1)))
void init_population(STATE_PARAMS,
                     const ulong n, const ulong tile, const ulong groups_per_population,
                     const ulong segment_length, const ulong replica_stride,
                     __global const ulong *restrict replicas, const ulong neuron_base,
                     const double mean_e, const double mean_i, const double sd_e, const double sd_i,
                     __global double *restrict partials) {
    __local double scratch[SUMS_WIDTH * BALNET_WORK_GROUP_SIZE];
    const ulong group = get_group_id(0);
    const ulong replica = group / (2 * groups_per_population);
    __global const ulong *key = replicas + replica * REPLICA_WIDTH;
    if (key[REPLICA_ACTIVE] == 0) {
        return; /* the whole work-group, before any barrier */
    }
    const ulong seed = key[REPLICA_SEED];
    const ulong in_replica = group - replica * 2 * groups_per_population;
    const int pop = in_replica >= groups_per_population ? 1 : 0;
    const ulong first = (in_replica - (ulong) pop * groups_per_population) * tile;
    const ulong end = min(first + tile, n);
    const ulong offset = replica * replica_stride;
    const ulong segment = (offset + first) / segment_length;
    const ulong base = segment * segment_length;
    __global state_t *state = SELECT_STATE(pop, segment);
    const double mean = pop == 0 ? mean_e : mean_i;
    const double sd = pop == 0 ? sd_e : sd_i;
    const uint stream = pop == 0 ? RNG_STREAM_INITIAL_E : RNG_STREAM_INITIAL_I;

    counter_rng rng;
    rng_init(&rng, seed);
    population_sums s = sums_zero();
    for (ulong j = first + get_local_id(0); j < end; j += BALNET_WORK_GROUP_SIZE) {
        rng_seek(&rng, 0, neuron_base + j, stream);
        double u = mean + sd * rng_normal(&rng);
        u = state_store(state, offset + j - base, u);
        sums_accumulate(&s, pop, u, mean);
    }
    sums_reduce_group(s, scratch, partials + group * SUMS_WIDTH);
}
