"""The command line: ``python -m tracker COMMAND``. The database is SCORE_DB_URL.

Every command exits 0 on success and 1 with a one-line message (no traceback) on bad input or
when the database cannot be opened.
"""
from __future__ import annotations

import argparse
import sys

from tracker.config import database_url


class CliError(Exception):
    """A failure to report plainly and exit 1."""


def _engine():
    from tracker.db import DatabaseLocked, DatabaseUnavailable, open_database

    try:
        return open_database(database_url(), wait_seconds=3.0)
    except (DatabaseLocked, DatabaseUnavailable) as exc:
        raise CliError(str(exc)) from None


def cmd_demo(args: argparse.Namespace) -> int:
    """Load the demo set and create the demo accounts."""
    from tracker import demo

    engine = _engine()

    def progress(fraction: float, text: str) -> None:
        print(f"[{fraction:4.0%}] {text}", file=sys.stderr)

    passwords = demo.load(engine, args.password, progress=progress)
    print("Demo data loaded into", engine.url.render_as_string(hide_password=True))
    if args.password:
        print("Accounts:", ", ".join(passwords), "(with the password you gave)")
    else:
        print("Accounts and their passwords (shown once, only hashes are stored):")
        for user, pw in passwords.items():
            print(f"  {user:14s} {pw}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tracker",
                                     description="SCORE4Climate tracker command line. The database is "
                                                 "SCORE_DB_URL (default: the DuckDB file in data/).")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser("demo", help="load the demo data set and the demo accounts (safe to run twice)",
                       description=cmd_demo.__doc__)
    p.add_argument("--password", help="password for every demo account (default: random, printed once)")
    p.set_defaults(func=cmd_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (ValueError, PermissionError, LookupError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; nothing more was stored", file=sys.stderr)
        return 1
