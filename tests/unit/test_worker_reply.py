"""course.grading.worker's reply: the grading process's report, in the sandbox's codec."""
import json
import math

from course.grading import worker


def test_a_report_comes_back_as_it_was_sent():
    payload = {"report": {"assignment": "hw1", "score": 1.5, "max_score": 2.0, "notes": ["a"],
                          "tests": [{"id": "hw1::f::c", "status": "passed", "points": 1.5, "passed": True,
                                     "hidden": False, "call": "f(1)", "duration": 0.01}],
                          "confinement": {"namespaces": ["pid", "net"], "uid": "private"}},
               "output": "printed\n", "exit_status": 1}
    assert worker._decode(worker._encode(payload)) == payload


def test_nan_survives_and_tuples_stay_tuples():
    back = worker._decode(worker._encode({"x": float("nan"), "t": (1, 2)}))
    assert math.isnan(back["x"]) and back["t"] == (1, 2)


def test_an_unreadable_reply_is_the_graders_error_not_a_crash():
    assert "unreadable reply" in worker._decode(b"{not json")["error"]
    assert "unreadable reply" in worker._decode(json.dumps([1, 2]).encode())["error"]


def test_a_report_the_codec_cannot_carry_becomes_an_error_reply():
    back = worker._decode(worker._encode({"report": {"odd": object()}}))
    assert set(back) == {"error"} and "could not be sent back" in back["error"]
