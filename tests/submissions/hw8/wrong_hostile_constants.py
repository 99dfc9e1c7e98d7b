# Hostile: every function returns the reference's value for the first public
# check input (copied from the public fixtures), whatever it is called with.
# EXPECT: fail finite_class_bound, sauer_bound, vc_bound, rademacher_linear, rademacher_finite
# EXPECT: fail spectral_complexity, neyshabur_bound, mcallester_bound, kl_diag_gaussians, dziugaite_roy_bound


def finite_class_bound(m, delta, n_hypotheses=1):
    return 0.12238734153404082


def sauer_bound(m, vc_dim):
    return 176


def vc_bound(m, vc_dim, delta):
    return 0.7124669172414924


def rademacher_linear(X, B, n_samples, seed):
    return (0.4568675841578307, 0.48913505380662886)


def rademacher_finite(H, n_samples, seed):
    return (0.5093750000000001, 0.7049690276583788)


def spectral_complexity(weights, kind="bartlett", reference=None):
    return 20.784609690826528


def neyshabur_bound(weights, X, y, gamma, delta, B=None):
    return (0.5, 243.9828738765449)


def mcallester_bound(emp_risk, kl, m, delta):
    if kl < 0 or not 0 < delta < 1:
        raise ValueError("kl must be >= 0 and 0 < delta < 1")
    return 0.3349724331170245


def kl_diag_gaussians(mu, lam, mu_prior, lam_prior):
    return 0.0


def dziugaite_roy_bound(mu, lam, X, y, mu_prior, lam_prior, delta=0.025, b=100.0, c=0.1):
    return (0.5331264676789008, 1.8768463858474034)
