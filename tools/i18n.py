"""The catalogues: extract the words, update every language's file, report what is missing.

    python tools/i18n.py update [CODE..] # extract from the code, then bring every (or CODE's) .po up to date
    python tools/i18n.py todo CODE F     # F: a JSON list of CODE's untranslated or fuzzy entries, to translate
    python tools/i18n.py fill CODE F     # write the translations of F (the todo list with "translation"s) in,
                                         # where none is yet (--force: everywhere)
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
KEYWORDS = ["-k", "_", "-k", "N_", "-k", "ngettext:1,2", "-k", "pgettext:1c,2", "-k", "NP_:1c,2", "-k", "NN_:1,2"]


def extract(out: Path = TEMPLATE) -> Path:
    """Write the template of every word marked in the code to ``out``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", str(ROOT / "babel.cfg"),
                    "--no-default-keywords", *KEYWORDS, "--no-location", "--sort-output", "--omit-header",
                    "-o", str(out), str(ROOT)], check=True, cwd=ROOT, capture_output=True)
    return out


def _po(code: str) -> Path:
    return LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def update(codes: list[str] | None = None) -> None:
    extract()
    for po in sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        if codes and po.parent.parent.name not in codes:
            continue
        subprocess.run([sys.executable, "-m", "babel.messages.frontend", "update", "-i", str(TEMPLATE),
                        "-o", str(po), "-l", po.parent.parent.name, "--no-fuzzy-matching",
                        "--ignore-obsolete", "--width", "120"], check=True, cwd=ROOT, capture_output=True)
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


def _read(code: str):
    from babel.messages import pofile

    with _po(code).open("rb") as f:
        return pofile.read_po(f, locale=code)


def _write(code: str, cat) -> None:
    from babel.messages import pofile

    with _po(code).open("wb") as f:
        pofile.write_po(f, cat, omit_header=False, width=120)


def todo(code: str, out: str) -> None:
    """Write CODE's untranslated or fuzzy entries as a JSON list: {"context", "id", "plural",
    "translation"} (the plural's forms as a list, the number the language needs)."""
    import json

    cat = _read(code)
    items = []
    for m in cat:
        if not m.id:
            continue
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        if m.fuzzy or not all(strings):
            plural = isinstance(m.id, tuple)
            items.append({"context": m.context, "id": m.id[0] if plural else m.id,
                          "plural": m.id[1] if plural else None,
                          "translation": [""] * cat.num_plurals if plural else ""})
    Path(out).write_text(json.dumps(items, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(items)} entries to translate written to {out}")


def fill(code: str, source: str, force: bool = False) -> None:
    """Put the translations of a todo list (see :func:`todo`) into CODE's catalogue; entries
    whose "translation" is empty are left as they were."""
    import json

    cat = _read(code)
    done = 0
    for item in json.loads(Path(source).read_text(encoding="utf-8")):
        key = (item["id"], item["plural"]) if item.get("plural") else item["id"]
        m = cat.get(key[0] if isinstance(key, tuple) else key, context=item.get("context"))
        text = item.get("translation")
        if m is None or not text or (isinstance(text, list) and not all(text)):
            continue
        if not force and not m.fuzzy and all(m.string if isinstance(m.string, tuple) else (m.string,)):
            continue  # translated already: kept (--force replaces it)
        m.string = tuple(text) if isinstance(text, list) else text
        m.flags.discard("fuzzy")
        done += 1
    _write(code, cat)
    print(f"{done} translations written to {_po(code).relative_to(ROOT)}")
    status()


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
    sub.add_parser("update").add_argument("codes", nargs="*")
    for name in ("todo", "fill"):
        p = sub.add_parser(name)
        p.add_argument("code")
        p.add_argument("file")
        if name == "fill":
            p.add_argument("--force", action="store_true", help="replace translations already there")
    sub.add_parser("status")
    sub.add_parser("init").add_argument("code")
    sub.add_parser("pseudo").add_argument("directory")
    args = parser.parse_args(argv)
    if args.command == "init":
        init(args.code)
    elif args.command == "pseudo":
        pseudo(args.directory)
    elif args.command == "update":
        update(args.codes)
    elif args.command == "todo":
        todo(args.code, args.file)
    elif args.command == "fill":
        fill(args.code, args.file, args.force)
    else:
        status()


if __name__ == "__main__":
    main()
