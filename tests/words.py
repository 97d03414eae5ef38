"""What a person must never read on a page, in a hand-over file or in an export meant for people."""
from __future__ import annotations

import re

#: what a person must never read: (pattern, why)
FORBIDDEN = [
    (re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"), "an internal name (snake_case)"),
    (re.compile(r"00:00:00"), "a date with a time of midnight"),
    (re.compile(r"\bNone\b|\bnan\b|\bNaN\b|\bNaT\b|<NA>"), "a missing value spelled as Python does"),
    (re.compile(r"dimensionless"), "pint's name for a ratio"),
    (re.compile(r"(?<![\d.,+\-])\d+\.0(?![\d%])(?! ?pp)\b"), "a count written as a decimal"),
    (re.compile(r"\b[\w-]+/[\w./-]+\.(?:json|csv|py|txt)\b"), "a source file's path"),
    (re.compile(r"Error tokenizing|Traceback|KeyError|ValueError"), "a programmer's error"),
]


def internal_names(text: str) -> list[str]:
    """Every forbidden token in ``text`` with the reason, e.g. ["'period_start': an internal name"]."""
    found = []
    for pattern, why in FORBIDDEN:
        found += [f"{m.group(0)!r}: {why}" for m in pattern.finditer(text)]
    return sorted(set(found))
