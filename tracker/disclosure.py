"""Disclosure control: no figure shown lets anyone work out one enterprise's figures.

* :func:`suppress` blanks every cell built from fewer than :data:`MIN_CELL` enterprises;
* :func:`complement` hides more cells of a breakdown where the hidden ones could be worked out
  from the total minus the shown ones;
* :func:`guard` remembers, per user and data version, the cells it has shown and hides a new
  cell whose enterprises differ from a shown one's by one or two (differencing).
"""
from __future__ import annotations

import threading
from math import isqrt

import numpy as np
import pandas as pd

MIN_CELL = 3
FEWER = "fewer than 3"
#: fewest enterprises whose spread (quantiles) is shown: five quantiles and a mean of a handful
#: of values can be solved for each value
SPREAD_MIN = 10


def suppress(df: pd.DataFrame, count_col: str = "enterprises") -> pd.DataFrame:
    """Blank (NaN) every figure of a row built from fewer than MIN_CELL enterprises and add a
    boolean ``suppressed`` column. Counts stay: how many took part is not a secret."""
    out = df.copy()
    small = (out[count_col] < MIN_CELL).to_numpy() if len(out) else np.zeros(0, dtype=bool)
    for col in out.columns:
        if col != count_col and pd.api.types.is_float_dtype(out[col]):
            out.loc[small, col] = np.nan
    out["suppressed"] = small
    return out


def complement(df: pd.DataFrame, within: list[str], count_col: str = "enterprises",
               flag: str = "suppressed") -> pd.DataFrame:
    """Secondary suppression: where the hidden cells of a breakdown (per ``within`` group) hold
    fewer than MIN_CELL enterprises together, hide the smallest visible cells too, until they
    hold at least MIN_CELL. Otherwise the total minus the visible cells would give away the
    hidden one (a sector's mean of 7 enterprises, minus two quarters of 3, is the 7th's)."""
    if df.empty or not df[flag].any():
        return df
    out = df.copy()
    groups = [g.index for _, g in out.groupby(within, sort=False)] if within else [out.index]
    for index in groups:
        cells = out.loc[index]
        hidden = int(cells.loc[cells[flag], count_col].sum())
        if hidden == 0 or hidden >= MIN_CELL:
            continue
        for i in cells[~cells[flag]].sort_values(count_col, kind="stable").index:
            out.loc[i, flag] = True
            hidden += int(out.loc[i, count_col])
            if hidden >= MIN_CELL:
                break
    figures = [c for c in out.columns if c != count_col and pd.api.types.is_float_dtype(out[c])]
    out.loc[out[flag].to_numpy(), figures] = np.nan
    return out


# --- differencing ---------------------------------------------------------------------------
#
# Two aggregates whose enterprises differ by one or two (a sector, then the same sector without
# one country) give those enterprises' figures away by subtraction, each cell being large
# enough on its own. guard() remembers, per user and data version, the cells it has shown, and
# hides a new cell whose enterprises differ from a shown one's by fewer than MIN_CELL. A cell is
# remembered by the power sums of its enterprise ids (count, sum of ids, of squares, of cubes):
# four integers, whatever its size, from which a difference of one or two ids can be recognised
# exactly (a set differs from another by {x} when the sums differ by x, x^2, x^3, and so on).
# It stops the direct attack, two cells one or two enterprises apart. It does not audit every
# linear combination of three or more shown cells (a total, minus a country's cell, minus
# another's, can still isolate a third country's enterprise across pages): that needs a query
# auditor over the span of everything shown, which this does not attempt.

_ID_LIMIT = 1 << 21  # cubes of ids below this fit in int64


def cell_sums(table: str, frame: pd.DataFrame, keys: list[str]) -> dict:
    """{(table, key...): (n, sum id, sum id^2, sum id^3)} for the enterprises behind each cell."""
    if frame.empty:
        return {}
    ids = frame["enterprise_id"].to_numpy(dtype=np.int64)
    if ids.max(initial=0) >= _ID_LIMIT:  # pragma: no cover - exact big integers, slowly
        cube = [int(i) ** 3 for i in ids]
        hi, lo = np.array([c >> 32 for c in cube], dtype=object), np.array([c & 0xFFFFFFFF for c in cube], dtype=object)
    else:
        cube = ids * ids * ids
        hi, lo = cube >> 32, cube & 0xFFFFFFFF
    parts = pd.DataFrame({"n": 1, "s1": ids, "s2": ids * ids, "hi": hi, "lo": lo}, index=frame.index)
    # grouped on the keys as they are (categories): no text made per row
    sums = parts.groupby([frame[k] for k in keys], sort=False, observed=True).sum()
    out = {}
    for key, n, s1, s2, h, lo_ in zip(sums.index, *(sums[c].tolist() for c in ("n", "s1", "s2", "hi", "lo")),
                                      strict=True):
        key = key if isinstance(key, tuple) else (key,)
        out[(table,) + tuple(str(k) for k in key)] = (int(n), int(s1), int(s2), (int(h) << 32) + int(lo_))
    return out


def differ_by_one_or_two(a: tuple, b: tuple) -> bool:
    """True when the id sets behind power sums ``a`` and ``b`` differ by exactly one or two ids
    (added, removed, or one swapped for another). Never False for such sets; True otherwise
    only for rare sets that mimic one (which are then hidden too: the safe side)."""
    d0, d1, d2, d3 = (x - y for x, y in zip(a, b, strict=True))
    if d0 == d1 == d2 == d3 == 0 or abs(d0) > 2:
        return False
    if d0 < 0:  # the same question the other way round
        d0, d1, d2, d3 = -d0, -d1, -d2, -d3
    if d0 == 1:  # one id x added
        return d1 > 0 and d2 == d1 * d1 and d3 == d1 ** 3
    if d0 == 2:  # two ids x, y added: x + y = d1, x^2 + y^2 = d2
        twice_xy = d1 * d1 - d2
        if twice_xy <= 0 or twice_xy % 2:
            return False
        disc = d1 * d1 - 2 * twice_xy
        root = isqrt(disc) if disc >= 0 else -1
        if root < 0 or root * root != disc or (d1 + root) % 2:
            return False
        x, y = (d1 + root) // 2, (d1 - root) // 2
        return y > 0 and x ** 3 + y ** 3 == d3
    # d0 == 0: id x in place of id y: x - y = d1, x^2 - y^2 = d2
    if d1 == 0 or d2 % d1 or (d2 // d1 + d1) % 2:
        return False
    x, y = (d2 // d1 + d1) // 2, (d2 // d1 - d1) // 2
    return x > 0 and y > 0 and x ** 3 - y ** 3 == d3


class _Shown:
    """The cells one user has been shown for one data version, per figure (an indicator's
    change, energy avoided...): only the same figure over two sets can be subtracted."""

    def __init__(self, version):
        self.version = version
        self.sums: dict[tuple[str, int], set[tuple]] = {}  # (figure, enterprises) -> cells

    def too_close(self, figure: str, cell: tuple) -> bool:
        return any(differ_by_one_or_two(cell, other)
                   for n in range(cell[0] - 2, cell[0] + 3) for other in self.sums.get((figure, n), ()))

    def add(self, figure: str, cell: tuple) -> None:
        self.sums.setdefault((figure, cell[0]), set()).add(cell)


_shown: dict[str, _Shown] = {}
_shown_lock = threading.Lock()
_SHOWN_USERS = 1000


def forget_shown() -> None:
    """Forget what every user has been shown (tests; a restart does the same)."""
    with _shown_lock:
        _shown.clear()


#: the tables guard checks, in the order they are shown, with their key columns
GUARDED = [("summary", ["indicator"]), ("distribution", ["indicator"]), ("impacts", ["figure"]),
           ("by_country", ["country", "indicator"]), ("by_sector", ["sector", "indicator"]),
           ("over_time", ["followup_quarter", "indicator"]), ("impacts_by_country", ["country"])]
#: how each guarded breakdown is complemented again after hiding (tables not named: not at all)
_COMPLEMENT_WITHIN = {"by_country": ["indicator"], "by_sector": ["indicator"], "over_time": ["indicator"],
                      "impacts_by_country": []}


def _memory(username: str, version) -> _Shown:
    """What ``username`` was shown of data ``version`` (a fresh memory for a new version);
    call with the lock held."""
    shown = _shown.pop(username, None)
    if shown is None or shown.version != version:
        shown = _Shown(version)
    _shown[username] = shown  # most recent last
    while len(_shown) > _SHOWN_USERS:
        _shown.pop(next(iter(_shown)))
    return shown


def guard(tables: dict[str, pd.DataFrame], cells: dict, username: str, version) -> tuple[dict[str, pd.DataFrame], int]:
    """The ``GUARDED`` tables with every cell hidden that differs by one or two enterprises from
    a cell shown to ``username`` before (same data version) or shown above it, and how many
    cells that hid; remembers what it lets through. ``cells`` are the tables' power sums
    (:func:`cell_sums`). Breakdowns are complemented again (:func:`complement`) after hiding."""
    out, hidden = {}, 0
    with _shown_lock:
        shown = _memory(username, version)
        for name, keys in GUARDED:
            df = tables.get(name)
            if df is None or df.empty or "suppressed" not in df.columns:
                continue
            df = df.copy()
            for i in np.flatnonzero(~df["suppressed"].to_numpy(dtype=bool)):
                row = df.iloc[i]
                cell = cells.get((name,) + tuple(str(row[k]) for k in keys))
                if cell is None:
                    continue
                figure = str(row["indicator"]) if "indicator" in keys else str(row.get("figure", "energy avoided"))
                if shown.too_close(figure, cell):  # before, or above on this page
                    df.iloc[i, df.columns.get_loc("suppressed")] = True
                    hidden += 1
                else:
                    shown.add(figure, cell)
            if hidden:
                figures = [c for c in df.columns if c not in ("enterprises", "reported_mean_change")
                           and pd.api.types.is_float_dtype(df[c])]
                df.loc[df["suppressed"].to_numpy(dtype=bool), figures] = np.nan
                if name in _COMPLEMENT_WITHIN:
                    df = complement(df, _COMPLEMENT_WITHIN[name])
            out[name] = df
    return out, hidden
