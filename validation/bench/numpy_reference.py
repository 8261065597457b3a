"""The same O(n) superposition step as balnet's CpuEngine, vectorised with NumPy, as a yardstick
for `balnet bench` (issue: CpuEngine must reach at least 3x this on the same machine).

Per step: mean, variance, Q and mean f' from the state, lambda = h n Q, two Poisson draws per neuron (Generator.poisson),
the Strang-split update with a common shift, and the sums the next step needs. One core (NumPy
runs these element-wise operations single-threaded). Prints neuron-steps per second.

    python3 validation/bench/numpy_reference.py 1000000 20
"""
import sys
import time

import numpy as np


def rates(u, slope, amp, off):
    t = np.tanh(slope * u)
    return amp * (t + off), amp * slope * (1 - t * t)


def main():
    n = int(float(sys.argv[1])) if len(sys.argv) > 1 else 1_000_000
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    rng = np.random.default_rng(1)
    h, tau = 0.01, 1.0
    C = np.array([[1.0, 1.5], [0.5, 0.5]])          # [target][source]
    amp = np.array([[0.5, 1.0], [0.5, 1.0]])
    off = np.array([[2.0, 1.0], [2.0, 1.0]])
    slope = np.array([[1.0, 1.0], [0.5, 0.5]])
    sign = np.array([1.0, -1.0])
    u = [-5.030678 + rng.standard_normal(n), -1.282345 + rng.standard_normal(n)]
    a, b = np.exp(-h / tau), np.exp(-h / (2 * tau))
    sq = np.sqrt(n)

    def step(u):
        # The reductions CpuEngine makes: mean, variance, Q and the Jacobian's mean f'.
        q = np.empty((2, 2))
        jac = np.empty((2, 2))
        for beta in range(2):
            mean = u[beta].mean()
            var = np.mean((u[beta] - mean) ** 2)
            for alpha in range(2):
                f, df = rates(u[beta], slope[alpha, beta], amp[alpha, beta], off[alpha, beta])
                q[alpha, beta] = f.mean()
                jac[alpha, beta] = sign[beta] * C[alpha, beta] * df.mean()
        out = []
        for alpha in range(2):
            jump = np.zeros(n)
            fhat = 0.0
            for beta in range(2):
                lam = h * n * q[alpha, beta]
                jump += sign[beta] * C[alpha, beta] / sq * (rng.poisson(lam, n) - lam)
                fhat += sign[beta] * C[alpha, beta] * q[alpha, beta]
            out.append(a * u[alpha] + b * jump + b * h * sq * fhat)
        return out

    u = step(u)  # warm-up
    t0 = time.perf_counter()
    for _ in range(steps):
        u = step(u)
    dt = time.perf_counter() - t0
    print(f'{{"implementation":"numpy {np.__version__}","n":{n},"steps":{steps},'
          f'"neuron_steps_per_s":{2 * n * steps / dt:.4g}}}')


if __name__ == "__main__":
    main()
