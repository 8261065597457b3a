// One time step of both populations of every replica in one launch: twin of CpuEngine.stepChunk
// and, for the draws, of PoissonStep.draw. Needs the generated header (streams, table layout, PLAN_*,
// REPLICA_*, STATE_PARAMS), philox.cl, poisson.cl, poisson_table.cl, state.cl and reduce.cl before it.
// Its arguments after the state buffers are bound by name: KernelArguments.Step lists them in this
// order.
//
// For neuron j of population alpha: N_{alpha e}, N_{alpha i} ~ Poisson(lambda_{alpha e}),
// Poisson(lambda_{alpha i}), then
//     u <- a u + b (w_e (N_e - lambda_e) + w_i (N_i - lambda_i)) + delta
// (Strang splitting; the common part lambda is in delta, computed once on the host in double), and
// the partial sums of the new state around the centre c. Work-groups cover the replicas and their
// neurons as in init.cl; a replica that is not active this step (REPLICA_ACTIVE = 0: it has left the
// balanced state, or finished) keeps its state and its groups write no sums. Per replica, the plan
// (PLAN_* offsets, from OpenClEngine.planDefines, PLAN_REPLICA doubles each) holds per target population
// a, b, delta, c and per source the spike weight, the offset of its table in `tables` and the
// constants of its Poisson law, all prepared on the host (PoissonTable.exportDoubles or
// PoissonSampler.Prepared.export), so every device samples the host's law.
//
// The sampler is a build option: BALNET_SAMPLER_TABLE (one step block per neuron, both counts from
// its two words through the host's tables, PoissonStep.draw) or BALNET_SAMPLER_PTRS (each count from
// its pair's stream). With tables_in_local the work-group first copies its population's two tables
// (bounds and guides) into table_cache, where the scattered lookups of the draws cost least on a GPU;
// otherwise it reads them from global memory (the host decides per step from their size).

#pragma OPENCL FP_CONTRACT OFF

__kernel __attribute__((reqd_work_group_size(BALNET_WORK_GROUP_SIZE, 1, 1)))
void step_population(STATE_PARAMS,
                     const ulong n, const ulong tile, const ulong groups_per_population,
                     const ulong segment_length, const ulong replica_stride,
                     __global const ulong *restrict replicas, const ulong neuron_base,
                     __constant const double *restrict plan,
                     __global const ulong *restrict tables, const uint tables_in_local,
                     __local ulong *restrict table_cache,
                     __global double *restrict partials
#ifdef BALNET_RECORD_COUNTS
                     , __global long *restrict counts
#endif
                     ) {
    __local double scratch[SUMS_WIDTH * BALNET_WORK_GROUP_SIZE];
    const ulong group = get_group_id(0);
    const ulong replica = group / (2 * groups_per_population);
    __global const ulong *key = replicas + replica * REPLICA_WIDTH;
    if (key[REPLICA_ACTIVE] == 0) {
        return; /* the whole work-group, before any barrier */
    }
    const ulong seed = key[REPLICA_SEED];
    const ulong time_step = key[REPLICA_STEP];
    const ulong in_replica = group - replica * 2 * groups_per_population;
    const int pop = in_replica >= groups_per_population ? 1 : 0;
    const ulong first = (in_replica - (ulong) pop * groups_per_population) * tile;
    const ulong end = min(first + tile, n);
    /* The replica's block in its population's state: replica_stride is a whole number of tiles, so the
       group's tile lies in one segment. */
    const ulong offset = replica * replica_stride;
    const ulong segment = (offset + first) / segment_length;
    const ulong base = segment * segment_length;
    __global state_t *state = SELECT_STATE(pop, segment);

    __constant const double *target = plan + replica * PLAN_REPLICA + pop * PLAN_STRIDE;
    const double a = target[PLAN_DECAY];
    const double b = target[PLAN_HALF_DECAY];
    const double delta = target[PLAN_SHIFT];
    const double centre = target[PLAN_CENTRE];
    const double weight_e = target[PLAN_SOURCE_E + PLAN_WEIGHT];
    const double weight_i = target[PLAN_SOURCE_I + PLAN_WEIGHT];
    const uint stream_e = rng_stream_pair(pop, 0);
    const uint stream_i = rng_stream_pair(pop, 1);
#ifdef BALNET_SAMPLER_TABLE
    __global const ulong *table_e = tables + (ulong) target[PLAN_SOURCE_E + PLAN_TABLE];
    __global const ulong *table_i = tables + (ulong) target[PLAN_SOURCE_I + PLAN_TABLE];
    poisson_table law_e;
    poisson_table law_i;
    poisson_table_load(&law_e, table_e, target + PLAN_SOURCE_E + PLAN_POISSON);
    poisson_table_load(&law_i, table_i, target + PLAN_SOURCE_I + PLAN_POISSON);
    const double lambda_e = law_e.lambda;
    const double lambda_i = law_i.lambda;
    __global const ulong *bounds_e = table_e + POISSON_TABLE_HEADER_LONGS;
    __global const ulong *bounds_i = table_i + POISSON_TABLE_HEADER_LONGS;
    __global const uint *guide_e = (__global const uint *) (bounds_e + law_e.cells - 1);
    __global const uint *guide_i = (__global const uint *) (bounds_i + law_i.cells - 1);
    const ulong body_e = poisson_table_body_longs(&law_e);
    const ulong body_i = poisson_table_body_longs(&law_i);
    __local const ulong *cached_bounds_e = table_cache;
    __local const ulong *cached_bounds_i = table_cache + body_e;
    __local const uint *cached_guide_e = (__local const uint *) (cached_bounds_e + law_e.cells - 1);
    __local const uint *cached_guide_i = (__local const uint *) (cached_bounds_i + law_i.cells - 1);
    if (tables_in_local) {
        for (ulong w = get_local_id(0); w < body_e; w += BALNET_WORK_GROUP_SIZE) {
            table_cache[w] = bounds_e[w];
        }
        for (ulong w = get_local_id(0); w < body_i; w += BALNET_WORK_GROUP_SIZE) {
            table_cache[body_e + w] = bounds_i[w];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    const uint stream_step = rng_stream_step(pop);
#else
    const poisson_prepared law_e = poisson_prepared_load(target + PLAN_SOURCE_E + PLAN_POISSON);
    const poisson_prepared law_i = poisson_prepared_load(target + PLAN_SOURCE_I + PLAN_POISSON);
    const double lambda_e = law_e.lambda;
    const double lambda_i = law_i.lambda;
#endif

    counter_rng rng;
    rng_init(&rng, seed);
    population_sums s = sums_zero();
    for (ulong j = first + get_local_id(0); j < end; j += BALNET_WORK_GROUP_SIZE) {
        const ulong neuron = neuron_base + j;
#ifdef BALNET_SAMPLER_TABLE
        rng_seek(&rng, time_step, neuron, stream_step);
        const ulong word_e = rng_word(&rng);
        const ulong word_i = rng_word(&rng);
        uint cell_e;
        uint cell_i;
        if (tables_in_local) {
            cell_e = poisson_table_cell_local(cached_bounds_e, cached_guide_e, &law_e, word_e);
            cell_i = poisson_table_cell_local(cached_bounds_i, cached_guide_i, &law_i, word_i);
        } else {
            cell_e = poisson_table_cell_global(bounds_e, guide_e, &law_e, word_e);
            cell_i = poisson_table_cell_global(bounds_i, guide_i, &law_i, word_i);
        }
        const long count_e = poisson_table_count(&law_e, cell_e, &rng, time_step, neuron, stream_e);
        const long count_i = poisson_table_count(&law_i, cell_i, &rng, time_step, neuron, stream_i);
#else
        rng_seek(&rng, time_step, neuron, stream_e);
        const long count_e = poisson_sample_prepared(&law_e, &rng);
        rng_seek(&rng, time_step, neuron, stream_i);
        const long count_i = poisson_sample_prepared(&law_i, &rng);
#endif
#ifdef BALNET_RECORD_COUNTS
        counts[2 * ((2 * replica + (ulong) pop) * n + j)] = count_e;
        counts[2 * ((2 * replica + (ulong) pop) * n + j) + 1] = count_i;
#endif
        const double jump = weight_e * ((double) count_e - lambda_e) + weight_i * ((double) count_i - lambda_i);
        const size_t k = offset + j - base;
        double u = a * (double) state[k] + b * jump + delta;
        u = state_store(state, k, u);
        sums_accumulate(&s, pop, u, centre);
    }
    sums_reduce_group(s, scratch, partials + group * SUMS_WIDTH);
}
