"""The command line: ``python -m tracker COMMAND``. The database is SCORE_DB_URL.

Every command exits 0 on success and 1 with a plain message (no traceback) on anything it cannot
do: bad input, a file, a database URL or a server it cannot use, and any other failure (then the
message names what failed, never a statement's parameters). Each command imports what it uses (pandas, SQLAlchemy, pint)
when it runs, so that ``--help`` and a mistyped command answer at once.
"""
from __future__ import annotations

import argparse
import sys

from tracker.config import database_url
from tracker.models import ROLES


class CliError(Exception):
    """A failure to report plainly and exit 1."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a command line it cannot read exits 1 like every other bad input."""

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(1, f"{self.prog}: error: {message}\n")


#: the engines a command opened, closed when it ends (main may run many commands in one process)
_opened: list = []


def _engine():
    from tracker.db import DatabaseLocked, DatabaseUnavailable, open_database

    try:
        engine = open_database(database_url(), wait_seconds=3.0)
    except (DatabaseLocked, DatabaseUnavailable) as exc:
        raise CliError(str(exc)) from None
    _opened.append(engine)
    return engine


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


#: the identity the command line acts as (it is run by whoever administers the server)
CLI_USER_NAME = "cli-admin"


def _cli_user():
    from tracker.auth import system_user

    return system_user(CLI_USER_NAME)


def _progress(fraction: float, text: str) -> None:
    print(f"[{fraction:4.0%}] {text}", file=sys.stderr)


def cmd_import(args: argparse.Namespace) -> int:
    """Import a measurement file (.csv or .xlsx), all or nothing; re-imports update rows."""
    from pathlib import Path

    from tracker import io as tio
    from tracker import uploads
    from tracker.errors import RejectedInput

    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"{path}: no such file")
    engine = _engine()
    try:
        counts = tio.import_file(engine, _cli_user(), path.read_bytes(), path.name, progress=_progress,
                                 max_rows=uploads.CLI_MAX_CSV_ROWS, max_bytes=uploads.CLI_MAX_BYTES)
    except RejectedInput as exc:
        print(f"error: {path.name} was refused; nothing was stored.", file=sys.stderr)
        for p in exc.problems.itertuples():
            print(f"  line {p.row}{f', column {p.column}' if p.column else ''}: {p.reason}", file=sys.stderr)
        return 1
    print(f"{path.name}: {counts['inserted']} rows added, {counts['updated']} updated.")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Export every measurement to FILE (.csv or .xlsx) in the import template."""
    from tracker import io as tio

    return _write(args.file, lambda fmt: tio.export_bytes(_engine(), _cli_user(), fmt))


def cmd_template(args: argparse.Namespace) -> int:
    """Write the empty import template (CSV, or Excel with an Instructions sheet)."""
    from tracker import io as tio

    return _write(args.file, tio.template_bytes)


def _write(file: str, make) -> int:
    """Write ``make(fmt)`` to ``file``, the format chosen by its extension (.csv or .xlsx)."""
    from pathlib import Path

    path = Path(file)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("csv", "xlsx"):
        raise CliError("the file name must end in .csv or .xlsx")
    if not path.parent.is_dir():
        raise CliError(f"{path.parent}: no such folder")
    data = make(fmt)
    partial = path.with_name(f".{path.name}.partial")
    try:  # a full disk or a kill leaves the old file, never half a new one
        partial.write_bytes(data)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    print(f"wrote {path}")
    return 0


def cmd_user_add(args: argparse.Namespace) -> int:
    """Create a user (or reset an existing one's password, role and enterprises)."""
    import getpass

    from sqlalchemy import select

    from tracker import auth
    from tracker.db import session_scope
    from tracker.models import Enterprise

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if getpass.getpass("Repeat: ") != password:
            raise CliError("the two passwords differ")
    else:
        raise CliError("give the password with --password-stdin (no terminal to ask on)")
    engine = _engine()
    with session_scope(engine) as session:
        ids = []
        for name in args.enterprise or []:
            eid = session.scalars(select(Enterprise.id).where(Enterprise.name == name)).one_or_none()
            if eid is None:
                raise CliError(f"unknown enterprise {name!r}")
            ids.append(eid)
        auth.upsert_user(session, args.name, password, args.role, ids, actor=CLI_USER_NAME)
    print(f"user {args.name} ({args.role}) saved")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    """Back up the whole database into DIR (a new or empty folder): one CSV per table + manifest."""
    from tracker import backup

    try:
        manifest = backup.backup(_engine(), args.dir)
    except backup.BackupError as exc:
        raise CliError(str(exc)) from None
    total = sum(t["rows"] for t in manifest["tables"].values())
    print(f"backed up {total} rows in {len(manifest['tables'])} tables to {args.dir}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Restore a backup from DIR into an empty database (SCORE_DB_URL)."""
    from tracker import backup

    try:
        counts = backup.restore(_engine(), args.dir)
    except backup.BackupError as exc:
        raise CliError(str(exc)) from None
    print(f"restored {sum(counts.values())} rows: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


def _write_file(path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all."""
    if not path.parent.is_dir():
        raise CliError(f"{path.parent}: no such folder")
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_bytes(data)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def _read_file(file: str) -> bytes:
    from pathlib import Path

    path = Path(file)
    if not path.is_file():
        raise CliError(f"{path}: no such file")
    return path.read_bytes()


def cmd_statement_verify(args: argparse.Namespace) -> int:
    """Check that FILE is, byte for byte, the results statement ID (its HTML or its PDF) as this database issued it
    (exit 0), or say it is not (exit 1)."""
    from tracker import statements

    data = _read_file(args.file)
    try:
        form = statements.issued_form(_engine(), args.id, data)
    except LookupError as exc:
        raise CliError(str(exc)) from None
    if form is None:
        raise CliError(f"{args.file} is NOT statement {args.id} as issued: it was changed, or is another file.")
    print(f"{args.file} is statement {args.id} ({form}) as issued by this database, unaltered.")
    return 0


def cmd_visit_export(args: argparse.Namespace) -> int:
    """Write the visit package of trainer NAME's enterprises to FILE (on the server)."""
    from pathlib import Path

    from tracker import visits

    data = visits.export_visit(_engine(), _cli_user(), args.user)
    _write_file(Path(args.file), data)
    print(f"wrote {args.file}: the visit of {args.user}. It holds {args.user}'s password hash: hand it to them only.")
    return 0


def cmd_visit_open(args: argparse.Namespace) -> int:
    """Create the laptop's database (SCORE_DB_URL, which must be empty) from a visit package."""
    from tracker import visits

    data = _read_file(args.file)
    done = visits.open_visit(_engine(), data)
    print(f"opened the visit of {done['trainer']}: {done['enterprises']} enterprises, {done['records']} records. "
          "Start the app (streamlit run app.py) and sign in with your usual password.")
    return 0


def cmd_visit_pack(args: argparse.Namespace) -> int:
    """Write the visit, as this laptop has it now, to FILE (to merge on the server)."""
    from pathlib import Path

    from tracker import visits

    _write_file(Path(args.file), visits.pack_visit(_engine()))
    print(f"wrote {args.file}: merge it on the server (upload page, or python -m tracker visit merge {args.file}).")
    return 0


def cmd_visit_merge(args: argparse.Namespace) -> int:
    """Merge a packed visit from FILE into this server, all or nothing."""
    from tracker import visits
    from tracker.errors import VisitConflicts, VisitRefused
    from tracker.visit_package import PackageError

    data = _read_file(args.file)
    engine = _engine()
    try:
        try:
            done = visits.merge_visit(engine, _cli_user(), data)
        except VisitConflicts as exc:
            if not args.resolve:
                raise
            keys = {k: args.resolve for k in exc.conflicts["key"]}
            print(f"{len(keys)} conflict(s) resolved for the {args.resolve}'s value (--resolve {args.resolve})")
            done = visits.merge_visit(engine, _cli_user(), data, keys)
    except VisitConflicts as exc:
        print(f"error: {exc}", file=sys.stderr)
        for c in exc.conflicts.itertuples():
            print(f"  {c.enterprise}: {c.record}\n    as exported: {c.base}\n    server now:  {c.server}\n"
                  f"    laptop:      {c.laptop}", file=sys.stderr)
        print("Resolve them on the upload page, or run again with --resolve server or --resolve laptop.",
              file=sys.stderr)
        return 1
    except VisitRefused as exc:
        print(f"error: {args.file} was refused; nothing was merged.", file=sys.stderr)
        for record, reason in exc.problems:
            print(f"  {record}: {reason}", file=sys.stderr)
        return 1
    except PackageError as exc:
        raise CliError(str(exc)) from None
    if done.already:
        print(f"{args.file}: this visit was merged before; nothing changed.")
    else:
        print(f"{args.file}: the visit of {done.trainer} merged: {done.changed} record(s) changed, "
              f"{done.kept} kept as the server has them (package {done.package_id}).")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m tracker",
                                     description="SCORE4Climate tracker command line. The database is "
                                                 "SCORE_DB_URL (default: the DuckDB file in data/).")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser("demo", help="load the demo data set and the demo accounts (safe to run twice)",
                       description=cmd_demo.__doc__)
    p.add_argument("--password", help="password for every demo account (default: random, printed once)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("import", help="import a measurement file (.csv or .xlsx), all or nothing",
                       description=cmd_import.__doc__)
    p.add_argument("file", help="the file, in the measurement template")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", help="export every measurement (.csv or .xlsx)", description=cmd_export.__doc__)
    p.add_argument("file", help="where to write; the extension chooses the format")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("template", help="write the empty import template (.csv or .xlsx)",
                       description=cmd_template.__doc__)
    p.add_argument("file", help="where to write; the extension chooses the format")
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("backup", help="back up the whole database to a folder", description=cmd_backup.__doc__)
    p.add_argument("dir", help="a new or empty folder")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="restore a backup into an empty database", description=cmd_restore.__doc__)
    p.add_argument("dir", help="a folder written by `backup`")
    p.set_defaults(func=cmd_restore)

    user = sub.add_parser("user", help="manage accounts", description="Manage accounts.")
    usub = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    p = usub.add_parser("add", help="create a user or reset one", description=cmd_user_add.__doc__)
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--enterprise", action="append", metavar="NAME",
                   help="an enterprise the trainer supports or the manager runs (repeatable)")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.set_defaults(func=cmd_user_add)

    visit = sub.add_parser("visit", help="offline visits: take a trainer's enterprises to a laptop and back",
                           description="Offline visits (README, 'An offline visit').")
    vsub = visit.add_subparsers(dest="visit_command", required=True, metavar="ACTION")
    p = vsub.add_parser("export", help="on the server: write a trainer's visit package",
                        description=cmd_visit_export.__doc__)
    p.add_argument("--user", required=True, metavar="NAME", help="the trainer's user name")
    p.add_argument("file", help="where to write the package (e.g. visit.zip)")
    p.set_defaults(func=cmd_visit_export)
    p = vsub.add_parser("open", help="on the laptop: create the database from a visit package",
                        description=cmd_visit_open.__doc__)
    p.add_argument("file", help="the package written by `visit export`")
    p.set_defaults(func=cmd_visit_open)
    p = vsub.add_parser("pack", help="on the laptop: write the visit to bring back", description=cmd_visit_pack.__doc__)
    p.add_argument("file", help="where to write it (e.g. visit-back.zip)")
    p.set_defaults(func=cmd_visit_pack)
    p = vsub.add_parser("merge", help="on the server: merge a packed visit", description=cmd_visit_merge.__doc__)
    p.add_argument("file", help="the file written by `visit pack`")
    p.add_argument("--resolve", choices=["server", "laptop"],
                   help="for every conflict, keep the server's value or take the laptop's (default: list them and "
                        "merge nothing)")
    p.set_defaults(func=cmd_visit_merge)
    statement = sub.add_parser("statement", help="results statements", description="Results statements.")
    ssub = statement.add_subparsers(dest="statement_command", required=True)
    p = ssub.add_parser("verify", help="check that a file is an unaltered statement of this database",
                        description=cmd_statement_verify.__doc__)
    p.add_argument("id", help="the statement's id (S4C-...)")
    p.add_argument("file", help="the statement's HTML or PDF file")
    p.set_defaults(func=cmd_statement_verify)
    return parser


def _plain(exc: BaseException) -> str:
    """One line saying what failed: the database's own reason for a database error (the
    statement and its parameters left out), else the first line of the exception."""
    from sqlalchemy.exc import DBAPIError

    if isinstance(exc, DBAPIError) and exc.orig is not None:
        first = (str(exc.orig).strip().splitlines() or [""])[0]
        return f"the database refused the command: {first}"
    first = (str(exc).strip().splitlines() or [""])[0]
    return f"the command failed ({type(exc).__name__}){': ' + first if first else ''}"


def main(argv: list[str] | None = None) -> int:
    """Run the command line ``argv`` (default: the program's); returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help (0), or a command line it cannot read (1, see _Parser)
        return int(exc.code or 0)
    try:
        return args.func(args)
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (ValueError, PermissionError, LookupError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # a file or folder that cannot be read or written
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; nothing more was stored", file=sys.stderr)
        return 1
    except MemoryError:
        print("error: not enough memory for this command (split the file, or run it on a larger machine)",
              file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - anything else is still one plain line, never a traceback
        print(f"error: {_plain(exc)}", file=sys.stderr)
        return 1
    finally:
        while _opened:
            _opened.pop().dispose()
