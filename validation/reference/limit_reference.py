#!/usr/bin/env python3
"""Reference values of the hydrodynamic limit (Lemma 4.2), computed without any of balnet's code.

balnet's own tests and `balnet reproduce` compare its limit solver with the numbers this script
writes to validation/expected/mv-6.1.toml, mv-6.2.toml and eta-finite.toml. It shares nothing with
the Java solver but the paper's equations:

  * Gaussian expectations G[g](v, K) = E g(v + sqrt(K) Z) by composite Gauss-Legendre on
    z in [-12, 12] (240 panels of 16 nodes), checked here against mpmath.quad at 30 digits
    (the Java code uses a different rule, and closed forms for erf);
  * the balanced point: Newton on F(v, K(0)) = 0 from every start of a grid, then the stable root
    (all eigenvalues of J_v with negative real part);
  * the limit: (4.6), (4.7) and (5.24) integrated as they stand, in t, by classical Runge-Kutta 4
    with a fixed step (the Java solver uses Dormand-Prince 8(5,3) in a reparametrised time, with
    projection onto F = 0); the step is halved once and the difference, divided by 15 (Richardson),
    is printed as the error estimate of the values written;
  * eta of eta-finite (a fold: det J_v reaches 0 while dv/dt blows up like (eta - t)^(-1/2)): the
    same system with v_e as the independent variable, in which t(v_e) is smooth and has its maximum
    eta where det J_v = 0; located by bisection on the Runge-Kutta solution.

Run from the repository root (python3 with numpy and mpmath; about a minute):

    python3 validation/reference/limit_reference.py            # writes validation/expected/*.toml
    python3 validation/reference/limit_reference.py --check    # prints differences from the files
"""
import argparse
import math
import sys
import tomllib
from pathlib import Path

import mpmath
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "validation" / "scenarios"
EXPECTED = ROOT / "validation" / "expected"
POPS = ("e", "i")
SIGN = (1.0, -1.0)  # s_e = +1, s_i = -1
# What `balnet reproduce` accepts: far above both this script's and the solver's error (~1e-10),
# far below any change of the model, the quadrature or the balanced point.
REPRODUCE_TOLERANCE = 1e-6

# Composite Gauss-Legendre for E g(Z), Z ~ N(0, 1), on [-Z_MAX, Z_MAX]: phi(12) = 2e-32.
Z_MAX = 12.0
PANELS = 240
NODES = 16
_x, _w = np.polynomial.legendre.leggauss(NODES)
_edges = np.linspace(-Z_MAX, Z_MAX, PANELS + 1)
_half = (_edges[1:] - _edges[:-1]) / 2
Z = ((_edges[:-1] + _edges[1:]) / 2)[:, None] + _half[:, None] * _x[None, :]
W = (_half[:, None] * _w[None, :]) * np.exp(-Z * Z / 2) / math.sqrt(2 * math.pi)
Z, W = Z.ravel(), W.ravel()


def sigmoid(family, x, order):
    """g, g' or g'' of the family at x (numpy arrays)."""
    if family == "tanh":
        t = np.tanh(x)
        return (t, 1 - t * t, -2 * t * (1 - t * t))[order]
    if family == "logistic":
        s = 0.5 * (1 + np.tanh(x / 2))
        return (s, s * (1 - s), s * (1 - s) * (1 - 2 * s))[order]
    if family == "erf":
        d = 2 / math.sqrt(math.pi) * np.exp(-x * x)
        return (np.vectorize(math.erf)(x) if order == 0 else d if order == 1 else -2 * x * d)
    raise ValueError(family)


class Rate:
    """f(x) = amplitude (g(slope x) + offset) and its first two derivatives."""

    def __init__(self, table):
        self.family = table["family"]
        self.amplitude = float(table["amplitude"])
        self.offset = float(table["offset"])
        self.slope = float(table["slope"])

    def expectation(self, v, k):
        """(G[f], G[f'], G[f'']) at mean v, variance k."""
        x = self.slope * (v + math.sqrt(k) * Z)
        a, c = self.amplitude, self.slope
        return (a * (W @ sigmoid(self.family, x, 0) + self.offset),
                a * c * (W @ sigmoid(self.family, x, 1)),
                a * c * c * (W @ sigmoid(self.family, x, 2)))

    def expectation_mp(self, v, k, order):
        """The same by mpmath.quad at the working precision, for the accuracy check."""
        g = {"tanh": mpmath.tanh, "erf": mpmath.erf, "logistic": lambda y: 1 / (1 + mpmath.exp(-y))}[self.family]
        a, c = mpmath.mpf(self.amplitude), mpmath.mpf(self.slope)

        def f(z):
            y = c * (v + mpmath.sqrt(k) * z)
            return mpmath.diff(g, y, order) if order else g(y) + self.offset
        integrand = lambda z: f(z) * mpmath.exp(-z * z / 2) / mpmath.sqrt(2 * mpmath.pi)
        return a * c ** order * mpmath.quad(integrand, [-mpmath.inf, -3, 0, 3, mpmath.inf])


class Network:
    def __init__(self, path):
        with open(path, "rb") as f:
            s = tomllib.load(f)
        self.name = s["name"]
        self.tau = [float(s["network"]["tau_" + p]) for p in POPS]
        self.c = [[float(s["coupling"][a + b]) for b in POPS] for a in POPS]
        self.rate = [[Rate(s["rates"][a + b]) for b in POPS] for a in POPS]
        self.k0 = [float(s["initial"]["k_" + p]) for p in POPS]

    def evaluate(self, v, k):
        """F, Sigma, J_v, J_K at (v, K): (3.3)-(3.4), (4.14)-(4.15), (3.6), (5.26)."""
        F, sigma = np.zeros(2), np.zeros(2)
        jv, jk = np.zeros((2, 2)), np.zeros((2, 2))
        for a in range(2):
            for b in range(2):
                g0, g1, g2 = self.rate[a][b].expectation(v[b], k[b])
                c = self.c[a][b]
                F[a] += SIGN[b] * c * g0
                sigma[a] += c * c * g0
                jv[a, b] = SIGN[b] * c * g1
                jk[a, b] = SIGN[b] * c * g2 / 2  # d/dK E g = E g'' / 2 (Stein's lemma twice)
        return F, sigma, jv, jk

    def rhs(self, y):
        """(4.6), (4.7), (5.24) in t; y = (K_e, K_i, v_e, v_i)."""
        F, sigma, jv, jk = self.evaluate(y[2:], y[:2])
        dk = -2 * y[:2] / np.array(self.tau) + sigma
        dv = -np.linalg.solve(jv, jk @ dk)
        return np.concatenate([dk, dv])

    def balanced_point(self):
        """The stable root of F(v, K(0)) = 0, by Newton from a grid of starts."""
        k = np.array(self.k0)
        roots = []
        for ve in np.arange(-30, 30.01, 2.0):
            for vi in np.arange(-30, 30.01, 2.0):
                v = np.array([ve, vi])
                for _ in range(60):
                    F, _, jv, _ = self.evaluate(v, k)
                    try:
                        step = np.linalg.solve(jv, F)
                    except np.linalg.LinAlgError:
                        break
                    v = v - np.clip(step, -2, 2)
                    if np.max(np.abs(step)) < 1e-14:
                        break
                F, _, jv, _ = self.evaluate(v, k)
                if np.max(np.abs(F)) < 1e-13 and not any(np.max(np.abs(v - r)) < 1e-8 for r in roots):
                    roots.append(v)
        stable = [r for r in roots if max(np.linalg.eigvals(self.evaluate(r, k)[2]).real) < 0]
        if len(stable) != 1:
            sys.exit(f"{self.name}: {len(stable)} stable roots among {roots}")
        return stable[0]


def zeta(net, y):
    return max(np.linalg.eigvals(net.evaluate(y[2:], y[:2])[2]).real)


def rk4(f, y, h, steps):
    for _ in range(steps):
        a = f(y)
        b = f(y + h / 2 * a)
        c = f(y + h / 2 * b)
        d = f(y + h * c)
        y = y + h / 6 * (a + 2 * b + 2 * c + d)
    return y


def trajectory(net, y0, times, h):
    """States at the given times (multiples of h), by RK4 in t."""
    out, y, t = [], y0.copy(), 0.0
    for target in times:
        steps = round((target - t) / h)
        y = rk4(net.rhs, y, h, steps)
        t = target
        out.append(y.copy())
    return out


def check_quadrature(net, y):
    """Largest difference between the composite rule and mpmath.quad at state y."""
    worst = 0.0
    with mpmath.workdps(30):
        for a in range(2):
            for b in range(2):
                fast = net.rate[a][b].expectation(y[2 + b], y[b])
                for order in range(3):
                    exact = net.rate[a][b].expectation_mp(mpmath.mpf(y[2 + b]), mpmath.mpf(y[b]), order)
                    worst = max(worst, abs(fast[order] - float(exact)))
    return worst


def fold_time(net, y0, t_switch, h_t, dv):
    """eta: integrate in t to t_switch, then in v_e (rising) until det J_v = 0; t there is eta."""
    y = trajectory(net, y0, [t_switch], h_t)[0]
    assert net.rhs(y)[2] > 0, "v_e must rise towards the fold"

    def by_ve(u):  # u = (t, K_e, K_i, v_i) as functions of v_e = u[4]
        F, sigma, jv, jk = net.evaluate(np.array([u[4], u[3]]), u[1:3])
        dk = -2 * u[1:3] / np.array(net.tau) + sigma
        adj = np.array([[jv[1, 1], -jv[0, 1]], [-jv[1, 0], jv[0, 0]]])
        w = -adj @ (jk @ dk)  # = det J_v * dv/dt
        det = np.linalg.det(jv)
        dt = det / w[0]       # dt/dv_e, smooth through det = 0
        return np.array([dt, dk[0] * dt, dk[1] * dt, w[1] / w[0], 1.0])

    def det_at(u):
        return np.linalg.det(net.evaluate(np.array([u[4], u[3]]), u[1:3])[2])

    u = np.array([t_switch, y[0], y[1], y[3], y[2]])
    while det_at(u) > 0:
        prev = u
        u = rk4(by_ve, u, dv, 1)
    lo, hi = 0.0, dv  # det changes sign within one step from prev: bisect on the step length
    for _ in range(60):
        mid = (lo + hi) / 2
        if det_at(rk4(by_ve, prev, mid, 1)) > 0:
            lo = mid
        else:
            hi = mid
    u = rk4(by_ve, prev, lo, 1)
    return u[0], u


def limit_table(net, h, times):
    v0 = net.balanced_point()
    y0 = np.concatenate([np.array(net.k0), v0])
    fine = trajectory(net, y0, times, h)
    coarse = trajectory(net, y0, times, 2 * h)
    error = max(np.max(np.abs(f - c)) / 15 for f, c in zip(fine, coarse))
    drift = max(np.max(np.abs(net.evaluate(y[2:], y[:2])[0])) for y in fine)
    quad = max(check_quadrature(net, y) for y in fine)
    return times, fine, error, drift, quad


def fmt(xs):
    return "[" + ", ".join(repr(float(x)) for x in xs) + "]"


HEADER = """# Reference values of the hydrodynamic limit of {name} (Lemma 4.2): {checked_by}.
# Computed independently of balnet's code by validation/reference/limit_reference.py (numpy
# {numpy}, mpmath {mpmath}): Gaussian expectations by composite Gauss-Legendre (checked against
# mpmath.quad at 30 digits: largest difference {quad:.1e}), the stable balanced point by Newton
# from a grid of starts, then (4.6), (4.7), (5.24) integrated in t by Runge-Kutta 4 with step
# {h} (Richardson error estimate {error:.1e}; largest |F| along the way {drift:.1e}).
# Columns as in limit.csv. The tolerance is far above either computation's error: it catches a
# changed model, quadrature or balanced point, not round-off.
"""


def write_limit(net, h, times, checked_by, extra=""):
    times, rows, error, drift, quad = limit_table(net, h, times)
    text = HEADER.format(name=net.name, checked_by=checked_by, numpy=np.__version__, mpmath=mpmath.__version__, quad=quad, h=h,
                         error=error, drift=drift)
    text += f'scenario = "{net.name}"\n\n[limit]\ntolerance = {REPRODUCE_TOLERANCE}\n'
    text += f"t   = {fmt(times)}\n"
    for label, col in (("v_e", 2), ("v_i", 3), ("K_e", 0), ("K_i", 1)):
        text += f"{label} = {fmt(r[col] for r in rows)}\n"
    text += f"zeta = {fmt(zeta(net, r) for r in rows)}\n"
    return text + extra, (times, rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="print the differences from the files, write nothing")
    args = ap.parse_args()
    h = 1e-3
    outputs = {}
    for name in ("mv-6.1", "mv-6.2"):
        net = Network(SCENARIOS / f"{name}.toml")
        outputs[name], _ = write_limit(net, h, [0.0, 1.0, 5.0], "`balnet reproduce` checks its limit\n"
                                       "# against them (to `tolerance`), LimitSolverTest to 1e-8")

    net = Network(SCENARIOS / "eta-finite.toml")
    v0 = net.balanced_point()
    y0 = np.concatenate([np.array(net.k0), v0])
    eta, at = fold_time(net, y0, 1.3, h, 1e-3)
    eta_coarse, _ = fold_time(net, y0, 1.3, 2 * h, 2e-3)
    extra = ("\n# eta, the time the limit leaves the balanced manifold: a fold (det J_v reaches 0). After\n"
             "# t = 1.3 the system is integrated with v_e as the independent variable, in which t(v_e) is\n"
             f"# smooth with its maximum eta where det J_v = 0 (Richardson error estimate "
             f"{abs(eta - eta_coarse) / 15:.1e}).\n"
             f"[fold]\neta = {float(eta)!r}\nv_e = {float(at[4])!r}\nv_i = {float(at[3])!r}\nK_e = {float(at[1])!r}\n"
             f"K_i = {float(at[2])!r}\n")
    outputs["eta-finite"], _ = write_limit(net, h, [0.0, 0.5, 1.0], "LimitSolverTest checks the limit\n"
                                         "# against them to 1e-8 and eta to 1e-8 (`reproduce` does not run this scenario)", extra)

    for name, text in outputs.items():
        path = EXPECTED / f"{name}.toml"
        if args.check:
            old = tomllib.loads(path.read_text()) if path.exists() else {}
            new = tomllib.loads(text)
            for key in ("v_e", "v_i", "K_e", "K_i", "zeta"):
                a = old.get("limit", {}).get(key)
                b = new["limit"][key]
                if a is not None:
                    print(name, key, "largest difference", max(abs(x - y) for x, y in zip(a, b)))
            print(text)
        else:
            path.write_text(text)
            print("wrote", path.relative_to(ROOT))


if __name__ == "__main__":
    main()
