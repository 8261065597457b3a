// Twin of src/main/java/org/balnet/rng/PoissonTable.java (the reasons for each step are written
// there). Needs philox.cl (counter_rng, rng_seek, rng_uniform) before it and the POISSON_TABLE_*
// offsets of the generated header (PoissonTable.openClDefines).
//
// Poisson(lambda) by inversion of one 64-bit word through the host's integer table (PoissonTable.export):
// the guide, indexed by the word's top bits, gives the first cell that can hold the word, and unsigned
// 64-bit comparisons find the cell: no floating point, so the count is the host's. A word in an
// escape cell is completed by sequential search in the tail with + * / only (correctly rounded in
// OpenCL C as in Java) and uniforms from the pair's own stream.

#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#pragma OPENCL FP_CONTRACT OFF

/* PoissonTable's fields: the header (PoissonTable.export) and the doubles (PoissonTable.exportDoubles). */
typedef struct {
    uint cells;
    uint low_cells;
    uint guide_shift;
    uint guide_entries;
    long first;
    long high;
    long low_tail_end;
    long high_tail_end;
    double lambda;
    double low_tail_start;
    double low_tail_mass;
    double high_tail_start;
    double high_tail_mass;
} poisson_table;

/* Reads a table's header at `table` and its doubles at `constants` into t. (An out-parameter, not a
   returned struct: inlining a struct return leaves llvm.experimental.noalias.scope.decl behind, which
   Oclgrind 21.10 cannot execute.) */
RNG_INLINE void poisson_table_load(poisson_table *t, __global const ulong *table, __constant const double *constants) {
    t->cells = (uint) table[POISSON_TABLE_CELLS];
    t->low_cells = (uint) table[POISSON_TABLE_LOW_CELLS];
    t->guide_shift = (uint) table[POISSON_TABLE_GUIDE_SHIFT];
    t->guide_entries = (uint) table[POISSON_TABLE_GUIDE_ENTRIES];
    t->first = (long) table[POISSON_TABLE_FIRST];
    t->high = (long) table[POISSON_TABLE_HIGH];
    t->low_tail_end = (long) table[POISSON_TABLE_LOW_TAIL_END];
    t->high_tail_end = (long) table[POISSON_TABLE_HIGH_TAIL_END];
    t->lambda = constants[POISSON_TABLE_LAMBDA];
    t->low_tail_start = constants[POISSON_TABLE_LOW_TAIL_START];
    t->low_tail_mass = constants[POISSON_TABLE_LOW_TAIL_MASS];
    t->high_tail_start = constants[POISSON_TABLE_HIGH_TAIL_START];
    t->high_tail_mass = constants[POISSON_TABLE_HIGH_TAIL_MASS];
}

/* Longs after the header that hold the bounds and the guide (the guide's 32-bit entries packed two to a long). */
RNG_INLINE ulong poisson_table_body_longs(const poisson_table *t) {
    return (ulong) (t->cells - 1) + (t->guide_entries + 1) / 2;
}

/* PoissonTable.cell, for the bounds and guide in global or in local memory (OpenCL 1.2 has no generic
   address space, so the one function is written out for each). */
#define POISSON_TABLE_CELL(NAME, SPACE)                                                             \
    RNG_INLINE uint NAME(SPACE const ulong *bounds, SPACE const uint *guide, const poisson_table *t, \
                         ulong word) {                                                              \
        uint c = guide[word >> t->guide_shift];                                                     \
        const uint last = t->cells - 1;                                                             \
        while (c < last && word >= bounds[c]) {                                                     \
            c++;                                                                                    \
        }                                                                                           \
        return c;                                                                                   \
    }
POISSON_TABLE_CELL(poisson_table_cell_global, __global)
POISSON_TABLE_CELL(poisson_table_cell_local, __local)

/* PoissonTable.lowerTail */
long poisson_table_lower_tail(const poisson_table *t, double u) {
    const double target = u * t->low_tail_mass;
    long k = t->first + (long) t->low_cells - 1;
    double p = t->low_tail_start;
    double cum = p;
    while (cum < target && k > t->low_tail_end) {
        p = p * (double) k / t->lambda;
        k--;
        cum += p;
    }
    return k;
}

/* PoissonTable.upperTail */
long poisson_table_upper_tail(const poisson_table *t, double u) {
    const double target = u * t->high_tail_mass;
    long k = t->high + 1;
    double p = t->high_tail_start;
    double cum = p;
    while (cum < target && k < t->high_tail_end) {
        k++;
        p = p * t->lambda / (double) k;
        cum += p;
    }
    return k;
}

/* PoissonTable.sample once the cell c of the word is known: the count, or an escape completed from
   the pair's stream at (step, neuron, stream). */
RNG_INLINE long poisson_table_count(const poisson_table *t, uint c, counter_rng *rng, ulong step, ulong neuron,
                                    uint stream) {
    if (c < t->low_cells) {
        rng_seek(rng, step, neuron, stream);
        return poisson_table_lower_tail(t, rng_uniform(rng));
    }
    const long k = t->first + (long) c;
    if (k > t->high) {
        rng_seek(rng, step, neuron, stream);
        return poisson_table_upper_tail(t, rng_uniform(rng));
    }
    return k;
}
