// The initial condition (6.5)-(6.6) drawn on the device: twin of CpuEngine.initChunk.
// Needs the generated header (streams, SUMS_WIDTH, STATE_PARAMS), philox.cl, state.cl and reduce.cl
// before it. Its arguments after the state buffers are bound by name: KernelArguments.Init lists them
// in this order.
//
// Work-group g covers neurons [g' tile, (g' + 1) tile) of population pop, where
// pop = g / groups_per_population and g' = g mod groups_per_population (e first, then i);
// its work-items take every BALNET_WORK_GROUP_SIZE-th neuron, so neighbours access neighbours.

#pragma OPENCL FP_CONTRACT OFF

/* u = m + sqrt(k) z with z from the population's initial stream at step 0; partial sums around m. */
__kernel __attribute__((reqd_work_group_size(BALNET_WORK_GROUP_SIZE, 1, 1)))
void init_population(STATE_PARAMS,
                     const ulong n, const ulong tile, const ulong groups_per_population,
                     const ulong segment_length, const ulong seed, const ulong neuron_base,
                     const double mean_e, const double mean_i, const double sd_e, const double sd_i,
                     __global double *restrict partials) {
    __local double scratch[SUMS_WIDTH * BALNET_WORK_GROUP_SIZE];
    const ulong group = get_group_id(0);
    const int pop = group >= groups_per_population ? 1 : 0;
    const ulong first = (group - (ulong) pop * groups_per_population) * tile;
    const ulong end = min(first + tile, n);
    const ulong segment = first / segment_length;
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
        u = state_store(state, j - base, u);
        sums_accumulate(&s, pop, u, mean);
    }
    sums_reduce_group(s, scratch, partials + group * SUMS_WIDTH);
}
