"""Do the notebooks' claims point at checks that exist, and do the errata's numbers hold?

Pointer rule (docs/adding-an-assignment.md): a sentence of an assignment's
prose that says what the grader or the tests check carries a pointer in
backticks, either to a grader check as `course check` names it,
`check: hw1::backward_variances::tanh` (assignment, graded function, case id
with its aspect), or to a test of this repository as pytest names it,
`test: tests/test_solutions_hw2.py::test_name[param]`. The tests below
parse every ``assignments/hwN/hwN.md`` and fail when a pointer names a check
or test that no longer exists, or when a paragraph claims a check and names
none.

Errata (docs/errata.md): every number the notebooks give for an error of
the notes is recomputed here from the reference with the inputs the doc
states, within the doc's tolerance.
"""
import math
import re
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

from autograder import catalog

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENTS = [a.id for a in catalog.all_assignments()]

POINTER = re.compile(r"`(check|test):\s*([^`]*)`")
CHECK_ID = re.compile(r"^(hw\d+)::([A-Za-z_]\w*)::([\w./-]+)$")
TEST_ID = re.compile(r"^(tests/[\w/]+\.py)::(\w+)(\[[^\]\s]+\])?$")
# a paragraph (or list item) that says what the grader or the tests do
CLAIM = re.compile(r"\b(the\s+grader|the\s+checks?|the\s+tests?(?!\s+(points?|set|inputs?|data))|"
                   r"(is|are)\s+checked|checked\s+by)\b", re.I)
NOT_A_CLAIM = re.compile(r"\bthe\s+check\s+cells?\b", re.I)   # "check your work ... with the check cells"


def _template(hw):
    return (ROOT / "assignments" / hw / f"{hw}.md").read_text()


def _prose_units(text):
    """Paragraphs and list items of the markdown, code blocks and directives left out."""
    text = re.sub(r"^```python\n.*?^```$", "", text, flags=re.S | re.M)
    text = re.sub(r"^<!--.*?-->$", "", text, flags=re.M)
    units = []
    for para in re.split(r"\n\s*\n", text):
        units += [u for u in re.split(r"\n(?=\s*[-*] )", para) if u.strip()]
    return units


def pointers(text):
    """[(kind, target)] of every pointer in the text."""
    return [(m.group(1), m.group(2).strip()) for m in POINTER.finditer(text)]


@lru_cache(maxsize=None)
def check_ids(hw):
    """Every check of the assignment as `course check` names it: hwN::function::case."""
    return frozenset(f"{hw}::{c.function}::{label}"
                     for c in catalog.get(hw).checks for _, _, _, label in c.resolved)


@lru_cache(maxsize=None)
def _collected_node_ids(path):
    """pytest's node ids of one test file of this repository (collection only)."""
    out = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-n", "0", path],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    ids = frozenset(line.strip() for line in out.stdout.splitlines() if "::" in line)
    assert ids, f"collecting {path} found no tests:\n{out.stdout[-2000:]}\n{out.stderr[-2000:]}"
    return ids


def stale_pointers(hw, text):
    """Pointers of the text that are malformed or name nothing that exists."""
    bad = []
    for kind, target in pointers(text):
        if kind == "check":
            m = CHECK_ID.match(target)
            if not m:
                bad.append(f"`check: {target}` is not hwN::function::case")
            elif m.group(1) != hw:
                bad.append(f"`check: {target}` points outside {hw}")
            elif target not in check_ids(hw):
                bad.append(f"`check: {target}`: {hw} has no such check")
        else:
            m = TEST_ID.match(target)
            if not m:
                bad.append(f"`test: {target}` is not tests/FILE.py::test_name[param]")
            elif not (ROOT / m.group(1)).is_file():
                bad.append(f"`test: {target}`: no file {m.group(1)}")
            elif target not in _collected_node_ids(m.group(1)):
                bad.append(f"`test: {target}`: pytest collects no such test")
    return bad


@pytest.mark.parametrize("hw", ASSIGNMENTS)
def test_every_pointer_names_an_existing_check(hw):
    """Does every `check:` / `test:` pointer of the template name a check or test that exists?"""
    bad = stale_pointers(hw, _template(hw))
    assert not bad, (f"assignments/{hw}/{hw}.md: " + "; ".join(bad) +
                     ". Next: point at the check that now holds the claim (`course check "
                     f"{hw} --all` lists them), or correct the sentence.")


@pytest.mark.parametrize("hw", ASSIGNMENTS)
def test_every_claim_about_the_checks_carries_a_pointer(hw):
    """Does every paragraph that says what the grader or the tests do name the check?"""
    missing = [u.strip()[:160] for u in _prose_units(_template(hw))
               if CLAIM.search(NOT_A_CLAIM.sub("", u)) and not pointers(u)]
    assert not missing, (f"assignments/{hw}/{hw}.md claims what the grader or the tests do without "
                         "naming the check:\n  " + "\n  ".join(missing) +
                         "\nNext: add `check: hwN::function::case` (or `test: tests/FILE.py::name[param]`).")


def test_a_stale_or_malformed_pointer_is_caught():
    """Are unknown cases, unknown tests, other assignments and bad syntax reported (the rule bites)?"""
    assert stale_pointers("hw1", "(`check: hw1::init_variance::forward_3_7`)") == []
    text = ("`check: hw1::init_variance::no_such_case` `check: hw2::length_map::tanh` "
            "`check: init_variance` `test: tests/test_solutions_hw2.py::test_no_such_test` "
            "`test: tests/no_such_file.py::test_x`")
    assert len(stale_pointers("hw1", text)) == 5
    units = _prose_units("The grader compares your draws.\n\nCheck your work with the check cells.\n")
    assert [u for u in units if CLAIM.search(NOT_A_CLAIM.sub("", u)) and not pointers(u)] == \
        ["The grader compares your draws."]


# ---------------------------------------------------------------- errata
# One function per erratum: it recomputes, from the reference (or from the
# notes' printed formula, for the "printed" numbers), every number that
# docs/errata.md gives for it, keyed as in the doc's tables.

def _errata_2_25():
    from solutions import hw2
    h = 1e-4                        # one-sided O(h^2) stencil, as in test_solutions_hw2.py
    out = {}
    for act, d1, d3 in [("tanh", 1.0, -2.0), ("erf", 2 / math.sqrt(math.pi), -4 / math.sqrt(math.pi))]:
        v = lambda q: hw2.length_map(q, 1.0, 0.0, act)
        out[f"2.25/V2_{act}"] = (2 * v(0.0) - 5 * v(h) + 4 * v(2 * h) - v(3 * h)) / h ** 2
        out[f"2.25/printed_{act}"] = 4 * d1 * d3
    out["2.25/edge_erf"] = hw2.edge_of_chaos(0.0, "erf")
    return out


def _errata_2_47():
    from scipy.integrate import quad
    from solutions import hw2
    q = hw2.length_fixed_point(2.0, 0.0, "tanh")
    mean_dphi = quad(lambda z: np.cosh(math.sqrt(q) * z) ** -2 * np.exp(-z * z / 2) / math.sqrt(2 * math.pi),
                     -40, 40, points=[0.0], epsabs=1e-14, limit=200)[0]
    return {"2.47/q_star": q, "2.47/chi1": hw2.chi1(2.0, 0.0, "tanh"),
            "2.47/chi1_L5": hw2.chi1(2.0, 0.0, "tanh") ** 5, "2.47/printed_L5": (2.0 * mean_dphi) ** 5}


def _errata_2_121():
    from scipy import optimize
    from solutions import hw3
    out = {f"2.121/edge_L{L}": hw3.relu_orthogonal_edge(L) for L in range(1, 6)}
    for L in range(3, 6):           # the minimum of M^-1 (2.105) over z > 0, in s = log z
        f = lambda s: L * np.log(2 * np.exp(s) + 1) - s - (L - 1) * np.log(np.exp(s) + 1)
        out[f"2.121/inf_Minv_L{L}"] = math.exp(optimize.minimize_scalar(
            f, bounds=(-10, 30), method="bounded", options={"xatol": 1e-10}).fun)
    return out


def _errata_2_141():
    from solutions import hw7
    depths = np.arange(1, 101)
    exact = hw7.exact_mode_time(1.0, 1.0, 0.01, 0.99, depths)
    approx = hw7.deep_mode_time(1.0, 1.0, 0.01, 0.99, depths)
    out = {f"2.141/ratio_L{L}": approx[L - 1] / exact[L - 1] for L in (1, 5, 10, 50)}
    out.update({"2.141/exact_L1": exact[0], "2.141/exact_L50": exact[49],
                "2.141/exact_peak": exact.max(), "2.141/exact_peak_depth": float(depths[exact.argmax()])})
    return out


def _errata_2_145():
    from solutions import hw7
    L, s, u = 3, 1.0, 0.1
    a = u ** (1 / (L + 1))
    return {"2.145/lambda1_L3_u0.1": hw7.top_hessian_eigenvalue(s, a, L),
            "2.145/lambda_i_L3_u0.1": s * a ** (L - 1) - a ** (2 * L)}


def _errata_2_149():
    from solutions import hw7
    L, s = 3, 1.0
    a_star = (s * (L - 1) / (2 * (1 + 2 * L))) ** (1 / (L + 1))
    printed = -s ** (2 * L / (L + 1)) * ((L - 1) / (2 * (1 + 2 * L))) ** ((L - 1) / (L + 1))
    return {"2.149/true_L3": hw7.top_hessian_eigenvalue(s, a_star, L), "2.149/printed_L3": printed}


def _errata_2_151():
    from solutions import hw7
    s, u0, uf = 1.0, 0.01, 0.99
    out = {"2.151/bound": hw7.optimal_steps(s, 1, u0, uf)}
    for L in (1, 100):
        u = hw7.simulate_mode(s, 1.0 / ((L + 1) * s ** (2 * L / (L + 1))), L, u0, 5000)
        out[f"2.151/gd_steps_L{L}"] = float(np.argmax(u >= uf))
    return out


def _errata_lemma_2():
    from solutions import hw4
    rng = np.random.default_rng(0)
    X, W0 = rng.standard_normal((3, 10)), rng.standard_normal((20, 3)) / math.sqrt(3)
    Xa = X.copy()
    Xa[:, 1] = -Xa[:, 0]            # an antipodal pair
    return {"lemma2/rank_square_n0_3_m10": hw4.numerical_rank(hw4.hidden_features(W0, X, "square")),
            "lemma1/rank_tanh_antipodal_m10": hw4.numerical_rank(hw4.hidden_features(W0, Xa, "tanh"))}


def _errata_theorem_5():
    from solutions import hw5
    lr = 2.5
    Dg = np.eye(2) - lr * np.asarray(hw5.hessian("quartic", np.zeros(2)))
    return {"thm5/Dg_xx_lr2.5": Dg[0, 0], "thm5/Dg_yy_lr2.5": Dg[1, 1],
            "thm4/lipschitz_quartic_r1": hw5.lipschitz_constant("quartic", 1.0)}


def _errata_4_77():
    from solutions import hw8
    mu, lam, mu_p, lam_p = np.array([1.0, -2.0, 0.5, 3.0]), np.array([0.5, -1.0, 1.5, 0.0]), 0.0, -0.5
    printed = 0.5 * (math.exp(-lam_p) * (np.exp(lam).sum() + ((mu - mu_p) ** 2).sum()) + 4 * (lam_p - 1) - mu.sum())
    w = mu + np.exp(lam / 2) * np.random.default_rng(0).standard_normal((10 ** 6, 4))
    log_ratio = (0.5 * (lam_p - lam) - 0.5 * (w - mu) ** 2 / np.exp(lam)
                 + 0.5 * (w - mu_p) ** 2 / math.exp(lam_p)).sum(axis=1)   # log q(w) - log p(w)
    return {"4.77/printed": printed, "4.77/closed_form": hw8.kl_diag_gaussians(mu, lam, mu_p, lam_p),
            "4.77/monte_carlo": log_ratio.mean(), "4.77/monte_carlo_se": log_ratio.std() / 1000}


def _errata_4_80():
    from solutions import hw8
    m, delta, b, c, j = 1000, 0.025, 100.0, 0.1, 300
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((3, m)), np.sign(rng.standard_normal(m))
    lam_p = math.log(c) - j / b                 # grid point j; Q = P, so KL = 0
    gibbs, bound = hw8.dziugaite_roy_bound(np.zeros(3), np.full(3, lam_p), X, y, np.zeros(3), lam_p, delta, b, c)
    return {"4.80/log_term": (bound - gibbs) ** 2 * (2 * m - 1),
            "4.80/printed_log_term": math.log(2 * math.pi ** 2 * m * j / (3 * delta))}


def _errata_4_90():
    from solutions import hw8
    rng = np.random.default_rng(1)
    Ws = [rng.normal(size=(50, 20)) / math.sqrt(20), rng.normal(size=(50, 50)) / math.sqrt(50),
          rng.normal(size=(1, 50)) / math.sqrt(50)]
    s = [np.linalg.norm(W, 2) for W in Ws]
    b = [np.linalg.norm(W, axis=1).sum() for W in Ws]
    return {"4.90/bartlett": hw8.spectral_complexity(Ws),
            "4.90/printed": math.prod(s) * math.sqrt(sum((bi / si) ** 2 for bi, si in zip(b, s)))}


def _errata_4_21():
    from solutions import hw8
    return {"4.21/vc_bound_m10_d20": hw8.vc_bound(10, 20, 0.05)}


def _errata_5_123():
    delta = 0.9                                  # both bounds times sqrt(n)
    return {"5.123/printed_delta0.9": 2 * math.sqrt(math.log(1 / delta)),
            "5.123/range2_delta0.9": math.sqrt(2 * math.log(2 / delta))}


def _errata_lemma_3():
    from solutions import hw11
    rng = np.random.default_rng(0)
    ws, n_in = [], 2
    for n in (6, 8, 12):
        ws.append(rng.standard_normal((n, n_in)) / math.sqrt(n_in))
        n_in = n
    X = rng.standard_normal((2, 12))
    Xa = rng.standard_normal((3, 10))
    Xa[:, 5:] = -Xa[:, :5]
    wt = [rng.standard_normal((12, 3)) / math.sqrt(3), rng.standard_normal((12, 12)) / math.sqrt(12)]
    b = [0.5 * rng.standard_normal(12), 0.5 * rng.standard_normal(12)]
    sq = hw11.feature_ranks(ws, X, "square")
    return {"lemma3/square_rank_l1": sq[0], "lemma3/square_rank_l2": sq[1], "lemma3/square_rank_l3": sq[2],
            "lemma3/tanh_antipodal_no_bias_l2": hw11.feature_ranks(wt, Xa, "tanh")[1],
            "lemma3/tanh_antipodal_bias_l2": hw11.feature_ranks(wt, Xa, "tanh", b)[1]}


def _errata_3_47():
    from solutions import hw11
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((3, 9)), rng.standard_normal((3, 9))
    ev = np.linalg.eigvalsh(hw11.deep_linear_hessian(hw11.linear_critical_point(X, Y, [3, 3, 3], [1]), X, Y))
    factor = float(np.prod(np.abs(1 - 0.5 / ev.max() * ev)))
    return {"3.47/volume_factor": factor, "3.47/preimage_10_ratio": factor ** -10}


def _errata_4_97():
    from scipy.stats import norm

    from solutions import hw12
    A, t = np.stack([np.diag(np.eye(4)[k]) for k in range(4)]), 3.0
    return {"4.97/p_norm": 1 - (1 - 2 * norm.sf(t)) ** 4, "4.97/p_lambda_max": 1 - (1 - norm.sf(t)) ** 4,
            "4.97/bound_n": hw12.tropp_bound(A, t, "max"), "4.97/bound_2n": hw12.tropp_bound(A, t, "norm")}


ERRATA = {"2.25": _errata_2_25, "2.47": _errata_2_47, "2.121": _errata_2_121, "2.141": _errata_2_141,
          "2.145": _errata_2_145, "2.149": _errata_2_149, "2.151": _errata_2_151, "lemma2": _errata_lemma_2,
          "thm5": _errata_theorem_5, "4.77": _errata_4_77, "4.80": _errata_4_80, "4.90": _errata_4_90,
          "4.21": _errata_4_21, "5.123": _errata_5_123, "lemma3": _errata_lemma_3, "3.47": _errata_3_47,
          "4.97": _errata_4_97}


ERRATA_DOC = ROOT / "docs" / "errata.md"
ROW = re.compile(r"^\|\s*`([\w./-]+)`\s*\|\s*([-+0-9.eE]+)\s*\|\s*([0-9.eE+-]+)\s*\|\s*$", re.M)


def _doc_rows():
    """{number key: (value, tolerance)} from the tables of docs/errata.md."""
    rows = {}
    for key, value, tol in ROW.findall(ERRATA_DOC.read_text()):
        assert key not in rows, f"docs/errata.md lists {key} twice"
        rows[key] = (float(value), float(tol))
    return rows


def _owner(key):
    """The ERRATA entry that recomputes a table row (its key's prefix, with two aliases)."""
    prefix = key.split("/")[0]
    return {"lemma1": "lemma2", "thm4": "thm5"}.get(prefix, prefix)


def test_every_errata_row_has_a_recomputation():
    """Is every number of docs/errata.md's tables recomputed by some test below?"""
    rows = _doc_rows()
    assert len(rows) >= 40, f"docs/errata.md: only {len(rows)} table rows parsed"
    orphans = sorted(k for k in rows if _owner(k) not in ERRATA)
    assert not orphans, f"docs/errata.md rows that no test recomputes: {orphans}"


@pytest.mark.parametrize("erratum", sorted(ERRATA))
def test_erratum_numbers(erratum):
    """Does the reference, with the doc's inputs, give the doc's numbers (one for one)?"""
    rows = _doc_rows()
    got = {k: float(v) for k, v in ERRATA[erratum]().items()}
    mine = {k for k in rows if _owner(k) == erratum}
    assert set(got) == mine, (f"docs/errata.md rows {sorted(mine - set(got))} are not recomputed, "
                              f"recomputed {sorted(set(got) - mine)} have no row")
    for key, value in got.items():
        want, tol = rows[key]
        assert abs(value - want) <= tol, (f"{key}: recomputed {value:.8g}, docs/errata.md says {want:g} "
                                          f"(tolerance {tol:g}). Next: correct the doc (and the notebook "
                                          "that shows it) or the reference.")
