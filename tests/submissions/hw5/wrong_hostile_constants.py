# Hostile: plausible constants everywhere (the rate 0 that Theorem 4 promises, a
# frozen trajectory, the saddle's Hessian, L = 1) and no computation at all.
# EXPECT: fail gradient, hessian, classify_critical_point, gd, lipschitz_constant
# EXPECT: fail saddle_attraction_rate, escape_steps, predicted_escape_steps
import numpy as np


def gradient(name, theta):
    return np.zeros(2)


def hessian(name, theta):
    return np.diag([1.0, -1.0])


def classify_critical_point(H, tol=1e-8):
    return "strict_saddle"


def gd(name, theta0, lr, steps):
    return np.tile(np.asarray(theta0, dtype=float), (steps + 1, 1))


def lipschitz_constant(name, radius):
    return 1.0


def saddle_attraction_rate(name, lr, n_inits, radius, steps, seed):
    return 0.0


def escape_steps(name, theta0, lr, threshold, max_steps=100000):
    return 100


def predicted_escape_steps(name, dist0, lr, threshold):
    return 100
