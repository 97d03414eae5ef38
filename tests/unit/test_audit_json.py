"""The audit log's before and after are strict JSON: an empty optional input (NaN) is null."""
import json

import numpy as np

from tracker.audit import _dump


def _strict(text):
    def refuse(name):
        raise AssertionError(f"{name} is not JSON")
    return json.loads(text, parse_constant=refuse)


def test_a_missing_number_is_written_as_null():
    text = _dump({"value": 1.5, "price": float("nan"), "share": np.float64("nan"), "lines": [2.0, float("nan")]})
    assert _strict(text) == {"value": 1.5, "price": None, "share": None, "lines": [2.0, None]}


def test_plain_values_are_written_as_before():
    assert _strict(_dump({"b": 1, "a": "x"})) == {"a": "x", "b": 1}
    assert _dump(None) == ""
