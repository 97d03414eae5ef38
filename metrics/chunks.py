"""A template file read in pieces, checked as if it were read whole.

:func:`parse_chunks` parses each piece with :func:`metrics.frames.parse_keyed`, with the
day/month orders of the whole file (:func:`metrics.frames.file_date_orders`), and remembers the
key of every row in a few integer columns (no Python object per row), so that a figure given
twice in different pieces is named as :func:`metrics.parse` names it in one table.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
import pandas as pd

from metrics.frames import TEMPLATE_COLUMNS, Parsed, parse_keyed, repeat_reason


class _Codes:
    """Integer codes for values met in any piece (the same value, the same code)."""

    def __init__(self) -> None:
        self.known: dict = {}

    def of(self, values: pd.Series) -> np.ndarray:
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
        table = np.array([self.known.setdefault(u, len(self.known)) for u in uniques], dtype=np.int64)
        return table[codes] if len(table) else np.zeros(len(values), dtype=np.int64)


def parse_chunks(chunks: Iterable[tuple[pd.DataFrame, int]],
                 date_orders: tuple[str | None, str | None] | None = None) -> Iterator[Parsed]:
    """Parse the pieces ``(frame, first line)`` of one file, one :class:`Parsed` each, then one
    more without rows that names every figure given again in a later piece (nothing when there
    is none). A piece's own repeats are named by its own parse."""
    enterprises, kinds = _Codes(), _Codes()
    seen: list[np.ndarray] = []
    starts: list[int] = []
    for frame, first_line in chunks:
        parsed, key = parse_keyed(frame, first_line=first_line, date_orders=date_orders)
        yield parsed
        if key is None:
            continue
        usable = (key["e"].ne("") & key["s"].notna() & key["t"].notna()).to_numpy()
        key = key[usable]
        kind = key["p"].fillna("\x00") + "\x1f" + key["i"] + "\x1f" + key["c"]  # phase None is a value too
        # days fit 32 bits (pandas dates span 1677-2262), and so do codes and lines (5M rows at most)
        seen.append(np.column_stack([enterprises.of(key["e"]), kinds.of(kind),
                                     key["s"].to_numpy(dtype="datetime64[D]").view(np.int64),
                                     key["t"].to_numpy(dtype="datetime64[D]").view(np.int64),
                                     key["line"].to_numpy(dtype=np.int64)]).astype(np.int32))
        starts.append(first_line)
    if len(seen) < 2:
        return
    every = pd.DataFrame(np.concatenate(seen), columns=["e", "k", "s", "t", "line"])
    again = every.duplicated(["e", "k", "s", "t"], keep="first").to_numpy()
    if not again.any():
        return
    # a row repeating one of its own piece is named by that piece's parse; the first of its key
    # in its piece that repeats a row of an earlier piece is named here
    every["piece"] = np.searchsorted(np.asarray(starts), every["line"].to_numpy(), side="right")
    across = again & ~every.duplicated(["piece", "e", "k", "s", "t"], keep="first").to_numpy()
    first = every.groupby(["e", "k", "s", "t"])["line"].transform("min").to_numpy()
    problems = pd.DataFrame({"row": every["line"].to_numpy()[across], "column": "carrier",
                             "reason": [repeat_reason(n) for n in first[across]]})
    yield Parsed(pd.DataFrame(columns=TEMPLATE_COLUMNS), problems.sort_values("row", kind="stable")
                 .reset_index(drop=True))
