#!/usr/bin/env python3
"""High-precision Poisson values for balnet's table sampler (org.balnet.rng.PoissonPmf, PoissonTable).

Prints Java literals, as hex doubles so that the test and the code read the same bits:

    python3 src/test/scripts/poisson_pmf_reference.py stirlerr   # PoissonPmf.STIRLERR_TABLE
    python3 src/test/scripts/poisson_pmf_reference.py pmf        # PoissonPmfTest.REFERENCE
    python3 src/test/scripts/poisson_pmf_reference.py series     # PoissonPmfTest.STIRLERR_SERIES

Needs mpmath (pip install mpmath); CI does not run it: its output is committed in the sources.
Every value is computed at 60 significant digits and rounded once to the nearest double.
"""
import sys

import mpmath

mpmath.mp.dps = 60

# lambda and the offsets z (in standard deviations) of the points k = round(lambda + z sqrt(lambda)),
# clipped at 0, and the edges of PoissonTable's tables for these lambda (tails of at most 2^-32): the
# first and last counts of the table and the first count of each tail (L - 1, L, R, R + 1).
LAMBDAS = ["10", "1e3", "1e6", "1e9", "1e12"]
OFFSETS = [-6, -5, -4, -3, -2, -1, -0.5, 0, 0.5, 1, 2, 3, 4, 5, 6]
EDGES = {
    "10": [0, 35, 36],
    "1e3": [808, 809, 1203, 1204],
    "1e6": [993771, 993772, 1006240, 1006241],
    "1e9": [999802867, 999802868, 1000197145, 1000197146],
    "1e12": [999993765947, 999993765948, 1000006234065, 1000006234066],
}


def stirlerr(n):
    """log n! - log(sqrt(2 pi n) (n/e)^n): the error of Stirling's formula."""
    n = mpmath.mpf(n)
    return mpmath.loggamma(n + 1) - (n + mpmath.mpf(1) / 2) * mpmath.log(n) + n - mpmath.log(2 * mpmath.pi) / 2


def log_pmf(k, lam):
    k = mpmath.mpf(k)
    return -lam + k * mpmath.log(lam) - mpmath.loggamma(k + 1)


def hexd(x):
    return float(x).hex()


def main(which):
    if which == "stirlerr":
        for n in range(0, 32):
            value = "Double.POSITIVE_INFINITY" if n == 0 else hexd(stirlerr(n))
            print("            %s, // %d" % (value, n))
    elif which == "series":
        for n in [32, 33, 40, 100, 1000, 10**6, 10**12]:
            print("            {%dL, %s}," % (n, hexd(stirlerr(n))))
    elif which == "pmf":
        for text in LAMBDAS:
            lam = mpmath.mpf(text)
            sd = mpmath.sqrt(lam)
            points = set(EDGES[text])
            for z in OFFSETS:
                points.add(max(0, int(mpmath.nint(lam + z * sd))))
            for k in sorted(points):
                p = mpmath.exp(log_pmf(k, lam))
                print("            {%s, %dL, %s}," % (text, k, hexd(p)))
    else:
        sys.exit("usage: poisson_pmf_reference.py stirlerr|pmf|series")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "")
