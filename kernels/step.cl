// One time step of both populations in one launch: twin of CpuEngine.stepChunk.
// Needs philox.cl, poisson.cl, state.cl, the generated layout and reduce.cl before it.
//
// For neuron j of population alpha: N_{alpha e}, N_{alpha i} ~ Poisson(lambda_{alpha e}),
// Poisson(lambda_{alpha i}) from the streams of (step, j), then
//     u <- a u + b (w_e (N_e - lambda_e) + w_i (N_i - lambda_i)) + delta
// (Strang splitting; the common part lambda is in delta, computed once on the host in double), and
// the partial sums of the new state around the centre c. Work-groups cover the neurons as in
// init.cl. The plan (PLAN_* offsets, generated from OpenClEngine) holds per target population
// a, b, delta, c and per source w and the Poisson constants prepared on the host
// (PoissonSampler.Prepared.export), so every device samples with the same constants.

#pragma OPENCL FP_CONTRACT OFF

__kernel __attribute__((reqd_work_group_size(BALNET_WORK_GROUP_SIZE, 1, 1)))
void step_population(STATE_PARAMS,
                     const ulong n, const ulong tile, const ulong groups_per_population,
                     const ulong segment_length, const ulong seed, const ulong neuron_base,
                     const ulong step, __constant const double *restrict plan,
                     __global double *restrict partials
#ifdef BALNET_RECORD_COUNTS
                     , __global long *restrict counts
#endif
                     ) {
    __local double scratch[SUMS_WIDTH * BALNET_WORK_GROUP_SIZE];
    const ulong group = get_group_id(0);
    const int pop = group >= groups_per_population ? 1 : 0;
    const ulong first = (group - (ulong) pop * groups_per_population) * tile;
    const ulong end = min(first + tile, n);
    const ulong segment = first / segment_length;
    const ulong base = segment * segment_length;
    __global state_t *state = SELECT_STATE(pop, segment);

    __constant const double *target = plan + pop * PLAN_STRIDE;
    const double a = target[PLAN_DECAY];
    const double b = target[PLAN_HALF_DECAY];
    const double delta = target[PLAN_SHIFT];
    const double centre = target[PLAN_CENTRE];
    const double weight_e = target[PLAN_SOURCE_E + PLAN_WEIGHT];
    const double weight_i = target[PLAN_SOURCE_I + PLAN_WEIGHT];
    const poisson_prepared sampler_e = poisson_prepared_load(target + PLAN_SOURCE_E + PLAN_POISSON);
    const poisson_prepared sampler_i = poisson_prepared_load(target + PLAN_SOURCE_I + PLAN_POISSON);
    const uint stream_e = rng_stream_poisson(pop, 0);
    const uint stream_i = rng_stream_poisson(pop, 1);

    counter_rng rng;
    rng_init(&rng, seed);
    population_sums s = sums_zero();
    for (ulong j = first + get_local_id(0); j < end; j += BALNET_WORK_GROUP_SIZE) {
        rng_seek(&rng, step, neuron_base + j, stream_e);
        const long count_e = poisson_sample_prepared(&sampler_e, &rng);
        rng_seek(&rng, step, neuron_base + j, stream_i);
        const long count_i = poisson_sample_prepared(&sampler_i, &rng);
#ifdef BALNET_RECORD_COUNTS
        counts[2 * ((ulong) pop * n + j)] = count_e;
        counts[2 * ((ulong) pop * n + j) + 1] = count_i;
#endif
        const double jump = weight_e * ((double) count_e - sampler_e.lambda)
                + weight_i * ((double) count_i - sampler_i.lambda);
        const size_t k = j - base;
        double u = a * (double) state[k] + b * jump + delta;
        u = state_store(state, k, u);
        sums_accumulate(&s, pop, u, centre);
    }
    sums_reduce_group(s, scratch, partials + group * SUMS_WIDTH);
}
