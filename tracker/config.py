"""Where things live: the project root, the data folder and the database URL."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
DEFAULT_DB_FILE = DATA_DIR / "score4climate.duckdb"


def database_url() -> str:
    """The database named by SCORE_DB_URL, or the embedded DuckDB file in data/.

    A relative DuckDB path (``duckdb:///data/x.duckdb``) is taken relative to the project
    root, so the app and the CLI find the same file wherever they are started from.
    """
    url = os.environ.get("SCORE_DB_URL", "").strip()
    if not url:
        return f"duckdb:///{DEFAULT_DB_FILE}"
    prefix = "duckdb:///"
    if url.startswith(prefix):
        path = url[len(prefix):]
        if path and path != ":memory:" and not path.startswith("/") and not path.startswith("md:"):
            return prefix + str(ROOT / path)
    return url
