// Twin of src/main/java/org/balnet/rng/PoissonSampler.java (the reasons for each step are written
// there). Needs philox.cl before it (counter_rng, rng_uniform); its constants (PTRS_*, STIRLING_*,
// LOG_FACTORIAL_TABLE, POISSON_METHOD_*, POISSON_PREPARED_*) are in the generated header
// (PoissonSampler.openClDefines).
//
// Exact Poisson(lambda) variates, arithmetic in double: 0 -> 0, lambda < 10 inversion, else PTRS
// (Hörmann, Insurance: Math. & Econ. 12 (1993)). Counts are long. The engine samples with the
// host's prepared constants (PoissonSampler.Prepared.export); the twins of PoissonSampler.sample,
// ptrs, inversion, logFactorial and of Prepared's constructor, which only the twin test runs, are in
// its program (src/test/resources/org/balnet/rng/poisson_sample.cl).

#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#pragma OPENCL FP_CONTRACT OFF

/* PoissonSampler.stirlingCorrection */
RNG_INLINE double stirling_correction(double k) {
    double r = 1.0 / k;
    double r2 = r * r;
    return r * (STIRLING_1 - r2 * (STIRLING_3 - r2 * (STIRLING_5 - r2 * STIRLING_7)));
}

/* PoissonSampler.logPoissonPmf: cancellation-free Stirling form for large k. */
RNG_INLINE double log_poisson_pmf(long k, double lambda, double log_lambda) {
    if (k < LOG_FACTORIAL_TABLE_SIZE) {
        return -lambda + (double) k * log_lambda - LOG_FACTORIAL_TABLE[(int) k];
    }
    double kd = (double) k;
    double excess = kd - lambda;
    double log_ratio = log1p(excess / lambda);
    return excess - kd * log_ratio - (HALF_LOG_TWO_PI + 0.5 * (log_lambda + log_ratio)) - stirling_correction(kd);
}

/* PoissonSampler.inversionSearch */
RNG_INLINE long poisson_inversion_search(double lambda, double exp_neg_lambda, counter_rng *rng) {
    double u = rng_uniform(rng);
    long k = 0;
    double pmf = exp_neg_lambda;
    double cdf = exp_neg_lambda;
    while (cdf < u) {
        k++;
        pmf *= lambda / (double) k;
        double next = cdf + pmf;
        if (next == cdf) {
            break;
        }
        cdf = next;
    }
    return k;
}

/* PoissonSampler.ptrsLoop */
RNG_INLINE long poisson_ptrs_loop(double lambda, double log_lambda, double a, double b, double log_inv_alpha,
                       double vr, counter_rng *rng) {
    while (true) {
        double u = rng_uniform(rng) - 0.5;
        double v = rng_uniform(rng);
        double us = 0.5 - fabs(u);
        double k = floor((2 * a / us + b) * u + lambda + PTRS_K_SHIFT);
        if (us >= PTRS_US_SQUEEZE && v <= vr) {
            return (long) k;
        }
        if (!(k >= 0 && k < PTRS_K_LIMIT) || (us < PTRS_US_TAIL && v > us)) {
            continue;
        }
        if (log(v / (a / (us * us) + b)) + log_inv_alpha
                <= log_poisson_pmf((long) k, lambda, log_lambda)) {
            return (long) k;
        }
    }
}

/* PoissonSampler.Prepared (lambda is range-checked on the host). */
typedef struct {
    double lambda;
    int method;
    double exp_neg_lambda;
    double log_lambda;
    double a;
    double b;
    double log_inv_alpha;
    double vr;
} poisson_prepared;

/* PoissonSampler.Prepared.export, read back: the host's constants. */
RNG_INLINE poisson_prepared poisson_prepared_load(__constant const double *c) {
    poisson_prepared p;
    p.lambda = c[POISSON_PREPARED_LAMBDA];
    p.method = (int) c[POISSON_PREPARED_METHOD];
    p.exp_neg_lambda = c[POISSON_PREPARED_EXP_NEG_LAMBDA];
    p.log_lambda = c[POISSON_PREPARED_LOG_LAMBDA];
    p.a = c[POISSON_PREPARED_A];
    p.b = c[POISSON_PREPARED_B];
    p.log_inv_alpha = c[POISSON_PREPARED_LOG_INV_ALPHA];
    p.vr = c[POISSON_PREPARED_VR];
    return p;
}

/* PoissonSampler.Prepared.sample */
RNG_INLINE long poisson_sample_prepared(const poisson_prepared *p, counter_rng *rng) {
    if (p->method == POISSON_METHOD_PTRS) {
        return poisson_ptrs_loop(p->lambda, p->log_lambda, p->a, p->b, p->log_inv_alpha, p->vr, rng);
    }
    if (p->method == POISSON_METHOD_INVERSION) {
        return poisson_inversion_search(p->lambda, p->exp_neg_lambda, rng);
    }
    return 0;
}
