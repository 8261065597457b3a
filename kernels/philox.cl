// Twin of src/main/java/org/balnet/rng/Philox4x32.java and CounterRng.java (counter layout and
// uniform conversion: CounterRng's class comment). Their constants (PHILOX_*, RNG_*, rng_stream_*)
// are in the generated header before this file (Philox4x32.openClDefines, CounterRng.openClDefines).
//
// Philox4x32-10 (Salmon, Moraes, Dror and Shaw, SC'11; constants of Random123's philox.h) and a
// counter-addressed stream of uniforms and normals. The double arithmetic needs cl_khr_fp64;
// contraction is off so that a * b + c rounds twice, as in Java.

#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#pragma OPENCL FP_CONTRACT OFF

/* Functions called once or twice per draw are inlined: PoCL otherwise calls them and keeps the
   generator's state in memory, which made a step 1.5x slower on the CPU; GPU compilers inline them
   anyway. */
#define RNG_INLINE __attribute__((always_inline))

/* One Philox4x32-10 block: counter (c0..c3), key (k0, k1) -> out[0..3]. */
RNG_INLINE void philox4x32_10(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1, uint *out) {
    for (int round = 0; round < PHILOX4X32_ROUNDS; round++) {
        if (round > 0) {
            k0 += PHILOX_W32_0;
            k1 += PHILOX_W32_1;
        }
        /* One 32 x 32 -> 64-bit product gives both words, as in the Java twin; PoCL's mul_hi
           builds the high word from four 16-bit products instead. */
        ulong product0 = (ulong) PHILOX_M4x32_0 * c0;
        ulong product1 = (ulong) PHILOX_M4x32_1 * c2;
        uint hi0 = (uint) (product0 >> 32);
        uint lo0 = (uint) product0;
        uint hi1 = (uint) (product1 >> 32);
        uint lo1 = (uint) product1;
        c0 = hi1 ^ c1 ^ k0;
        c1 = lo1;
        c2 = hi0 ^ c3 ^ k1;
        c3 = lo0;
    }
    out[0] = c0;
    out[1] = c1;
    out[2] = c2;
    out[3] = c3;
}

/* CounterRng: one per work-item, in private memory. */
typedef struct {
    uint key0;
    uint key1;
    uint draw;
    uint step;
    uint neuron_low;
    uint neuron_high_and_stream;
    uint block[4];
    uint words_used;
} counter_rng;

/* CounterRng(seed) */
void rng_init(counter_rng *rng, ulong seed) {
    rng->key0 = (uint) seed;
    rng->key1 = (uint) (seed >> 32);
    rng->draw = 0;
    rng->step = 0;
    rng->neuron_low = 0;
    rng->neuron_high_and_stream = 0;
    rng->words_used = RNG_WORDS_PER_BLOCK;
}

/* CounterRng.seek; the ranges are checked on the host, not here. */
RNG_INLINE void rng_seek(counter_rng *rng, ulong step, ulong neuron, uint stream) {
    rng->step = (uint) step;
    rng->neuron_low = (uint) neuron;
    rng->neuron_high_and_stream = (uint) (neuron >> 32) | stream << RNG_STREAM_SHIFT;
    rng->draw = 0;
    rng->words_used = RNG_WORDS_PER_BLOCK;
}

/* CounterRng.nextWord */
RNG_INLINE ulong rng_word(counter_rng *rng) {
    if (rng->words_used == RNG_WORDS_PER_BLOCK) {
        philox4x32_10(rng->draw, rng->step, rng->neuron_low, rng->neuron_high_and_stream,
                      rng->key0, rng->key1, rng->block);
        rng->draw++;
        rng->words_used = 0;
    }
    uint low = rng->block[2 * rng->words_used];
    uint high = rng->block[2 * rng->words_used + 1];
    rng->words_used++;
    return (ulong) high << 32 | low;
}

/* CounterRng.toUniform */
RNG_INLINE double rng_to_uniform(ulong word) {
    return ((double) (word >> RNG_UNIFORM_DROPPED_BITS) + 0.5) * RNG_UNIFORM_CELL;
}

/* CounterRng.nextUniform */
RNG_INLINE double rng_uniform(counter_rng *rng) {
    return rng_to_uniform(rng_word(rng));
}

/* CounterRng.nextNormal */
double rng_normal(counter_rng *rng) {
    double u1 = rng_uniform(rng);
    double u2 = rng_uniform(rng);
    return sqrt(-2.0 * log(u1)) * cos(RNG_TWO_PI * u2);
}
