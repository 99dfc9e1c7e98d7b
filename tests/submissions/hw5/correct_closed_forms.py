# A correct solution written differently from the reference: closed-form 2x2
# eigenvalues, a list-based GD loop, the Lipschitz constant from a short list
# of candidate points, inits drawn coordinate by coordinate, and the escape
# measured in eigen-coordinates found by eigh.
# EXPECT: pass all
import math

import numpy as np

GRADS = {
    "quartic": lambda x, y: (x, y * (y * y - 1.0)),
    "factorization": lambda x, y: ((x * y - 1.0) * y, (x * y - 1.0) * x),
    "monkey": lambda x, y: (3.0 * (x - y) * (x + y), -6.0 * x * y),
}


def _name(name):
    if name not in GRADS:
        raise ValueError("unknown loss: %r" % (name,))


def gradient(name, theta):
    _name(name)
    x, y = float(theta[0]), float(theta[1])
    return np.array(GRADS[name](x, y), dtype=np.float64)


def hessian(name, theta):
    _name(name)
    x, y = float(theta[0]), float(theta[1])
    if name == "quartic":
        return np.array([[1.0, 0.0], [0.0, 3.0 * y * y - 1.0]])
    if name == "factorization":
        c = 2.0 * x * y - 1.0
        return np.array([[y * y, c], [c, x * x]])
    return 6.0 * np.array([[x, -y], [-y, -x]])


def _eig2(H):
    a, b, d = H[0][0], 0.5 * (H[0][1] + H[1][0]), H[1][1]
    mid, rad = 0.5 * (a + d), math.hypot(0.5 * (a - d), b)
    return mid - rad, mid + rad


def classify_critical_point(H, tol=1e-8):
    lo, hi = _eig2(np.asarray(H, dtype=float))
    if lo > tol:
        return "minimum"
    if hi < -tol:
        return "maximum"
    if lo < -tol:
        return "strict_saddle"
    return "degenerate"


def gd(name, theta0, lr, steps):
    _name(name)
    rows = [np.array(theta0, dtype=float)]
    with np.errstate(all="ignore"):
        for _ in range(int(steps)):
            x, y = rows[-1]
            gx, gy = GRADS[name](x, y)
            rows.append(np.array([x - lr * gx, y - lr * gy]))
    return np.vstack(rows)


def lipschitz_constant(name, radius):
    # ||H||_2 is largest at one of these points for all three losses
    r = float(radius)
    cands = [(sx * r, sy * r) for sx in (-1, 0, 1) for sy in (-1, 0, 1)]
    return max(max(abs(v) for v in _eig2(hessian(name, c))) for c in cands)  # np.float64


def saddle_attraction_rate(name, lr, n_inits, radius, steps, seed):
    _name(name)
    rng = np.random.default_rng(seed)
    x = radius * (2.0 * rng.random(n_inits) - 1.0)
    y = radius * (2.0 * rng.random(n_inits) - 1.0)
    with np.errstate(all="ignore"):
        for _ in range(steps):
            gx, gy = GRADS[name](x, y)
            x, y = x - lr * gx, y - lr * gy
        dist = np.sqrt(x * x + y * y)
    return np.mean(dist < 1e-3)  # np.float64


def _escape_direction(name):
    H0 = hessian(name, (0.0, 0.0))
    lam, vec = np.linalg.eigh(H0)
    if classify_critical_point(H0) != "strict_saddle":
        raise ValueError(f"{name}: the saddle at 0 is not strict")
    return vec[:, 0], -lam[0]


def escape_steps(name, theta0, lr, threshold, max_steps=100000):
    v, _ = _escape_direction(name)
    th = np.array(theta0, dtype=float)
    k = 0
    while abs(v @ th) < threshold:
        if k == max_steps:
            raise RuntimeError("GD did not leave the saddle within max_steps")
        th = th - lr * gradient(name, th)
        k += 1
    return k


def predicted_escape_steps(name, dist0, lr, threshold):
    _, mu = _escape_direction(name)
    if dist0 >= threshold:
        return 0
    return math.ceil(math.log(threshold / dist0) / math.log(1.0 + lr * mu))
