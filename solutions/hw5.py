"""hw5 reference: gradient descent escapes strict saddles (notes 3.3, Lee et al.).

Three losses of theta = (x, y), each with a critical point at the origin:

- ``"quartic"``:       f = x^2/2 + y^4/4 - y^2/2, strict saddle at 0 (Hessian
  diag(1, -1)), minima at (0, +-1);
- ``"factorization"``: f = (1 - x y)^2 / 2, strict saddle at 0 (Hessian
  [[0, -1], [-1, 0]], eigenvalues +-1), minima on the hyperbola x y = 1;
- ``"monkey"``:        f = x^3 - 3 x y^2 = Re (x + i y)^3, Hessian 0 at the
  origin: a degenerate saddle, outside the scope of (3.45).

Gradient descent is (3.44), theta_{k+1} = g(theta_k) = theta_k - lr grad f(theta_k);
Theorem 4 says that for lr < 1/L, L the Lipschitz constant (3.43) of the
gradient, the set of inits that converge to a strict saddle has measure zero.
"""
import math

import numpy as np

_NAMES = ("quartic", "factorization", "monkey")
_ATTRACTION_RADIUS = 1e-3  # "within 1e-3 of the saddle" in saddle_attraction_rate


def _check_name(name):
    """Raise ValueError unless ``name`` is one of the three losses."""
    if name not in _NAMES:
        raise ValueError(f"unknown function {name!r}; expected one of {_NAMES}")


def _grad_xy(name, x, y):
    """Components (df/dx, df/dy) at (x, y); floats or arrays of one shape.

    Written with products only (no ``**``) so that Python floats overflow to
    inf instead of raising OverflowError when GD diverges.
    """
    if name == "quartic":
        return x, y * y * y - y
    if name == "factorization":
        r = 1.0 - x * y  # residual; f = r^2 / 2
        return -r * y, -r * x
    if name == "monkey":
        return 3.0 * (x * x - y * y), -6.0 * x * y
    raise ValueError(f"unknown function {name!r}; expected one of {_NAMES}")


def _saddle_escape_direction(name):
    """Unit eigenvector of the Hessian at the saddle 0 for its negative eigenvalue, and |lambda_min|.

    quartic: H(0) = diag(1, -1), so (0, 1) and 1; factorization: H(0) =
    [[0, -1], [-1, 0]], so (1, 1)/sqrt(2) and 1. The monkey saddle has
    H(0) = 0: no negative curvature, hence ValueError.
    """
    _check_name(name)
    if name == "quartic":
        return (0.0, 1.0), 1.0
    if name == "factorization":
        s = 1.0 / math.sqrt(2.0)
        return (s, s), 1.0
    raise ValueError("the monkey saddle is degenerate (Hessian 0 at the origin): "
                     "it has no negative-curvature direction")


def _as_theta(theta):
    """theta as a float64 array of shape (2,), else ValueError."""
    th = np.asarray(theta, dtype=np.float64)
    if th.shape != (2,):
        raise ValueError(f"theta must have shape (2,), got {th.shape}")
    return th


def gradient(name: str, theta: np.ndarray) -> np.ndarray:
    """Gradient of loss ``name`` at ``theta`` = (x, y), an array of shape (2,).

    It defines the GD map g(theta) = theta - lr * gradient of (3.44), and its
    Lipschitz constant is the L of (3.43). (The reference also accepts a stack
    of points of shape (..., 2).)
    """
    # quartic: (x, y^3 - y); factorization: -(1 - x y) (y, x); monkey: (3x^2 - 3y^2, -6 x y)
    _check_name(name)
    th = np.asarray(theta, dtype=np.float64)
    if th.ndim == 0 or th.shape[-1] != 2:
        raise ValueError(f"theta must have shape (2,) or (..., 2), got {th.shape}")
    gx, gy = _grad_xy(name, th[..., 0], th[..., 1])
    return np.stack([gx, gy], axis=-1)


def hessian(name: str, theta: np.ndarray) -> np.ndarray:
    """Hessian of loss ``name`` at ``theta``, a symmetric (2, 2) array.

    Its smallest eigenvalue at a critical point decides strictness (3.45);
    I - lr * H is the Jacobian of the GD map (3.44) in Proposition 5 (3.50).
    (The reference also accepts a stack of points, returning (..., 2, 2).)
    """
    # quartic: diag(1, 3y^2 - 1); factorization: [[y^2, 2xy - 1], [2xy - 1, x^2]]
    # (d/dy of -(1 - xy) y is -(1 - xy) + xy); monkey: [[6x, -6y], [-6y, -6x]].
    # At 0: diag(1, -1), [[0, -1], [-1, 0]] (eigenvalues -1, 1), and 0.
    _check_name(name)
    th = np.asarray(theta, dtype=np.float64)
    if th.ndim == 0 or th.shape[-1] != 2:
        raise ValueError(f"theta must have shape (2,) or (..., 2), got {th.shape}")
    x, y = th[..., 0], th[..., 1]
    if name == "quartic":
        a, b, d = np.ones_like(x), np.zeros_like(x), 3.0 * y * y - 1.0
    elif name == "factorization":
        a, b, d = y * y, 2.0 * x * y - 1.0, x * x
    else:  # monkey
        a, b, d = 6.0 * x, -6.0 * y, -6.0 * x
    return np.stack([np.stack([a, b], axis=-1), np.stack([b, d], axis=-1)], axis=-2)


def classify_critical_point(H: np.ndarray, tol: float = 1e-8) -> str:
    """Type of a critical point from the eigenvalues of its Hessian ``H``, with absolute ``tol``.

    "minimum" if every eigenvalue > tol; "maximum" if every eigenvalue < -tol;
    "strict_saddle" if otherwise lambda_min < -tol, the condition (3.45)
    (so diag(-1, 0) is a strict saddle); "degenerate" in every other case
    (lambda_min >= -tol and some |lambda| <= tol), where second-order
    information cannot decide, as for the monkey saddle.
    H is symmetrised before its eigenvalues are taken.
    """
    H = np.asarray(H, dtype=np.float64)
    if H.ndim != 2 or H.shape[0] != H.shape[1] or H.shape[0] == 0:
        raise ValueError(f"H must be a non-empty square matrix, got shape {H.shape}")
    if not np.all(np.isfinite(H)):
        raise ValueError("H has non-finite entries")
    lam = np.linalg.eigvalsh(0.5 * (H + H.T))
    if np.all(lam > tol):
        return "minimum"
    if np.all(lam < -tol):
        return "maximum"
    if lam[0] < -tol:
        return "strict_saddle"
    return "degenerate"


def gd(name: str, theta0: np.ndarray, lr: float, steps: int) -> np.ndarray:
    """Gradient-descent trajectory theta_0, ..., theta_steps of (3.44), shape (steps + 1, 2).

    theta_{k+1} = theta_k - lr * grad f(theta_k); row k is theta_k, so row 0
    is ``theta0`` itself. A diverging run fills with inf/nan without raising.
    """
    _check_name(name)
    x, y = (float(v) for v in _as_theta(theta0))
    steps = int(steps)
    if steps < 0:
        raise ValueError(f"steps must be >= 0, got {steps}")
    lr = float(lr)
    out = np.empty((steps + 1, 2))
    out[0] = x, y
    for k in range(1, steps + 1):
        gx, gy = _grad_xy(name, x, y)
        x, y = x - lr * gx, y - lr * gy
        out[k] = x, y
    return out


def lipschitz_constant(name: str, radius: float) -> float:
    """Lipschitz constant (3.43) of the gradient on the box [-radius, radius]^2.

    It is the maximum over the box of the spectral norm ||H(theta)||_2 (the
    largest |eigenvalue| of the Hessian): the box is convex, so by the
    mean-value theorem this is the best constant. Wanted to 1e-4 relative.
    """
    # Closed forms from the Hessians:
    # quartic: ||H|| = max(1, |3y^2 - 1|), largest at y = 0 (value 1, inside the box) or at
    #   y = +-radius: max(1, 3 radius^2 - 1).
    # factorization: lambda_+ = (x^2 + y^2)/2 + sqrt((x^2 - y^2)^2/4 + (2xy - 1)^2) is the norm
    #   (the trace is >= 0), and lambda_+ <= max(x^2, y^2) + |2xy - 1| <= 3 radius^2 + 1,
    #   with equality at the corners x = -y = +-radius.
    # monkey: eigenvalues +-6 sqrt(x^2 + y^2), largest at the corners: 6 sqrt(2) radius.
    _check_name(name)
    r = float(radius)
    if not r >= 0.0:
        raise ValueError(f"radius must be >= 0, got {radius}")
    if name == "quartic":
        return max(1.0, 3.0 * r * r - 1.0)
    if name == "factorization":
        return 3.0 * r * r + 1.0
    return 6.0 * math.sqrt(2.0) * r


def saddle_attraction_rate(name: str, lr: float, n_inits: int, radius: float, steps: int, seed: int) -> float:
    """Fraction of uniform inits in [-radius, radius]^2 that GD (3.44) leaves within 1e-3 of 0.

    Draws ``n_inits`` points uniformly in the box with
    ``np.random.default_rng(seed)``, runs ``steps`` GD steps on all of them at
    once, and returns the fraction whose Euclidean distance to the saddle 0 is
    < 1e-3. It is an estimate of P_init(theta_steps near theta*), which
    Theorem 4 sends to 0 as steps -> infinity for a strict saddle and
    lr < 1/L (L on the region the iterates visit; (3.43), (3.46)).
    Diverging runs (inf/nan) count as not attracted.
    """
    _check_name(name)
    n_inits, steps = int(n_inits), int(steps)
    if n_inits < 1:
        raise ValueError(f"n_inits must be >= 1, got {n_inits}")
    if steps < 0:
        raise ValueError(f"steps must be >= 0, got {steps}")
    if not float(radius) > 0.0:
        raise ValueError(f"radius must be > 0, got {radius}")
    rng = np.random.default_rng(seed)
    th = rng.uniform(-radius, radius, size=(n_inits, 2))
    x, y = th[:, 0], th[:, 1]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            gx, gy = _grad_xy(name, x, y)
            x, y = x - lr * gx, y - lr * gy
        near = np.hypot(x, y) < _ATTRACTION_RADIUS  # nan compares False
    return float(np.mean(near))


def escape_steps(name: str, theta0: np.ndarray, lr: float, threshold: float, max_steps: int = 100000) -> int:
    """First k with |<theta_k, v>| >= threshold, v the negative-curvature eigenvector of H(0).

    theta_k follows GD (3.44) from theta_0 = ``theta0`` (k = 0 counts). Near
    the strict saddle the component along v grows like (1 + lr |lambda_min|)^k,
    the unstable direction E_u of Theorem 5. RuntimeError if no k <= max_steps
    qualifies, e.g. when theta0 lies on the stable manifold (for "quartic"
    the x-axis, for "factorization" the line x = -y), where the iterates
    converge to the saddle. ValueError for "monkey" (not a strict saddle).
    """
    (vx, vy), _ = _saddle_escape_direction(name)
    x, y = (float(v) for v in _as_theta(theta0))
    lr, threshold, max_steps = float(lr), float(threshold), int(max_steps)
    for k in range(max_steps + 1):
        if abs(vx * x + vy * y) >= threshold:
            return k
        gx, gy = _grad_xy(name, x, y)
        nx, ny = x - lr * gx, y - lr * gy
        if (nx == x and ny == y) or not (math.isfinite(nx) and math.isfinite(ny)):
            break  # a fixed point of g (or nan): the component never changes again
        x, y = nx, ny
    raise RuntimeError(f"no escape within max_steps={max_steps} from theta0={tuple(theta0)!r} "
                       "(on or too near the stable manifold?)")


def predicted_escape_steps(name: str, dist0: float, lr: float, threshold: float) -> int:
    """Linearised escape time ceil(log(threshold/dist0) / log1p(lr |lambda_min|)), 0 if dist0 >= threshold.

    Linearising (3.44) at the strict saddle, g(theta) ~ (I - lr H(0)) theta, the
    component along the eigenvector of lambda_min < 0 is multiplied by
    1 + lr |lambda_min| each step (the eigenvalue > 1 of Dphi(0) in Theorem 5);
    starting at dist0 it first reaches threshold after this many steps.
    ValueError for "monkey" (lambda_min = 0).
    """
    _, lam = _saddle_escape_direction(name)
    dist0, lr, threshold = float(dist0), float(lr), float(threshold)
    if not (dist0 > 0.0 and lr > 0.0 and threshold > 0.0):
        raise ValueError("dist0, lr and threshold must be > 0")
    if dist0 >= threshold:
        return 0
    return int(math.ceil(math.log(threshold / dist0) / math.log1p(lr * lam)))
