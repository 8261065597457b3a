// Histogram of one population's states on the device: twin of CpuEngine.histogram.
// Needs the generated header (STATE_PARAMS, SELECT_STATE) and state.cl before it. Its arguments after
// the state buffers are bound by name: KernelArguments.Histogram lists them in this order.
//
// Counts neurons [0, n) of one replica, whose block starts at element replica_offset of the
// population's state (init.cl). Bins: 0 below lo, 1 .. bins for [lo, hi) in equal parts, bins + 1
// at or above hi and NaN. Each work-group counts a contiguous range of neurons into local counters
// (32-bit: a range holds fewer than 2^31 neurons) for the bins [window_first, window_first +
// window_count), then writes them to counts[group * window_count ..]; the host adds the groups in
// 64 bits and runs further windows when local memory cannot hold all bins at once.

__kernel void histogram_population(STATE_PARAMS,
                                   const ulong n, const ulong segment_length, const ulong replica_offset,
                                   const int pop,
                                   const ulong neurons_per_group,
                                   const double lo, const double hi, const double scale, const int bins,
                                   const int window_first, const int window_count,
                                   __global uint *restrict counts, __local uint *restrict local_counts) {
    const uint lid = get_local_id(0);
    const uint size = get_local_size(0);
    for (int i = lid; i < window_count; i += size) {
        local_counts[i] = 0;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    const ulong group = get_group_id(0);
    const ulong first = group * neurons_per_group;
    const ulong end = min(first + neurons_per_group, n);
    for (ulong j = first + lid; j < end; j += size) {
        const ulong stored = replica_offset + j;
        const ulong segment = stored / segment_length;
        const double u = (double) SELECT_STATE(pop, segment)[stored - segment * segment_length];
        int bin;
        if (u < lo) {
            bin = 0;
        } else if (u < hi) {
            bin = 1 + (int) min((long) (bins - 1), (long) ((u - lo) * scale));
        } else {
            bin = bins + 1; /* also NaN, which fails both comparisons */
        }
        const int w = bin - window_first;
        if (w >= 0 && w < window_count) {
            atomic_inc(&local_counts[w]);
        }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int i = lid; i < window_count; i += size) {
        counts[group * window_count + i] = local_counts[i];
    }
}
