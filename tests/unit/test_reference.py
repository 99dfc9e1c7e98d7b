"""autograder.reference: calls are keyed stably, fixtures replay what the solutions
return, a call the fixtures lack is a setup error (never a silent value)."""
import json

import numpy as np
import pytest
import torch

from autograder import reference
from autograder.reference import GraderSetupError, Reference, call_key, normalize


# ---------------------------------------------------------------- call_key
def test_call_key_is_stable_across_releases():
    """Every student's installed fixtures are keyed by this: changing the hash
    (or the codec under it) makes them all stale."""
    key = call_key("init_variance", (3, 7, "he"), {})
    assert key == "b7118b2b2f29475ed2802eb1f6fda528"
    entries = json.loads(reference.fixture_path("hw1").read_text())["entries"]
    assert key in entries and entries[key]["fn"] == "init_variance"


def test_call_key_tells_apart_what_a_function_could_tell_apart():
    base = call_key("f", (3, 7), {})
    assert call_key("f", [3, 7], {}) == base  # args are a sequence either way
    assert call_key("g", (3, 7), {}) != base
    assert call_key("f", (7, 3), {}) != base
    assert call_key("f", (3.0, 7), {}) != base
    assert call_key("f", ((3, 7),), {}) != call_key("f", ([3, 7],), {})  # a tuple argument is not a list
    assert call_key("f", (np.arange(3.0),), {}) == call_key("f", (np.arange(3.0),), {})
    assert call_key("f", (np.arange(3.0),), {}) != call_key("f", (np.arange(3),), {})
    assert call_key("f", (np.arange(3.0),), {}) != call_key("f", (np.arange(3.0) + 1e-15,), {})
    assert call_key("f", (2**60,), {}) != call_key("f", (2**60 + 1,), {})
    assert call_key("f", (), {"a": 1, "b": 2}) == call_key("f", (), {"b": 2, "a": 1})
    assert call_key("f", (1,), {}) != call_key("f", (), {"x": 1})
    assert call_key("f", (float("nan"),), {}) == call_key("f", (float("nan"),), {})
    assert len(base) == 32 and int(base, 16) >= 0


# ---------------------------------------------------------------- normalize
def test_normalize_gives_sandbox_types():
    t = torch.arange(3, dtype=torch.float64, requires_grad=True)
    out = normalize((t, [np.ones(2)], {"k": t}))
    assert isinstance(out, tuple) and isinstance(out[1], list)
    assert isinstance(out[0], np.ndarray) and out[0].dtype == np.float64
    assert np.array_equal(out[2]["k"], [0.0, 1.0, 2.0])
    a = np.ones(2)
    b = normalize(a)
    b[0] = 5.0
    assert a[0] == 1.0  # a copy: a check cannot change a cached reference value
    assert normalize(3) == 3 and normalize("s") == "s" and normalize(None) is None


# ---------------------------------------------------------------- Reference
def test_fixtures_replay_what_the_solutions_return():
    live, replay = Reference("hw1", mode="solutions"), Reference("hw1", mode="fixtures")
    assert (live.mode, replay.mode) == ("solutions", "fixtures")
    for scheme in ("forward", "backward", "glorot", "he", "he_backward"):
        assert replay.init_variance(3, 7, scheme) == pytest.approx(live.init_variance(3, 7, scheme), rel=1e-15)


def test_auto_mode_uses_the_solutions_where_installed():
    assert Reference("hw1").mode == "solutions"


def test_a_call_the_fixtures_lack_is_a_stale_fixture_error():
    ref = Reference("hw1", mode="fixtures")
    with pytest.raises(GraderSetupError) as info:
        ref.init_variance(3, 8, "he")
    msg = str(info.value)
    assert "do not cover init_variance(3, 8, 'he')" in msg and "the fixtures are stale" in msg
    assert "course fixtures hw1" in msg


def test_missing_fixtures_and_missing_solutions_are_setup_errors(tmp_path, monkeypatch):
    monkeypatch.setattr(reference, "FIXTURES", tmp_path)
    with pytest.raises(GraderSetupError, match=r"hw1.json is missing\). Next: the instructor runs"):
        Reference("hw1", mode="fixtures")
    with pytest.raises(GraderSetupError, match="`solutions.hw404` is not importable"):
        Reference("hw404", mode="solutions")
    assert not reference.solutions_available("hw404")
    with pytest.raises(GraderSetupError, match=r"no public reference values for hw404"):
        Reference("hw404")  # auto: no solutions, so fixtures, and there are none


def test_record_save_and_replay(tmp_path, monkeypatch):
    monkeypatch.setattr(reference, "FIXTURES", tmp_path)
    rec = Reference("hw1", mode="record")
    w = rec.init_weights([4, 3, 2], "he", 0)
    v = rec.init_variance(3, 7, "glorot")
    path = rec.save()
    assert path == tmp_path / "hw1.json" and not (tmp_path / "hw1.tmp").exists()
    data = json.loads(path.read_text())
    assert data["format"] == reference.FORMAT and data["assignment"] == "hw1" and len(data["entries"]) == 2
    replay = Reference("hw1", mode="fixtures")
    w2 = replay.init_weights([4, 3, 2], "he", 0)
    assert isinstance(w2, type(w)) and all(np.array_equal(a, b) for a, b in zip(w, w2))
    assert replay.init_variance(3, 7, "glorot") == v


def test_verify_mode_returns_the_recorded_value(tmp_path, monkeypatch):
    monkeypatch.setattr(reference, "FIXTURES", tmp_path)
    key = call_key("init_variance", (3, 7, "he"), {})
    from autograder.sandbox import codec
    (tmp_path / "hw1.json").write_text(json.dumps(
        {"format": 1, "entries": {key: {"fn": "init_variance", "value": codec.encode(123.0)}}}))
    ver = Reference("hw1", mode="verify")
    assert ver.init_variance(3, 7, "he") == 123.0
    assert codec.decode(ver.recorded[key]["value"]) == pytest.approx(2 / 3)


def test_cached_values_cannot_be_changed_by_a_check():
    live = Reference("hw1", mode="solutions")
    w = live.init_weights([4, 3, 2], "he", 0)
    w[0][:] = 0.0
    assert not np.all(live.init_weights([4, 3, 2], "he", 0)[0] == 0.0)


def test_private_names_are_not_reference_functions():
    ref = Reference("hw1", mode="solutions")
    with pytest.raises(AttributeError):
        ref._phi


def test_solutions_values_are_computed_once_per_process(monkeypatch):
    import solutions.hw1 as module

    calls = []
    original = module.init_variance

    def counting(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, "init_variance", counting)
    first = Reference("hw1", mode="solutions").init_variance(3, 7, "he")
    assert Reference("hw1", mode="solutions").init_variance(3, 7, "he") == first
    assert len(calls) == 1            # the second grading's reference did not compute it again
    rec = Reference("hw1", mode="record")
    assert rec.init_variance(3, 7, "he") == first
    assert len(calls) == 2 and len(rec.recorded) == 1   # record mode always calls, and records
    # a function replaced (another module, a monkeypatch) never meets the old value
    monkeypatch.setattr(module, "init_variance", lambda *a, **k: 42.0)
    assert Reference("hw1", mode="solutions").init_variance(3, 7, "he") == 42.0


def test_shared_values_cannot_be_changed_by_another_grading():
    w = Reference("hw1", mode="solutions").init_weights([4, 3, 2], "he", 1)
    w[0][:] = 0.0
    assert not np.all(Reference("hw1", mode="solutions").init_weights([4, 3, 2], "he", 1)[0] == 0.0)


def test_shared_values_stay_within_their_limit(monkeypatch):
    monkeypatch.setattr(reference, "SHARED_LIMIT", 10_000)
    ref = Reference("hw1", mode="solutions")
    keys = []
    for seed in range(12):                       # about 1.1 kB each
        ref.init_weights([10, 10, 2], "he", 100 + seed)
        keys.append(call_key("init_weights", ([10, 10, 2], "he", 100 + seed), {}))
    assert reference._SHARED_BYTES[0] <= 10_000
    held = {k for _, k in reference._SHARED}
    assert keys[-1] in held and keys[0] not in held   # the least recently used went first
    ref.init_weights([40, 40, 2], "he", 0)       # over a quarter of the limit: not kept
    assert call_key("init_weights", ([40, 40, 2], "he", 0), {}) not in {k for _, k in reference._SHARED}
