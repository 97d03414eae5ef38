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


def test_a_bulk_saves_entries_are_written_a_column_at_a_time_as_dump_writes_them():
    """tracker.audit.table_json (an import's entries, built a column at a time) writes what _dump writes of the
    same rows: text escaped, accents and other scripts kept, numbers as Python writes them, NaN and inf null."""
    import pandas as pd

    from tracker.audit import table_json

    frame = pd.DataFrame({"enterprise_id": [7, 12, 7], "carrier": ["électricité", 'a"b\\c\td', "中文"],
                          "value": [0.1, 1e16, 5.0], "price": [float("nan"), float("inf"), 2.5],
                          "note": ["", "x\n", "\x01"]})
    entries = list(table_json(frame, 2))
    assert [n for n, _ in entries] == [2, 1]
    assert entries[0][1] == ('{"columns": ["enterprise_id", "carrier", "value", "price", "note"], "figures": '
                             '[[7, "électricité", 0.1, null, ""], [12, "a\\"b\\\\c\\td", 1e+16, null, "x\\n"]]}')
    assert entries[1][1] == ('{"columns": ["enterprise_id", "carrier", "value", "price", "note"], "figures": '
                             '[[7, "中文", 5.0, 2.5, "\\u0001"]]}')
    for (n, text), start in zip(entries, (0, 2), strict=True):
        rows = frame.iloc[start:start + n].astype(object).to_numpy().tolist()
        assert text == _dump({"columns": list(frame.columns), "figures": rows})
