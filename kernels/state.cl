// Where the neuron states live and in what precision. Twin of CpuEngine.load/store.
//
// The precision is a build option (BALNET_STATE_FP32 for float, double otherwise); the arithmetic
// of a step is double either way and only the stored value is rounded. When a population's state
// exceeds the device's largest allocation it is split over several buffers: the host generates
// STATE_PARAMS (the kernel parameters, one per buffer) and SELECT_STATE(pop, segment) (which of
// them holds a segment), see org.balnet.sim.opencl.StateLayout. Every segment but the last holds
// segment_length neurons, a multiple of the neurons of one work-group, so a work-group never
// straddles two buffers.

#pragma OPENCL FP_CONTRACT OFF

#ifdef BALNET_STATE_FP32
typedef float state_t;
#else
typedef double state_t;
#endif

/* CpuEngine.store: stores u and returns the value held (rounded to float in fp32), so that the sums
   describe the stored state. The conversion rounds to nearest, as Java's (float) does. */
inline double state_store(__global state_t *state, size_t k, double u) {
    const state_t held = (state_t) u;
    state[k] = held;
    return (double) held;
}
