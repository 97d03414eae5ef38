"""The command line: ``python -m tracker COMMAND``. The database is SCORE_DB_URL.

Every command exits 0 on success and 1 with a plain message (no traceback) on anything it cannot
do: bad input, a file, a database URL or a server it cannot use, and any other failure (then the
message names what failed, never a statement's parameters). Each command imports what it uses (pandas, SQLAlchemy, pint)
when it runs, so that ``--help`` and a mistyped command answer at once.

Its messages and help are in the language of the environment (SCORE_LANGUAGE, else gettext's LANGUAGE, LC_ALL,
LC_MESSAGES, LANG: ``fr_FR.UTF-8`` reads French), English where that is not a supported language; so are the files
it writes (the template's Instructions sheet), and argparse's own words (``usage:``, ``options``, its errors), which
Python ships no catalogue for: they are in ours (:data:`ARGPARSE_WORDS`) and argparse reads them through it.
"""
from __future__ import annotations

import argparse
import contextvars
import os
import sys

from metrics import i18n
from metrics.i18n import N_, NN_, _
from tracker.config import database_url
from tracker.models import ROLES


class CliError(Exception):
    """A failure to report plainly and exit 1."""


#: argparse's own words, as argparse 3.11 writes them (its %-placeholders kept), for the catalogues
ARGPARSE_WORDS = (
    N_("usage: "), N_("positional arguments"), N_("options"), N_("show this help message and exit"),
    N_("argument %(argument_name)s: %(message)s"), N_("unrecognized arguments: %s"),
    N_("not allowed with argument %s"), N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"), N_("expected one argument"), N_("expected at most one argument"),
    N_("expected at least one argument"), N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("invalid %(type)s value: %(value)r"), N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("%(prog)s: error: %(message)s\n"), NN_("expected %s argument", "expected %s arguments"),
)
# argparse looks its words up through gettext's functions, bound in its module: ours instead
argparse._ = i18n._
argparse.ngettext = i18n.ngettext


class _Parser(argparse.ArgumentParser):
    """argparse, but a command line it cannot read exits 1 like every other bad input."""

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(1, _("%(prog)s: error: %(message)s\n") % {"prog": self.prog, "message": message})


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
    print(_("Demo data loaded into {url}").format(url=engine.url.render_as_string(hide_password=True)))
    if args.password:
        print(_("Accounts: {names} (with the password you gave)").format(names=", ".join(passwords)))
    else:
        print(_("Accounts and their passwords (shown once, only hashes are stored):"))
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
        raise CliError(_("{path}: no such file").format(path=path))
    engine = _engine()
    try:
        counts = tio.import_file(engine, _cli_user(), path, path.name, progress=_progress,
                                 max_rows=uploads.CLI_MAX_CSV_ROWS, max_bytes=uploads.CLI_MAX_BYTES)
    except RejectedInput as exc:
        print(_("error: {file} was refused; nothing was stored.").format(file=path.name), file=sys.stderr)
        for p in exc.problems.itertuples():
            where = (_("line {row}, column {column}") if p.column else _("line {row}")).format(row=p.row,
                                                                                             column=p.column)
            print(f"  {where}: {p.reason}", file=sys.stderr)
        return 1
    print(_("{file}: {added} rows added, {updated} updated.").format(file=path.name, added=counts["inserted"],
                                                                     updated=counts["updated"]))
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
        raise CliError(_("the file name must end in .csv or .xlsx"))
    if not path.parent.is_dir():
        raise CliError(_("{path}: no such folder").format(path=path.parent))
    data = make(fmt)
    partial = path.with_name(f".{path.name}.partial")
    try:  # a full disk or a kill leaves the old file, never half a new one
        partial.write_bytes(data)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    print(_("wrote {path}").format(path=path))
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
        password = getpass.getpass(_("Password: "))
        if getpass.getpass(_("Repeat: ")) != password:
            raise CliError(_("the two passwords differ"))
    else:
        raise CliError(_("give the password with --password-stdin (no terminal to ask on)"))
    engine = _engine()
    with session_scope(engine) as session:
        ids = []
        for name in args.enterprise or []:
            eid = session.scalars(select(Enterprise.id).where(Enterprise.name == name)).one_or_none()
            if eid is None:
                raise CliError(_("unknown enterprise {name}").format(name=repr(name)))
            ids.append(eid)
        auth.upsert_user(session, args.name, password, args.role, ids, actor=CLI_USER_NAME)
    print(_("user {name} ({role}) saved").format(name=args.name, role=args.role))
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    """Back up the whole database into DIR (a new or empty folder): one CSV per table + manifest."""
    from tracker import backup

    try:
        manifest = backup.backup(_engine(), args.dir)
    except backup.BackupError as exc:
        raise CliError(str(exc)) from None
    total = sum(t["rows"] for t in manifest["tables"].values())
    print(_("backed up {rows} rows in {tables} tables to {folder}").format(rows=total, tables=len(manifest["tables"]),
                                                                          folder=args.dir))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Restore a backup from DIR into an empty database (SCORE_DB_URL)."""
    from tracker import backup

    try:
        counts = backup.restore(_engine(), args.dir)
    except backup.BackupError as exc:
        raise CliError(str(exc)) from None
    print(_("restored {rows} rows: {tables}").format(rows=sum(counts.values()),
                                                     tables=", ".join(f"{k} {v}" for k, v in counts.items())))
    return 0


def _write_file(path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all."""
    if not path.parent.is_dir():
        raise CliError(_("{path}: no such folder").format(path=path.parent))
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
        raise CliError(_("{path}: no such file").format(path=path))
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
        raise CliError(_("{file} is NOT statement {id} as issued: it was changed, or is another file.").format(
            file=args.file, id=args.id))
    print(_("{file} is statement {id} ({form}) as issued by this database, unaltered.").format(file=args.file,
                                                                                               id=args.id, form=form))
    return 0


def cmd_visit_export(args: argparse.Namespace) -> int:
    """Write the visit package of trainer NAME's enterprises to FILE (on the server)."""
    from pathlib import Path

    from tracker import visits

    data = visits.export_visit(_engine(), _cli_user(), args.user)
    _write_file(Path(args.file), data)
    print(_("wrote {file}: the visit of {user}. It holds {user}'s password hash: hand it to them only.").format(
        file=args.file, user=args.user))
    return 0


def cmd_visit_open(args: argparse.Namespace) -> int:
    """Create the laptop's database (SCORE_DB_URL, which must be empty) from a visit package."""
    from tracker import visits

    data = _read_file(args.file)
    done = visits.open_visit(_engine(), data)
    print(_("opened the visit of {trainer}: {enterprises} enterprises, {records} records. Start the app (streamlit "
            "run app.py) and sign in with your usual password.").format(trainer=done["trainer"],
                                                                         enterprises=done["enterprises"],
                                                                         records=done["records"]))
    return 0


def cmd_visit_pack(args: argparse.Namespace) -> int:
    """Write the visit, as this laptop has it now, to FILE (to merge on the server)."""
    from pathlib import Path

    from tracker import visits

    _write_file(Path(args.file), visits.pack_visit(_engine()))
    print(_("wrote {file}: merge it on the server (upload page, or {command}).").format(
        file=args.file, command=f"python -m tracker visit merge {args.file}"))
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
            print(i18n.ngettext("{n} conflict resolved for the {side}'s value (--resolve {side})",
                                "{n} conflicts resolved for the {side}'s value (--resolve {side})", len(keys)).format(
                n=len(keys), side=args.resolve))
            done = visits.merge_visit(engine, _cli_user(), data, keys)
    except VisitConflicts as exc:
        print(_("error: {reason}").format(reason=exc), file=sys.stderr)
        for c in exc.conflicts.itertuples():
            print(f"  {c.enterprise}: {c.record}", file=sys.stderr)
            rows = ((_("as exported:"), c.base), (_("server now:"), c.server), (_("laptop:"), c.laptop))
            width = max(len(label) for label, _value in rows)
            for label, value in rows:
                print(f"    {label.ljust(width)} {value}", file=sys.stderr)
        print(_("Resolve them on the upload page, or run again with --resolve server or --resolve laptop."),
              file=sys.stderr)
        return 1
    except VisitRefused as exc:
        print(_("error: {file} was refused; nothing was merged.").format(file=args.file), file=sys.stderr)
        for record, reason in exc.problems:
            print(f"  {record}: {reason}", file=sys.stderr)
        return 1
    except PackageError as exc:
        raise CliError(str(exc)) from None
    if done.already:
        print(_("{file}: this visit was merged before; nothing changed.").format(file=args.file))
    else:
        print(_("{file}: the visit of {trainer} merged: {changed} record(s) changed, {kept} kept as the server has "
                "them (package {package}).").format(file=args.file, trainer=done.trainer, changed=done.changed,
                                                    kept=done.kept, package=done.package_id))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m tracker",
                     description=_("SCORE4Climate tracker command line. The database is SCORE_DB_URL (default: the "
                                   "DuckDB file in data/)."))
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser("demo", help=_("load the demo data set and the demo accounts (safe to run twice)"),
                       description=_("Load the demo set and create the demo accounts."))
    p.add_argument("--password", help=_("password for every demo account (default: random, printed once)"))
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("import", help=_("import a measurement file (.csv or .xlsx), all or nothing"),
                       description=_("Import a measurement file (.csv or .xlsx), all or nothing; re-imports update "
                                     "rows."))
    p.add_argument("file", help=_("the file, in the measurement template"))
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", help=_("export every measurement (.csv or .xlsx)"),
                       description=_("Export every measurement to FILE (.csv or .xlsx) in the import template."))
    p.add_argument("file", help=_("where to write; the extension chooses the format"))
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("template", help=_("write the empty import template (.csv or .xlsx)"),
                       description=_("Write the empty import template (CSV, or Excel with an Instructions sheet)."))
    p.add_argument("file", help=_("where to write; the extension chooses the format"))
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("backup", help=_("back up the whole database to a folder"),
                       description=_("Back up the whole database into DIR (a new or empty folder): one CSV per table"
                                     " + manifest."))
    p.add_argument("dir", help=_("a new or empty folder"))
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help=_("restore a backup into an empty database"),
                       description=_("Restore a backup from DIR into an empty database (SCORE_DB_URL)."))
    p.add_argument("dir", help=_("a folder written by `backup`"))
    p.set_defaults(func=cmd_restore)

    user = sub.add_parser("user", help=_("manage accounts"), description=_("Manage accounts."))
    usub = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    p = usub.add_parser("add", help=_("create a user or reset one"),
                        description=_("Create a user (or reset an existing one's password, role and enterprises)."))
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--enterprise", action="append", metavar="NAME",
                   help=_("an enterprise the trainer supports or the manager runs (repeatable)"))
    p.add_argument("--password-stdin", action="store_true", help=_("read the password from standard input"))
    p.set_defaults(func=cmd_user_add)

    visit = sub.add_parser("visit", help=_("offline visits: take a trainer's enterprises to a laptop and back"),
                           description=_("Offline visits (README, 'An offline visit')."))
    vsub = visit.add_subparsers(dest="visit_command", required=True, metavar="ACTION")
    p = vsub.add_parser("export", help=_("on the server: write a trainer's visit package"),
                        description=_("Write the visit package of trainer NAME's enterprises to FILE (on the "
                                      "server)."))
    p.add_argument("--user", required=True, metavar="NAME", help=_("the trainer's user name"))
    p.add_argument("file", help=_("where to write the package (e.g. visit.zip)"))
    p.set_defaults(func=cmd_visit_export)
    p = vsub.add_parser("open", help=_("on the laptop: create the database from a visit package"),
                        description=_("Create the laptop's database (SCORE_DB_URL, which must be empty) from a "
                                      "visit package."))
    p.add_argument("file", help=_("the package written by `visit export`"))
    p.set_defaults(func=cmd_visit_open)
    p = vsub.add_parser("pack", help=_("on the laptop: write the visit to bring back"),
                        description=_("Write the visit, as this laptop has it now, to FILE (to merge on the server)."))
    p.add_argument("file", help=_("where to write it (e.g. visit-back.zip)"))
    p.set_defaults(func=cmd_visit_pack)
    p = vsub.add_parser("merge", help=_("on the server: merge a packed visit"),
                        description=_("Merge a packed visit from FILE into this server, all or nothing."))
    p.add_argument("file", help=_("the file written by `visit pack`"))
    p.add_argument("--resolve", choices=["server", "laptop"],
                   help=_("for every conflict, keep the server's value or take the laptop's (default: list them and "
                        "merge nothing)"))
    p.set_defaults(func=cmd_visit_merge)
    statement = sub.add_parser("statement", help=_("results statements"), description=_("Results statements."))
    ssub = statement.add_subparsers(dest="statement_command", required=True)
    p = ssub.add_parser("verify", help=_("check that a file is an unaltered statement of this database"),
                        description=_("Check that FILE is, byte for byte, the results statement ID (its HTML or its"
                                      " PDF) as this database issued it (exit 0), or say it is not (exit 1)."))
    p.add_argument("id", help=_("the statement's id (S4C-...)"))
    p.add_argument("file", help=_("the statement's HTML or PDF file"))
    p.set_defaults(func=cmd_statement_verify)
    return parser


def _plain(exc: BaseException) -> str:
    """One line saying what failed: the database's own reason for a database error (the
    statement and its parameters left out), else the first line of the exception."""
    from sqlalchemy.exc import DBAPIError

    if isinstance(exc, DBAPIError) and exc.orig is not None:
        first = (str(exc.orig).strip().splitlines() or [""])[0]
        return _("the database refused the command: {reason}").format(reason=first)
    first = (str(exc).strip().splitlines() or [""])[0]
    if first:
        return _("the command failed ({error}): {reason}").format(error=type(exc).__name__, reason=first)
    return _("the command failed ({error})").format(error=type(exc).__name__)


def environment_locale(environ=None) -> str:
    """The locale the command line speaks: SCORE_LANGUAGE, else the first of gettext's LANGUAGE (a list, ':'
    between), LC_ALL, LC_MESSAGES and LANG that names a supported language ('fr_FR.UTF-8' -> 'fr_FR'); 'en'
    when none does (C, POSIX, or a language without a catalogue)."""
    environ = os.environ if environ is None else environ
    for name in ("SCORE_LANGUAGE", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        for value in (environ.get(name) or "").split(":"):
            tag = value.split(".")[0].split("@")[0].strip()
            if tag and tag not in ("C", "POSIX") and i18n.language_of(i18n.normalise(tag)) != i18n.SOURCE:
                return i18n.normalise(tag)
            if tag and i18n.normalise(tag).split("_")[0] == i18n.SOURCE:
                return i18n.normalise(tag)
    return i18n.SOURCE


def main(argv: list[str] | None = None) -> int:
    """Run the command line ``argv`` (default: the program's) in the environment's language
    (:func:`environment_locale`); returns the exit status. The caller's own language is left as it was."""
    def run() -> int:
        i18n.use(environment_locale())
        return _main(argv)
    return contextvars.copy_context().run(run)


def _main(argv: list[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help (0), or a command line it cannot read (1, see _Parser)
        return int(exc.code or 0)
    try:
        return args.func(args)
    except (CliError, ValueError, PermissionError, LookupError) as exc:
        print(_("error: {reason}").format(reason=exc), file=sys.stderr)
        return 1
    except OSError as exc:  # a file or folder that cannot be read or written
        where = f"{exc.filename}: " if exc.filename else ""
        print(_("error: {reason}").format(reason=f"{where}{exc.strerror or exc}"), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(_("interrupted; nothing more was stored"), file=sys.stderr)
        return 1
    except MemoryError:
        print(_("error: not enough memory for this command (split the file, or run it on a larger machine)"),
              file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - anything else is still one plain line, never a traceback
        print(_("error: {reason}").format(reason=_plain(exc)), file=sys.stderr)
        return 1
    finally:
        while _opened:
            _opened.pop().dispose()
