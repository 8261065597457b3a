// The OpenCL twins of PoissonSampler.logFactorial, inversion, ptrs, sample and of the constructor of
// PoissonSampler.Prepared. The engine never calls them (it samples with the host's prepared constants,
// poisson_prepared_load), so they live in OpenClTwinTest's program only, after kernels/poisson.cl.

#pragma OPENCL FP_CONTRACT OFF

/* PoissonSampler.logFactorial */
double log_factorial(long k) {
    if (k < LOG_FACTORIAL_TABLE_SIZE) {
        return LOG_FACTORIAL_TABLE[(int) k];
    }
    double kd = (double) k;
    return (kd + 0.5) * log(kd) - kd + HALF_LOG_TWO_PI + stirling_correction(kd);
}

/* PoissonSampler.inversion */
long poisson_inversion(double lambda, counter_rng *rng) {
    return poisson_inversion_search(lambda, exp(-lambda), rng);
}

/* PoissonSampler.ptrs */
long poisson_ptrs(double lambda, counter_rng *rng) {
    double slam = sqrt(lambda);
    double log_lambda = log(lambda);
    double b = PTRS_B_OFFSET + PTRS_B_SLOPE * slam;
    double a = PTRS_A_OFFSET + PTRS_A_SLOPE * b;
    double inv_alpha = PTRS_INV_ALPHA_OFFSET + PTRS_INV_ALPHA_SCALE / (b - PTRS_INV_ALPHA_B_SHIFT);
    double vr = PTRS_VR_OFFSET - PTRS_VR_SCALE / (b - PTRS_VR_B_SHIFT);
    return poisson_ptrs_loop(lambda, log_lambda, a, b, log(inv_alpha), vr, rng);
}

/* PoissonSampler.sample */
long poisson_sample(double lambda, counter_rng *rng) {
    if (lambda >= POISSON_PTRS_THRESHOLD) {
        return poisson_ptrs(lambda, rng);
    }
    if (lambda > 0) {
        return poisson_inversion(lambda, rng);
    }
    return 0;
}

/* new PoissonSampler.Prepared(lambda) */
poisson_prepared poisson_prepare(double lambda) {
    poisson_prepared p;
    p.lambda = lambda;
    if (lambda >= POISSON_PTRS_THRESHOLD) {
        double slam = sqrt(lambda);
        p.method = POISSON_METHOD_PTRS;
        p.log_lambda = log(lambda);
        p.b = PTRS_B_OFFSET + PTRS_B_SLOPE * slam;
        p.a = PTRS_A_OFFSET + PTRS_A_SLOPE * p.b;
        double inv_alpha = PTRS_INV_ALPHA_OFFSET + PTRS_INV_ALPHA_SCALE / (p.b - PTRS_INV_ALPHA_B_SHIFT);
        p.vr = PTRS_VR_OFFSET - PTRS_VR_SCALE / (p.b - PTRS_VR_B_SHIFT);
        p.log_inv_alpha = log(inv_alpha);
        p.exp_neg_lambda = 0;
    } else {
        p.method = lambda > 0 ? POISSON_METHOD_INVERSION : POISSON_METHOD_ZERO;
        p.exp_neg_lambda = exp(-lambda);
        p.log_lambda = 0;
        p.a = 0;
        p.b = 0;
        p.log_inv_alpha = 0;
        p.vr = 0;
    }
    return p;
}
