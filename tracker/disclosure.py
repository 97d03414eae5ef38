"""Disclosure control: no figure shown lets anyone work out one enterprise's figures.

* :func:`suppress` blanks every cell built from fewer than :data:`MIN_CELL` enterprises;
* :func:`complement` hides more cells of a breakdown where the hidden ones could be worked out
  from the total minus the shown ones;
* :func:`guard` remembers, in the database, every cell it has shown, and hides a new cell
  that differs from a shown one by one or two enterprises' figures (differencing).
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

from tracker.db import bulk_insert, session_scope
from tracker.models import ShownCell

MIN_CELL = 3
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
# Two aggregates whose enterprises differ by one or two (a country, then the same country without
# one sector; the programme before and after one enterprise's first follow-up) give those
# enterprises' figures away by subtraction, each cell being large enough on its own.
#
# guard() remembers every cell it has shown, in the table shown_cells, for every officer and
# admin alike (what one was shown can be passed on), and hides a new cell that differs from a
# remembered one by one or two *elements*. An element is one enterprise with its figures for
# the cell's indicator: its key is a hash of the enterprise's id and of its summary rows for
# that indicator (baseline, follow-up, change, points, emissions). So:
# - a change that does not touch the enterprises behind a cell (a sign-in, another enterprise's
#   save, an export) leaves the cell's elements, and what is remembered about it, as they were;
# - an enterprise added to, or dropped from, a shown set is one element more or less, and one
#   enterprise's figures revised is one element swapped for another: each hidden, as a
#   subtraction would give that enterprise's figure or its revision away;
# - cells whose elements differ by three or more (three enterprises revised or added) are
#   shown: their difference is a sum of three enterprises' figures.
# A cell is remembered by its figure and four numbers: the count and the power sums (sum of
# keys, of squares, of cubes, modulo the prime P) of its elements, from which a difference of
# one or two elements is recognised exactly, whatever the cell's size.
# Limits (METHODS.md): combinations of three or more cells (a total, minus one country, minus
# another) are not audited; that needs a query auditor over the span of everything shown.

#: the modulus of the power sums (a prime, 2^31 - 1: squares of keys fit in 64 bits)
P = 2 ** 31 - 1
#: the columns of enterprise_summary an element's key is made of
ELEMENT_COLUMNS = ["enterprise_id", "indicator", "unit", "has_baseline", "has_followup", "baseline", "followup",
                   "relative_change", "points", "co2e_baseline", "co2e_followup"]


def element_keys(summary: pd.DataFrame, columns: list[str] = ELEMENT_COLUMNS) -> np.ndarray:
    """The element key (1 .. P-1) of each row of ``summary``: one per enterprise and indicator,
    a hash of the enterprise's id and of all its rows of that indicator (their ``columns``), so
    that it changes when and only when those figures change. The same in every process (pandas'
    hash has a fixed key). Other figures (a module's attendance) name their own ``columns``."""
    if summary.empty:
        return np.zeros(0, dtype=np.int64)
    cols = [c for c in columns if c in summary.columns]
    rows = (pd.util.hash_pandas_object(summary[cols], index=False).to_numpy() % np.uint64(P)).astype(np.int64)
    # one integer per enterprise and indicator (the indicator's category code, not a text per row)
    indicator = summary["indicator"]
    codes = (indicator.cat.codes.to_numpy(np.int64) if isinstance(indicator.dtype, pd.CategoricalDtype)
             else pd.factorize(indicator.astype(str))[0].astype(np.int64))
    group = pd.factorize(summary["enterprise_id"].to_numpy(np.int64) * (int(codes.max()) + 2) + codes + 1)[0]
    # each row under P, a group a handful of rows: float64 sums of them are exact integers
    per = np.rint(np.bincount(group, weights=rows.astype(np.float64))).astype(np.int64)[group]
    return per % (P - 1) + 1


def cell_sums(table: str, frame: pd.DataFrame, keys: list[str], column: str = "element") -> dict:
    """{(table, key...): (n, s1, s2, s3)}: for the elements behind each cell, their count and
    the sums of their keys, squares and cubes modulo P. A row with a missing key is in no cell.

    Worked on integer codes (a categorical's own codes: no text made per row) and summed by
    ``np.bincount``, each power in two 16-bit halves so that its float sums stay exact integers
    (cells of up to 2^37 elements): no frame of sums per row."""
    if frame.empty:
        return {}
    group, combinations, labels = _cell_codes(frame, keys)
    valid = group >= 0
    if not valid.all():
        group = group[valid]
    if len(group) == 0:
        return {}
    if combinations <= 1 << 20:  # every combination of the keys' values a cell (those without rows dropped below)
        cell, first = group, np.arange(combinations)
    else:
        cell, first = pd.factorize(group)  # the cells present
    n = np.bincount(cell, minlength=len(first))
    k = frame[column].to_numpy(dtype=np.int64)
    k = k[valid] if not valid.all() else k.copy() if k.min() < 0 or k.max() >= P else k  # (never the frame's own)
    k = _mod_p(k)
    # each power is under 2^31: a float64 sum of fewer than 2^22 of them is an exact integer; larger cells are
    # summed in 16-bit halves
    halves = int(n.max()) >= 1 << 22
    sums, power = [], k
    while len(sums) < 3:  # k, k^2, k^3 (mod P)
        if halves:
            high = np.rint(np.bincount(cell, weights=power >> 16, minlength=len(first))).astype(np.int64)
            low = np.rint(np.bincount(cell, weights=power & 0xFFFF, minlength=len(first))).astype(np.int64)
            sums.append((high % P * 65536 + low) % P)
        else:
            sums.append(np.rint(np.bincount(cell, weights=power, minlength=len(first))).astype(np.int64) % P)
        power = _mod_p(power * k)
    present = n > 0
    out = {}
    for code, count, s1, s2, s3 in zip(first[present].tolist(), n[present].tolist(),
                                       *(s[present].tolist() for s in sums), strict=True):
        out[(table,) + labels(code)] = (int(count), int(s1), int(s2), int(s3))
    return out


def _mod_p(x: np.ndarray) -> np.ndarray:
    """``x % P`` of integers from 0 to 2^62, worked in ``x`` (P = 2^31 - 1: two folds of the high bits onto the
    low, no division); ``x`` itself when every value is under P already; any other value by division."""
    if not len(x) or (x.min() >= 0 and x.max() < P):
        return x
    if x.min() < 0 or x.max() >= 1 << 62:
        return x % P
    high = x >> 31
    np.bitwise_and(x, P, out=x)
    x += high  # under 2^32
    np.right_shift(x, 31, out=high)
    np.bitwise_and(x, P, out=x)
    x += high  # at most P + 1
    x[x >= P] -= P
    return x


def _cell_codes(frame: pd.DataFrame, keys: list[str]):
    """(one int64 code per row for its combination of ``keys``, -1 where a key is missing; how many combinations
    there are; a function from a code to its keys as texts)."""
    sizes, names = [], []
    group = np.zeros(len(frame), dtype=np.int64)
    missing = np.zeros(len(frame), dtype=bool)
    for col in keys:
        values = frame[col]
        if isinstance(values.dtype, pd.CategoricalDtype):
            codes, cats = values.cat.codes.to_numpy(np.int64), values.cat.categories
        else:
            codes, cats = pd.factorize(values.to_numpy())
            codes = codes.astype(np.int64)
        missing |= codes < 0
        group = group * max(len(cats), 1) + codes
        sizes.append(max(len(cats), 1))
        names.append(cats)
    group[missing] = -1
    combinations = int(np.prod(sizes))

    def labels(code: int) -> tuple[str, ...]:
        out = []
        for size, cats in zip(reversed(sizes), reversed(names), strict=True):
            code, at = divmod(code, size)
            out.append(str(cats[at]))
        return tuple(reversed(out))

    return group, combinations, labels


def _sqrt(a: int) -> int | None:
    """A square root of ``a`` modulo P (P = 3 mod 4), or None when there is none."""
    r = pow(a, (P + 1) // 4, P)
    return r if r * r % P == a % P else None


def differ_by_one_or_two(a: tuple, b: tuple) -> bool:
    """True when the element sets behind power sums ``a`` and ``b`` differ by exactly one or two
    elements (added, removed, or one swapped for another). Never False for such sets; True
    otherwise only for rare sets that mimic one (which are then hidden too: the safe side)."""
    d0 = a[0] - b[0]
    d1, d2, d3 = ((x - y) % P for x, y in zip(a[1:], b[1:], strict=True))
    if (d0, d1, d2, d3) == (0, 0, 0, 0) or abs(d0) > 2:
        return False
    if d0 < 0:  # the same question the other way round
        d0, d1, d2, d3 = -d0, -d1 % P, -d2 % P, -d3 % P
    half = (P + 1) // 2  # the inverse of 2
    if d0 == 1:  # one element x added
        return d1 != 0 and d2 == d1 * d1 % P and d3 == pow(d1, 3, P)
    if d0 == 2:  # two elements x, y added: x + y = d1, x^2 + y^2 = d2
        root = _sqrt((2 * d2 - d1 * d1) % P)  # (x - y)^2
        if root is None:
            return False
        x, y = (d1 + root) * half % P, (d1 - root) * half % P
        return x != 0 and y != 0 and (pow(x, 3, P) + pow(y, 3, P)) % P == d3
    # d0 == 0: element x in place of element y: x - y = d1, x^2 - y^2 = d2
    if d1 == 0:
        return False
    total = d2 * pow(d1, P - 2, P) % P  # x + y
    x, y = (total + d1) * half % P, (total - d1) * half % P
    return x != 0 and y != 0 and (pow(x, 3, P) - pow(y, 3, P)) % P == d3


#: the tables guard checks, in the order they are shown, with their key columns
GUARDED = [("summary", ["indicator"]), ("distribution", ["indicator"]), ("impacts", ["figure"]),
           ("by_country", ["country", "indicator"]), ("by_sector", ["sector", "indicator"]),
           ("over_time", ["followup_quarter", "indicator"]), ("impacts_by_country", ["country"]),
           ("impacts_by_country_adjusted", ["country"])]
#: how each guarded breakdown is complemented again after hiding (tables not named: not at all)
_COMPLEMENT_WITHIN = {"by_country": ["indicator"], "by_sector": ["indicator"], "over_time": ["indicator"],
                      "impacts_by_country": [], "impacts_by_country_adjusted": []}
#: the key of the PostgreSQL advisory lock that makes one guard at a time check and remember
_LOCK_KEY = 0x5C04E


class _Memory:
    """The remembered cells near the ones about to be shown, per figure and count."""

    def __init__(self, rows):
        self.sums: dict[tuple[str, int], set[tuple]] = {}
        for figure, n, s1, s2, s3 in rows:
            self.sums.setdefault((figure, n), set()).add((n, s1, s2, s3))
        self.new: list[tuple] = []

    def too_close(self, figure: str, cell: tuple) -> bool:
        return any(differ_by_one_or_two(cell, other)
                   for n in range(cell[0] - 2, cell[0] + 3) for other in self.sums.get((figure, n), ()))

    def add(self, figure: str, cell: tuple) -> None:
        known = self.sums.setdefault((figure, cell[0]), set())
        if cell not in known:
            known.add(cell)
            self.new.append((figure, *cell))


def _figure(name: str, keys: list[str], row) -> str:
    return str(row["indicator"]) if "indicator" in keys else str(row.get("figure", "energy avoided"))


def _candidates(tables: dict[str, pd.DataFrame], cells: dict, guarded: list) -> list[tuple[str, int, str, tuple]]:
    """(table, row position, figure, power sums) of every cell about to be shown, in order."""
    out = []
    for name, keys in guarded:
        df = tables.get(name)
        if df is None or df.empty or "suppressed" not in df.columns:
            continue
        for i in np.flatnonzero(~df["suppressed"].to_numpy(dtype=bool)):
            row = df.iloc[i]
            cell = cells.get((name,) + tuple(str(row[k]) for k in keys))
            if cell is not None:
                out.append((name, int(i), _figure(name, keys, row), cell))
    return out


def _recall(session, candidates) -> _Memory:
    """The remembered cells of the candidates' figures with counts within two of theirs; with
    the lock that makes every other guard wait until this one has remembered what it shows."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection().exec_driver_sql(f"SELECT pg_advisory_xact_lock({_LOCK_KEY})")
    # (DuckDB: session_scope runs writers one at a time, and one process holds the file)
    figures = sorted({c[2] for c in candidates})
    counts = sorted({c[3][0] + d for c in candidates for d in range(-2, 3)})
    rows = []
    for start in range(0, len(counts), 1000):
        rows += session.execute(select(ShownCell.figure, ShownCell.n, ShownCell.s1, ShownCell.s2, ShownCell.s3)
                                .where(ShownCell.figure.in_(figures), ShownCell.n.in_(counts[start:start + 1000]))
                                ).all()
    return _Memory(rows)


def guard(engine: Engine, tables: dict[str, pd.DataFrame], cells: dict, guarded: list | None = None,
          complement_within: dict | None = None) -> tuple[dict[str, pd.DataFrame], int]:
    """The ``guarded`` tables (:data:`GUARDED` by default: (name, key columns), a key
    ``indicator`` or ``figure`` naming the figure compared) with every cell hidden whose elements
    differ by one or two from a cell of the same figure shown before (to anyone, in any process)
    or above it, and how many cells that hid; remembers, in the database, what it lets through.
    ``cells`` are the tables' power sums (:func:`cell_sums`). Breakdowns are complemented again
    (:func:`complement`, per ``complement_within``) after hiding."""
    guarded = GUARDED if guarded is None else guarded
    complement_within = _COMPLEMENT_WITHIN if complement_within is None else complement_within
    candidates = _candidates(tables, cells, guarded)
    hide: dict[str, list[int]] = {}
    with session_scope(engine) as session:
        memory = _recall(session, candidates)
        for name, i, figure, cell in candidates:
            if memory.too_close(figure, cell):  # before, or above on this page
                hide.setdefault(name, []).append(i)
            else:
                memory.add(figure, cell)
        if memory.new:
            now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
            bulk_insert(session, "shown_cells", pd.DataFrame(memory.new, columns=["figure", "n", "s1", "s2", "s3"])
                        .astype({c: np.int64 for c in ("n", "s1", "s2", "s3")}).assign(first_shown_at=now))
    out = {}
    for name, _ in guarded:
        df = tables.get(name)
        if df is None:
            continue
        if name in hide:
            df = df.copy()
            df.iloc[hide[name], df.columns.get_loc("suppressed")] = True
            figures = [c for c in df.columns if c not in ("enterprises", "reported_mean_change")
                       and pd.api.types.is_float_dtype(df[c])]
            df.loc[df["suppressed"].to_numpy(dtype=bool), figures] = np.nan
            if name in complement_within:
                df = complement(df, complement_within[name])
        out[name] = df
    return out, sum(len(v) for v in hide.values())
