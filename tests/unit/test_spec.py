"""autograder.spec: a Case carries its inputs; @check parametrises a test over its
cases with the points, hidden flag and id of each, and refuses what is ill-declared."""
import numpy as np
import pytest

from autograder.spec import REGISTRY, Case, CheckSpec, check, rejects


@pytest.fixture
def registry():
    """Declarations made by a test are removed from the registry afterwards."""
    before = {k: list(v) for k, v in REGISTRY.items()}
    yield REGISTRY
    REGISTRY.clear()
    REGISTRY.update(before)


# ---------------------------------------------------------------- Case
def test_case_holds_its_inputs_and_options():
    c = Case("he_3_5", 3, 5, "he", hidden=True, points=2, seed=4)
    assert c.id == "he_3_5" and c.args == (3, 5, "he") and c.kwargs == {"seed": 4}
    assert c.hidden is True and c.points == 2
    assert c["seed"] == 4
    with pytest.raises(KeyError):
        c["fan_in"]
    assert repr(c) == "Case('he_3_5')"
    assert Case(7).id == "7"
    d = Case("plain")
    assert d.hidden is None and d.points is None


def test_case_describe_is_short_and_readable():
    c = Case("x", np.array([1.0, 2.5]), [np.eye(2), np.eye(3)], 0.123456789, "tanh", n=np.zeros((3, 4)))
    text = c.describe("f")
    assert text == "[1. , 2.5], <list of 2 arrays>, 0.123457, 'tanh', n=<array 3x4 float64>"
    long = Case("y", "a" * 100, "b" * 100, "c" * 100, "d" * 100, "e" * 100, "f" * 100).describe("f")
    assert len(long) == 300 and long.endswith("...")
    assert "..." in Case("z", "q" * 80).describe("f")


# ---------------------------------------------------------------- check
def test_check_parametrises_over_cases_with_resolved_points_and_hidden(registry):
    @check("init_variance", points=0.5, cases=[Case("a", 1), Case("b", 2, hidden=True, points=3)])
    def test_fn(student, ref, case):
        pass

    spec = test_fn._course_check
    assert isinstance(spec, CheckSpec)
    assert spec in registry[__name__]
    assert spec.function == "init_variance" and spec.test_name == "test_fn" and spec.fn is test_fn
    assert [(c.id, p, h, label) for c, p, h, label in spec.resolved] == [("a", 0.5, False, "a"),
                                                                        ("b", 3.0, True, "b")]
    (mark,) = [m for m in test_fn.pytestmark if m.name == "parametrize"]
    assert mark.args[0] == "case"
    params = mark.args[1]
    assert [p.id for p in params] == ["a", "b"]
    graded = params[1].marks[0]
    assert graded.name == "graded"
    assert graded.kwargs == {"function": "init_variance", "case": "b", "points": 3.0, "hidden": True,
                             "stochastic": False, "ffp": None, "timeout": None, "call": "2"}


def test_check_aspect_prefixes_the_case_ids(registry):
    @check("f", aspect="errors", hidden=True, cases=[Case("bad", 1), Case("worse", 2, hidden=False)])
    def test_errors(student, ref, case):
        pass

    assert [(label, h) for _, _, h, label in test_errors._course_check.resolved] == [("errors/bad", True),
                                                                                    ("errors/worse", False)]


def test_check_without_cases_has_one_default_case(registry):
    @check("g", stochastic=True, ffp=1e-5, timeout=3.0)
    def test_g(student, ref, case):
        pass

    spec = test_g._course_check
    assert [c.id for c, *_ in spec.resolved] == ["default"]
    assert spec.stochastic and spec.ffp == 1e-5 and spec.timeout == 3.0


def test_a_stochastic_check_must_state_its_ffp():
    with pytest.raises(ValueError, match="stochastic check of g must state its ffp"):
        check("g", stochastic=True)


def test_case_ids_must_be_unique():
    with pytest.raises(ValueError, match=r"duplicate case ids in check of g: \['a', 'a'\]"):
        check("g", cases=[Case("a", 1), Case("a", 2)])


# ---------------------------------------------------------------- rejects
class _Student:
    """Stands for the sandboxed student: raises like it (Raised, by name)."""

    def __init__(self, fn):
        self.init_variance = fn


def _raising(exc):
    from autograder.sandbox.errors import Raised

    def fn(*args, **kwargs):
        raise Raised("bad input", exc_type=exc)
    return fn


def test_rejects_declares_one_check_per_case_in_the_calling_module(registry):
    test = rejects("init_variance", ValueError, points=0.5, cases=[Case("unknown", 3, 7, "lecun")])
    spec = test._course_check
    assert spec in registry[__name__] and spec.module == __name__
    assert spec.function == "init_variance" and spec.aspect == "errors"
    assert [(r.label, r.points, r.hidden) for r in spec.resolved] == [("errors/unknown", 0.5, False)]
    assert test.__name__ == "test_init_variance_errors"


def test_rejects_passes_on_the_exception_and_fails_otherwise(registry):
    from autograder.compare import CheckFailure

    test = rejects("init_variance", "ValueError", points=1, cases=[Case("c", 1, scheme="x")], hidden=True)
    body = test._course_check.fn
    case = test._course_check.cases[0]
    assert test._course_check.resolved[0].hidden
    body(_Student(_raising("ValueError")), None, case)
    with pytest.raises(CheckFailure, match="expected ValueError, but your code raised KeyError"):
        body(_Student(_raising("KeyError")), None, case)
    with pytest.raises(CheckFailure, match="expected ValueError to be raised, but it returned 2"):
        body(_Student(lambda *a, **k: 2.0), None, case)


def test_case_input_builds_a_named_input_or_takes_the_data():
    from autograder.spec import case_input

    table = {"ones": lambda n: np.ones(n)}
    assert case_input(table, "ones", 3).tolist() == [1.0, 1.0, 1.0]
    data = np.arange(4.0)
    assert case_input(table, data, 3) is data
    with pytest.raises(KeyError):
        case_input(table, "twos", 3)
