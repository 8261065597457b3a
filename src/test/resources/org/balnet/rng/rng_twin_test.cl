// Test kernels of OpenClTwinTest: run the OpenCL twins of Philox4x32, CounterRng and
// PoissonSampler and write out what the Java side is compared with. Built after the engine's
// generated constants, philox.cl, poisson.cl, poisson_sample.cl and poisson_table.cl. An address is
// four ulongs: seed, step, neuron, stream.

/* One Random123 known-answer vector per work-item: counter c0..c3, key k0 k1 -> out[0..3]. */
__kernel void kat_philox(__global const uint *vectors, __global uint *out) {
    size_t i = get_global_id(0);
    __global const uint *v = vectors + 6 * i;
    uint block[4];
    philox4x32_10(v[0], v[1], v[2], v[3], v[4], v[5], block);
    for (int w = 0; w < 4; w++) {
        out[4 * i + w] = block[w];
    }
}

void seek_address(counter_rng *rng, __global const ulong *addresses, size_t a) {
    rng_init(rng, addresses[4 * a]);
    rng_seek(rng, addresses[4 * a + 1], addresses[4 * a + 2], (uint) addresses[4 * a + 3]);
}

/* Per address, each from a fresh seek: `words` raw words, `uniforms` uniforms, `normals` normals. */
__kernel void draw_streams(__global const ulong *addresses,
                           int words, __global ulong *word_out,
                           int uniforms, __global double *uniform_out,
                           int normals, __global double *normal_out) {
    size_t a = get_global_id(0);
    counter_rng rng;
    seek_address(&rng, addresses, a);
    for (int j = 0; j < words; j++) {
        word_out[a * words + j] = rng_word(&rng);
    }
    seek_address(&rng, addresses, a);
    for (int j = 0; j < uniforms; j++) {
        uniform_out[a * uniforms + j] = rng_uniform(&rng);
    }
    seek_address(&rng, addresses, a);
    for (int j = 0; j < normals; j++) {
        normal_out[a * normals + j] = rng_normal(&rng);
    }
}

/*
 * One work-item per (address, lambda): `draws` consecutive Poisson variates from the address by
 * poisson_sample, then again from a fresh seek by poisson_sample_prepared.
 */
__kernel void draw_poisson(__global const ulong *addresses, __global const double *lambdas,
                           int lambda_count, int draws,
                           __global long *sample_out, __global long *prepared_out) {
    size_t item = get_global_id(0);
    size_t a = item / lambda_count;
    double lambda = lambdas[item % lambda_count];
    counter_rng rng;
    seek_address(&rng, addresses, a);
    for (int j = 0; j < draws; j++) {
        sample_out[item * draws + j] = poisson_sample(lambda, &rng);
    }
    seek_address(&rng, addresses, a);
    poisson_prepared prepared = poisson_prepare(lambda);
    for (int j = 0; j < draws; j++) {
        prepared_out[item * draws + j] = poisson_sample_prepared(&prepared, &rng);
    }
}

/* log_factorial and log_poisson_pmf at given points, for the table and series comparison. */
__kernel void eval_log_pmf(__global const long *k, __global const double *lambdas,
                           __global double *log_factorial_out, __global double *log_pmf_out) {
    size_t i = get_global_id(0);
    log_factorial_out[i] = log_factorial(k[i]);
    log_pmf_out[i] = log_poisson_pmf(k[i], lambdas[i], log(lambdas[i]));
}

/*
 * One work-item per word: the count the table at `table` (PoissonTable.export, its doubles in
 * `constants`) gives the word, an escape completed from (step, neuron_base + i, stream) of `seed`.
 */
__kernel void draw_table(__global const ulong *table, __constant const double *constants,
                         __global const ulong *words, const ulong seed, const ulong step,
                         const ulong neuron_base, const uint stream, __global long *out) {
    size_t i = get_global_id(0);
    poisson_table t;
    poisson_table_load(&t, table, constants);
    __global const ulong *bounds = table + POISSON_TABLE_HEADER_LONGS;
    __global const uint *guide = (__global const uint *) (bounds + t.cells - 1);
    counter_rng rng;
    rng_init(&rng, seed);
    uint c = poisson_table_cell_global(bounds, guide, &t, words[i]);
    out[i] = poisson_table_count(&t, c, &rng, step, neuron_base + i, stream);
}
