"""Helpers of the offline-visit tests: a demo server copied from one loaded file, laptops, figures."""
from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import zipfile
from pathlib import Path

import pandas as pd
from sqlalchemy import select

import metrics
from tests.demo_db import PASSWORD
from tracker import auth, db, demo, measurements
from tracker.models import Enterprise, Measurement, User

CASE = demo.CASE_STUDY


def demo_file(folder: Path) -> Path:
    """A DuckDB file with the demo loaded (every demo password PASSWORD)."""
    path = folder / "demo.duckdb"
    engine = db.open_database(f"duckdb:///{path}")
    demo.load(engine, PASSWORD)
    engine.dispose()
    return path


def copy_of(template: Path, folder: Path, name: str):
    """An engine on a copy of ``template`` in ``folder``."""
    target = folder / f"{name}.duckdb"
    shutil.copyfile(template, target)
    return db.open_database(f"duckdb:///{target}")


def sign_in(engine, name: str):
    """The signed-in account ``name`` (a demo role, 'trainer', stands for 'demo-trainer')."""
    if name in ("admin", "officer", "trainer", "manager"):
        name = f"demo-{name}"
    if name.startswith("demo-"):
        return auth.authenticate(engine, name, PASSWORD)
    with db.session_scope(engine, readonly=True) as s:  # the synthetic trainers' passwords are never shown
        return auth.issue(s, s.scalars(select(User).where(User.username == name)).one())


def enterprise_id(engine, name: str = CASE) -> int:
    with db.session_scope(engine, readonly=True) as s:
        return s.scalar(select(Enterprise.id).where(Enterprise.name == name))


def save_figure(engine, user, enterprise: str, value: float, *, indicator: str = "energy", carrier: str = "electricity",
                unit: str = "kWh", start: str = "2030-01-01", end: str = "2030-03-31", phase: str = "follow-up"):
    """Save one figure as the entry form does (no versions expected: an import's way)."""
    frame = pd.DataFrame({"enterprise": [enterprise], "period_start": [start], "period_end": [end], "phase": [phase],
                          "indicator": [indicator], "carrier": [carrier], "value": [value], "unit": [unit]})
    parsed = metrics.parse(frame)
    assert parsed.ok, parsed.problems
    measurements.save_measurements(engine, user, parsed)


def figures(engine, enterprise: str | None = None) -> dict:
    """{(enterprise, start, end, phase, indicator, carrier): (value, unit)} as stored."""
    with db.session_scope(engine, readonly=True) as s:
        q = select(Enterprise.name, Measurement.period_start, Measurement.period_end, Measurement.phase,
                   Measurement.indicator, Measurement.carrier, Measurement.value, Measurement.unit).join(
            Enterprise, Enterprise.id == Measurement.enterprise_id)
        if enterprise is not None:
            q = q.where(Enterprise.name == enterprise)
        rows = s.execute(q).all()
    out = {}
    for r in rows:
        key = (r[0], r[1], r[2], r[3], r[4], r[5])
        assert key not in out, f"figure stored twice: {key}"
        out[key] = (r[6], r[7])
    return out


def key_of(enterprise: str, start="2030-01-01", end="2030-03-31", phase="follow-up", indicator="energy",
           carrier="electricity"):
    return (enterprise, dt.date.fromisoformat(start), dt.date.fromisoformat(end), phase, indicator, carrier)


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def rezip(parts_: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for n, d in parts_.items():
            z.writestr(n, d)
    return buffer.getvalue()


def edit_json(data: bytes, name: str, change) -> bytes:
    """``data`` with the JSON part ``name`` changed by ``change(obj)`` (in place)."""
    p = parts(data)
    obj = json.loads(p[name])
    change(obj)
    p[name] = json.dumps(obj).encode()
    return rezip(p)
