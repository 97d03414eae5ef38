"""The demo data set in a fresh database, for service tests that act as its roles."""
from __future__ import annotations

from tracker import auth, db, demo

PASSWORD = "demo-password"


def open_demo(db_url: str):
    """Yield an engine on ``db_url`` with the demo loaded (every account's password PASSWORD), then dispose of it."""
    eng = db.open_database(db_url)
    demo.load(eng, PASSWORD)
    yield eng
    eng.dispose()


def demo_user(engine, role: str):
    """The signed-in demo account of ``role`` ('admin', 'officer', 'trainer', 'manager')."""
    return auth.authenticate(engine, f"demo-{role}", PASSWORD)
