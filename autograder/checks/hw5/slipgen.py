"""hw5's hidden helpers: the grader's own gradients, Hessians and GD of the three
test functions and the wrong gradients and Hessians of realistic slips, the
Lipschitz constants that realistic slips produce, the linearised attraction
probability that the theory check compares with (and the fractions that slips
give), the escape steps that wrong measures give, and the wrong predicted
escape steps. Check code calls them as ``ref.slipgen.name(...)``; the student
wheel leaves this file out and replays their values on the public cases from
the public fixtures (autograder/reference.py).
"""
import math

import numpy as np
from scipy import integrate

from .public import NEAR


def grad(name, x, y):
    if name == "quartic":
        return np.stack([x, y ** 3 - y], -1)
    if name == "factorization":
        return np.stack([-(1 - x * y) * y, -(1 - x * y) * x], -1)
    return np.stack([3 * x * x - 3 * y * y, -6 * x * y], -1)


def hess_entries(name, x, y):
    if name == "quartic":
        return np.ones_like(x), np.zeros_like(x), 3 * y * y - 1
    if name == "factorization":
        return y * y, 2 * x * y - 1, x * x
    return 6 * x, -6 * y, -6 * x


def box_max(fun, r, n=201, rounds=30):
    """max of fun(x, y) (vectorised) over [-r, r]^2: a grid, then repeated zooming."""
    g = np.linspace(-r, r, n)
    X, Y = np.meshgrid(g, g)
    v = fun(X, Y)
    i = np.unravel_index(np.argmax(v), v.shape)
    best, bx, by = v[i], X[i], Y[i]
    half = 2 * r / (n - 1)
    for _ in range(rounds):
        gx = np.clip(bx + np.linspace(-half, half, 11), -r, r)
        gy = np.clip(by + np.linspace(-half, half, 11), -r, r)
        X, Y = np.meshgrid(gx, gy)
        v = fun(X, Y)
        i = np.unravel_index(np.argmax(v), v.shape)
        if v[i] >= best:
            best, bx, by = v[i], X[i], Y[i]
        half /= 3
    return float(best)


def spectral(a, b, d):
    """Largest |eigenvalue| of [[a, b], [b, d]] (elementwise over arrays)."""
    m, s = (a + d) / 2, np.sqrt(((a - d) / 2) ** 2 + b * b)
    return np.maximum(np.abs(m + s), np.abs(m - s))


def gd_local(name, theta0, lr, steps, sign=-1.0):
    out = [np.asarray(theta0, dtype=float)]
    for _ in range(steps):
        th = out[-1]
        out.append(th + sign * lr * grad(name, th[0], th[1]))
    return np.array(out)


def linear_attraction_p(name, lr, r, steps):
    """P(|theta_steps| < NEAR) for uniform inits in [-r, r]^2 under the map linearised at 0.

    In eigen-coordinates (u unstable, v stable) u is multiplied by b = (1 + lr)^steps and
    v by a = (1 - lr)^steps: the region is the ellipse (b u)^2 + (a v)^2 < NEAR^2 inside the
    box, which allows |v| <= r (quartic) or |v| <= sqrt(2) r - |u| (factorization: the box
    is a square turned by 45 degrees in (u, v)). Near the saddle (r = 2e-3) the cubic terms
    move the boundary by a relative ~lr r^2 steps < 1e-5.
    """
    c, a, b = NEAR, (1 - lr) ** steps, (1 + lr) ** steps
    h = (lambda u: r) if name == "quartic" else (lambda u: math.sqrt(2) * r - abs(u))
    u_end = min(r if name == "quartic" else math.sqrt(2) * r, c / b)

    def width(u):
        return 2.0 * max(0.0, min(math.sqrt(max(0.0, c * c - (b * u) ** 2)) / a, h(u)))

    area, _ = integrate.quad(width, -u_end, u_end, limit=200, epsabs=1e-16, epsrel=1e-12)
    return area / (4 * r * r)



def lipschitz_slips(name, r):
    """Wrong Lipschitz constants that a realistic slip produces, in the order of the
    check's descriptions: max ||grad f||, max ||H||_F, ||H(r, r)||_2, ||H(0)||_2."""
    def frob(x, y):
        a, b, d = np.broadcast_arrays(*hess_entries(name, x, y))
        return np.sqrt(a * a + 2 * b * b + d * d)

    def spec(x, y):
        a, b, d = np.broadcast_arrays(*hess_entries(name, np.asarray(x, float), np.asarray(y, float)))
        return float(spectral(a, b, d))

    gnorm = lambda x, y: np.linalg.norm(grad(name, x, y), axis=-1)  # noqa: E731
    box = (lambda fun: box_max(fun, r)) if r > 0 else (lambda fun: float(fun(np.zeros(1), np.zeros(1))[0]))
    return [box(gnorm), box(frob), spec(r, r), spec(0.0, 0.0)]


def gradient_slips(name, x, y):
    """Wrong gradients of ``name`` at (x, y), in the order of the check's descriptions."""
    if name == "quartic":
        return [np.array([x, y - y ** 3]), np.array([x, y ** 3 / 3 - y])]
    if name == "factorization":
        r = 1 - x * y
        return [np.array([r * y, r * x]), np.array([-r * x, -r * y])]
    return [np.array([3 * x * x - 3 * y * y, -3 * x * y]), np.array([-6 * x * y, 3 * x * x - 3 * y * y])]


def hessian_slips(name, x, y):
    """Wrong Hessians of ``name`` at (x, y), in the order of the check's descriptions."""
    if name == "quartic":
        return [np.diag([1.0, y * y - 1])]
    if name == "factorization":
        return [np.array([[y * y, off], [off, x * x]]) for off in (1 - 2 * x * y, x * y - 1, x * y)] + [
            np.array([[x * x, 2 * x * y - 1], [2 * x * y - 1, y * y]])]
    return [np.array([[6 * x, 6 * y], [6 * y, -6 * x]]), np.array([[6 * x, -6 * y], [-6 * y, 6 * x]])]


def first_crossing(traj, v, thr, norm=False):
    """The first row k of ``traj`` with |<theta_k, v>| >= thr (``norm``: |theta_k| >= thr), or None."""
    with np.errstate(all="ignore"):
        comp = np.linalg.norm(traj, axis=1) if norm else np.abs(traj @ v)
    idx = np.nonzero(comp >= thr)[0]
    return int(idx[0]) if idx.size else None


def disk_fraction(near, radius):
    """Fraction of the box [-radius, radius]^2 within Euclidean distance ``near`` of 0:
    pi near^2 / (2 radius)^2 for near <= radius (the attracted fraction after 0 GD steps)."""
    return math.pi * near ** 2 / (4 * radius * radius)


def max_norm_fraction(near, radius):
    """Fraction of the box [-radius, radius]^2 within max-norm distance ``near`` of 0:
    (2 near)^2 / (2 radius)^2, capped at 1 (a square |x|, |y| < near instead of the disk)."""
    return min(1.0, 4 * near ** 2 / (4 * radius * radius))


def is_exact_power(dist0, lr, threshold):
    """Whether log(threshold / dist0) / log(1 + lr) is a positive integer (to 1e-9): then the
    ceiling of the predicted escape step is k or k + 1 by round-off alone."""
    x = math.log(threshold / dist0) / math.log1p(lr)
    return x > 0.5 and abs(x - round(x)) < 1e-9


def predicted_slips(dist0, lr, threshold):
    """Wrong predicted escape steps, in the order of the check's descriptions (None: no such slip)."""
    x = math.log(threshold / dist0)
    return [math.floor(x / math.log1p(lr)), round(x / math.log1p(lr)), math.ceil(x / lr),
            math.ceil(x / math.log1p(-lr)) if lr < 1 else None, math.ceil(x / math.log1p(lr))]
