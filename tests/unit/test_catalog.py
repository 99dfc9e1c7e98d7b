"""autograder.catalog: the assignments and their points come from the check modules,
once; a student copy's cut hidden cases still count in the totals."""
import json
from types import SimpleNamespace

import pytest

from autograder import catalog
from autograder.spec import Case, CheckSpec, Resolved


def _spec(function, rows, stochastic=False):
    spec = CheckSpec(function, f"test_{function}", "m", [], 1.0, False, stochastic,
                     1e-5 if stochastic else None, None)
    spec.resolved = [Resolved(Case(label), float(p), hidden, label) for label, p, hidden in rows]
    return spec


def test_ids_are_the_check_modules_in_numeric_order():
    ids = catalog.ids()
    assert ids[:2] == ("hw1", "hw2")
    assert list(ids) == sorted(ids, key=lambda s: int(s[2:]))
    assert "hw10" in ids and ids.index("hw10") > ids.index("hw8")
    assert all(i.startswith("hw") and i[2:].isdigit() for i in ids)


def test_get_unknown_assignment_raises_key_error():
    with pytest.raises(KeyError):
        catalog.get("hw999")
    with pytest.raises(KeyError):
        catalog.get("pytest")


def test_get_reads_title_functions_and_checks_from_the_module():
    a = catalog.get("hw1")
    assert a is catalog.get("hw1")  # cached: one registry
    assert a.id == "hw1" and a.title.startswith("Preserving the variance")
    assert a.functions[0] == "init_variance"
    assert {c.function for c in a.checks} <= set(a.functions)
    assert a.points == pytest.approx(sum(p for c in a.checks for _, p, _, _ in c.resolved))
    assert 0 < a.public_points < a.points
    assert a.hidden_cut == () and a.hidden_cut_points == 0
    assert all(c.stochastic for c in a.stochastic) and a.stochastic


def test_every_assignment_has_a_title_functions_and_points():
    for a in catalog.all_assignments():
        assert a.title and a.title != a.id, a.id
        assert a.functions and a.points > 0, a.id
        assert len(set(a.functions)) == len(a.functions), a.id


def test_from_module_counts_public_hidden_and_cut_points():
    mod = SimpleNamespace(TITLE="Toy", HIDDEN_CASES=[("g", "big", 2), ("f", "huge", "0.5")])
    specs = [_spec("f", [("a", 1.0, False), ("b", 0.5, True)]),
             _spec("g", [("c", 0.25, False)], stochastic=True)]
    a = catalog.from_module("hw0", mod, specs)
    assert a.title == "Toy"
    assert a.functions == ("f", "g")  # without FUNCTIONS: the order the checks are declared in
    assert a.hidden_cut == (("g", "big", 2.0), ("f", "huge", 0.5))
    assert a.public_points == 1.25
    assert a.hidden_cut_points == 2.5
    assert a.points == 1.0 + 0.5 + 0.25 + 2.5
    assert [c.function for c in a.stochastic] == ["g"]


def test_from_module_keeps_the_declared_function_order_and_defaults_the_title():
    mod = SimpleNamespace(FUNCTIONS=["g", "f"])
    a = catalog.from_module("hw0", mod, [_spec("f", [("a", 1.0, False)])])
    assert a.functions == ("g", "f") and a.title == "hw0"
    assert catalog.from_module("hw0", SimpleNamespace(), []).points == 0


@pytest.fixture
def distribution_file(tmp_path, monkeypatch):
    path = tmp_path / "distribution.json"
    monkeypatch.setattr(catalog, "DISTRIBUTION", path)
    catalog.distribution.cache_clear()
    yield path
    catalog.distribution.cache_clear()


def test_the_checkout_is_not_a_student_install(distribution_file):
    assert catalog.distribution() == {}
    assert not catalog.is_student_install()


@pytest.mark.parametrize("text, student", [
    (json.dumps({"kind": "student", "version": "0.1"}), True),
    (json.dumps({"kind": "instructor"}), False),
    (json.dumps(["student"]), False),
    ("not json", False),
])
def test_distribution_file_decides_a_student_install(distribution_file, text, student):
    distribution_file.write_text(text)
    assert catalog.is_student_install() is student


def test_a_package_may_split_its_checks_by_topic(tmp_path, monkeypatch):
    """public.py, then public_<topic>.py in name order; likewise hidden; other files are not checks."""
    import importlib

    pkg_dir = tmp_path / "toy_split_pkg"
    pkg_dir.mkdir()
    for name in ("__init__", "public", "public_training", "public_kernels", "hidden", "hidden_training",
                 "theory", "plot", "slipgen", "publicity"):
        (pkg_dir / f"{name}.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    pkg = importlib.import_module("toy_split_pkg")
    assert catalog._module_names(pkg, catalog.PUBLIC) == ["public", "public_kernels", "public_training"]
    assert catalog._module_names(pkg, catalog.HIDDEN) == ["hidden", "hidden_training"]
    assert catalog.is_hidden_module("autograder.checks.hw9.hidden_training")
    assert catalog.is_hidden_module("autograder.checks.hw9.hidden")
    assert not catalog.is_hidden_module("autograder.checks.hw9.public")
    assert not catalog.is_hidden_module("autograder.checks.hw9.hiddenness")
