"""Shared fixtures: a database URL per test for each backend (DuckDB file, PostgreSQL); the
pseudo-language (every word the code marks reads ⟦English⟧) for the tests that find words left out
of the catalogues."""
from __future__ import annotations

import os
import uuid

import pytest
from hypothesis import settings

from tests import pg

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

# property tests check what is computed, not how fast: on a loaded machine Hypothesis's per-example
# deadline (200 ms) failed a test whose code had not changed
settings.register_profile("suite", deadline=None)
settings.load_profile("suite")


@pytest.fixture(scope="session")
def pg_cluster():
    """A throwaway PostgreSQL cluster (required under CI, skipped elsewhere when impossible)."""
    if os.environ.get("SCORE_TEST_PG_URL"):
        yield None
        return
    reason = pg.available()
    if reason:
        if IN_CI:
            pytest.fail(f"PostgreSQL is required in CI: {reason}")
        pytest.skip(reason)
    cluster = pg.Cluster()
    cluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["duckdb", "postgresql"])
def db_url(request, tmp_path):
    """A fresh, empty database for each backend."""
    if request.param == "duckdb":
        return f"duckdb:///{tmp_path / 'test.duckdb'}"
    cluster = request.getfixturevalue("pg_cluster")
    name = "t_" + uuid.uuid4().hex[:12]
    if cluster is None:
        import sqlalchemy as sa

        base = os.environ["SCORE_TEST_PG_URL"]
        eng = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        with eng.connect() as c:
            c.exec_driver_sql(f'CREATE DATABASE "{name}"')
        eng.dispose()
        return base.rsplit("/", 1)[0] + "/" + name
    return cluster.create_database(name)


@pytest.fixture
def duckdb_url(tmp_path):
    """A fresh DuckDB file."""
    return f"duckdb:///{tmp_path / 'test.duckdb'}"


@pytest.fixture(scope="module")
def pseudo_dir(tmp_path_factory):
    """A catalogue 'fr' whose every entry reads ⟦English⟧, made from the extraction of the code
    (tools/i18n.py pseudo)."""
    from tools import i18n as tool

    root = tmp_path_factory.mktemp("pseudo")
    tool.pseudo(str(root), "fr")
    return root


@pytest.fixture
def pseudo(pseudo_dir, monkeypatch):
    """This test's run in the pseudo-language; English again afterwards."""
    from metrics import i18n

    monkeypatch.setattr(i18n, "LOCALE_DIR", pseudo_dir)
    i18n.reload()
    i18n.use("fr")
    yield
    i18n.use(i18n.SOURCE)
    monkeypatch.undo()
    i18n.reload()
