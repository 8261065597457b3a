// Partial sums of the state, per work-group: twin of CpuEngine.accumulate and RateTable.accumulate
// (the flat layout of org.balnet.sim.PopulationSums: SUMS_WIDTH and SUMS_SUM .. SUMS_SLOPE_I in the
// generated header, PopulationSums.openClDefines).
// Needs the generated rate functions rates_source_e and rates_source_i (SourceRates.openClSource) before it.
//
// Each work-item accumulates its neurons in private doubles; the work-group then adds the
// work-items' sums by a tree in local memory, in a fixed order, and work-item 0 writes the group's
// SUMS_WIDTH doubles. The host adds the groups in index order, so a run gives the same bits every
// time on a given device and work-group size.

#pragma OPENCL FP_CONTRACT OFF

typedef struct {
    double sum;      /* sum (u - c) */
    double sum_sq;   /* sum (u - c)^2 */
    double rate_e;   /* sum f_{e, source}(u) */
    double rate_i;   /* sum f_{i, source}(u) */
    double slope_e;  /* sum f'_{e, source}(u) */
    double slope_i;  /* sum f'_{i, source}(u) */
} population_sums;

inline population_sums sums_zero(void) {
    population_sums s = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0};
    return s;
}

/* CpuEngine.accumulate: adds one neuron of population `source` (0 = e, 1 = i) with state u,
   shifted by the centre c (shifted sums: the variance of 1e9 values near -5 cancels without it). */
inline void sums_accumulate(population_sums *s, int source, double u, double centre) {
    const double d = u - centre;
    s->sum += d;
    s->sum_sq += d * d;
    if (source == 0) {
        rates_source_e(u, &s->rate_e, &s->rate_i, &s->slope_e, &s->slope_i);
    } else {
        rates_source_i(u, &s->rate_e, &s->rate_i, &s->slope_e, &s->slope_i);
    }
}

/* Adds the sums of the BALNET_WORK_GROUP_SIZE work-items of this group (a power of two) and has
   work-item 0 write them to out[0 .. SUMS_WIDTH) in PopulationSums' layout. scratch holds SUMS_WIDTH * BALNET_WORK_GROUP_SIZE
   doubles. Every work-item of the group must call it. */
void sums_reduce_group(population_sums s, __local double *scratch, __global double *out) {
    const uint lid = get_local_id(0);
    scratch[SUMS_SUM * BALNET_WORK_GROUP_SIZE + lid] = s.sum;
    scratch[SUMS_SUM_SQ * BALNET_WORK_GROUP_SIZE + lid] = s.sum_sq;
    scratch[SUMS_RATE_E * BALNET_WORK_GROUP_SIZE + lid] = s.rate_e;
    scratch[SUMS_RATE_I * BALNET_WORK_GROUP_SIZE + lid] = s.rate_i;
    scratch[SUMS_SLOPE_E * BALNET_WORK_GROUP_SIZE + lid] = s.slope_e;
    scratch[SUMS_SLOPE_I * BALNET_WORK_GROUP_SIZE + lid] = s.slope_i;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (uint stride = BALNET_WORK_GROUP_SIZE / 2; stride > 0; stride >>= 1) {
        if (lid < stride) {
            for (int w = 0; w < SUMS_WIDTH; w++) {
                scratch[w * BALNET_WORK_GROUP_SIZE + lid] += scratch[w * BALNET_WORK_GROUP_SIZE + lid + stride];
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0) {
        for (int w = 0; w < SUMS_WIDTH; w++) {
            out[w] = scratch[w * BALNET_WORK_GROUP_SIZE];
        }
    }
}
