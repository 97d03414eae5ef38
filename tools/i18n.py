"""The catalogues: extract the words, update every language's file, report what is missing.

    python tools/i18n.py update          # extract from the code, then bring every .po up to date
    python tools/i18n.py init CODE       # start a new language (locale/CODE/LC_MESSAGES/messages.po)
    python tools/i18n.py status          # per language: entries, untranslated, fuzzy
    python tools/i18n.py pseudo DIR      # DIR/fr/...: every word as ⟦English⟧, to find words left out
                                         # (run the app with SCORE_LOCALE_DIR=DIR and the language fr)

Runs pybabel (Babel) locally: no network service. The template (locale/messages.pot) is
generated, not kept in git.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from metrics.i18n import DOMAIN, LOCALE_DIR  # noqa: E402

TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
KEYWORDS = ["-k", "_", "-k", "N_", "-k", "ngettext:1,2", "-k", "pgettext:1c,2"]


def extract(out: Path = TEMPLATE) -> Path:
    """Write the template of every word marked in the code to ``out``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", str(ROOT / "babel.cfg"),
                    "--no-default-keywords", *KEYWORDS, "--no-location", "--sort-output", "--omit-header",
                    "-o", str(out), str(ROOT)], check=True, cwd=ROOT, capture_output=True)
    return out


def _po(code: str) -> Path:
    return LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def update() -> None:
    extract()
    for po in sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        subprocess.run([sys.executable, "-m", "babel.messages.frontend", "update", "-i", str(TEMPLATE),
                        "-o", str(po), "-l", po.parent.parent.name, "--no-fuzzy-matching",
                        "--ignore-obsolete"], check=True, cwd=ROOT, capture_output=True)
    status()


def init(code: str) -> None:
    extract()
    po = _po(code)
    if po.exists():
        raise SystemExit(f"{po} exists already: use update")
    po.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "init", "-i", str(TEMPLATE), "-o", str(po),
                    "-l", code], check=True, cwd=ROOT, capture_output=True)
    print(f"created {po.relative_to(ROOT)}")


def status() -> None:
    from babel.messages import pofile

    for po in sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        with po.open("rb") as f:
            cat = pofile.read_po(f)
        entries = [m for m in cat if m.id]
        empty = sum(1 for m in entries if not (all(m.string) if isinstance(m.string, tuple) else m.string))
        fuzzy = sum(1 for m in entries if m.fuzzy)
        print(f"{po.parent.parent.name}: {len(entries)} entries, {empty} untranslated, {fuzzy} fuzzy")


def pseudo(directory: str, code: str = "fr") -> None:
    """A catalogue in ``directory`` whose every translation is the English between ⟦ ⟧: with
    SCORE_LOCALE_DIR pointing there, any word shown without brackets was never extracted."""
    from babel.messages import pofile

    with extract(Path(directory) / "messages.pot").open("rb") as f:
        cat = pofile.read_po(f, locale=code)
    for m in cat:
        if m.id:
            m.string = tuple(f"⟦{s}⟧" for s in m.id) if isinstance(m.id, tuple) else f"⟦{m.id}⟧"
    out = Path(directory) / code / "LC_MESSAGES" / f"{DOMAIN}.po"
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as f:
        pofile.write_po(f, cat)
    print(f"wrote {out}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("update")
    sub.add_parser("status")
    sub.add_parser("init").add_argument("code")
    sub.add_parser("pseudo").add_argument("directory")
    args = parser.parse_args(argv)
    if args.command == "init":
        init(args.code)
    elif args.command == "pseudo":
        pseudo(args.directory)
    else:
        {"update": update, "status": status}[args.command]()


if __name__ == "__main__":
    main()
