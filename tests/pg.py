"""A throwaway PostgreSQL 15 cluster for the tests: initdb + pg_ctl as the postgres user.

pg_ctl refuses to run as root, so the cluster belongs to the ``postgres`` system user. It
listens on a free loopback port only and is removed when the tests end.
"""
from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

BIN = Path("/usr/lib/postgresql/15/bin")


def available() -> str | None:
    """None when a cluster can be started here, else the reason it cannot."""
    if not (BIN / "initdb").exists():
        return f"PostgreSQL 15 binaries not found in {BIN}"
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return "no 'postgres' system user"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(args: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--"] + args
    return args


class Cluster:
    """Start with :meth:`start`, get :attr:`url`, end with :meth:`stop`."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="score-pg-"))
        self.data = self.dir / "data"
        self.port = _free_port()
        self.url = ""

    def start(self) -> str:
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        subprocess.run(_as_postgres([str(BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                                     "--no-sync", "-E", "UTF8"]), check=True, capture_output=True)
        opts = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off -c max_connections=100"
        subprocess.run(_as_postgres([str(BIN / "pg_ctl"), "-D", str(self.data), "-o", opts, "-w", "-t", "60",
                                     "-l", str(self.dir / "log"), "start"]), check=True, capture_output=True)
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        return self.url

    def create_database(self, name: str) -> str:
        """A new empty database in the cluster; returns its URL."""
        import sqlalchemy as sa

        engine = sa.create_engine(self.url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        engine.dispose()
        return self.url.rsplit("/", 1)[0] + "/" + name

    def stop(self) -> None:
        subprocess.run(_as_postgres([str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)
