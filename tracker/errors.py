"""The exceptions every layer raises and catches: defined here, below everything else.

Pages catch them to show why a request was refused; services raise them. This module imports
nothing of the tracker.
"""
from __future__ import annotations

import pandas as pd

from metrics.i18n import _, ngettext


class AccessDenied(PermissionError):
    """The signed-in user may not do this."""


class ConcurrentChange(Exception):
    """Figures were changed by someone else since the form that saves over them was opened.

    ``changes`` has one row per such figure: phase, period_start, period_end, indicator,
    carrier, theirs (value and unit stored now), by, at (UTC), yours (value and unit being
    saved), and ``key`` and ``seen`` (the row's id and version: what to pass in ``expected`` to
    save over them anyway)."""

    def __init__(self, changes: pd.DataFrame):
        self.changes = changes.reset_index(drop=True)
        who = ", ".join(dict.fromkeys(self.changes["by"].astype(str)))
        n = len(self.changes)
        super().__init__(ngettext("{n} figure of this period was changed by {who} since you opened the form; "
                                  "nothing was saved.",
                                  "{n} figures of this period were changed by {who} since you opened the form; "
                                  "nothing was saved.", n).format(n=n, who=who))


class RejectedInput(ValueError):
    """Input refused as a whole; ``problems`` has one row per problem (row, column, reason)."""

    def __init__(self, problems: pd.DataFrame):
        self.problems = problems.reset_index(drop=True)
        lines = [_("row {row}, column {column}: {reason}").format(row=p.row, column=p.column, reason=p.reason)
                 for p in self.problems.itertuples()]
        more = "" if len(lines) <= 20 else "\n" + _("... and {n} more").format(n=len(lines) - 20)
        head = ngettext("{n} problem; nothing was stored:", "{n} problems; nothing was stored:", len(lines))
        super().__init__(head.format(n=len(lines)) + "\n" + "\n".join(lines[:20]) + more)

    @classmethod
    def one(cls, reason: str, row: int = 1, column: str = "file") -> RejectedInput:
        """A refusal for one reason (a whole file: line 1, column 'file')."""
        return cls(pd.DataFrame({"row": [row], "column": [column], "reason": [reason]}))


class VisitConflicts(Exception):
    """Records of a visit changed both on the server and on the laptop since the export: nothing
    was merged. ``conflicts`` has one row per record: key (what to pass in ``resolutions``),
    enterprise, record, base (as exported), server (now), laptop (the visit's), each in words."""

    def __init__(self, conflicts: pd.DataFrame):
        self.conflicts = conflicts.reset_index(drop=True)
        n = len(self.conflicts)
        super().__init__(ngettext("{n} record was changed both on the server and during the visit since the export; "
                                  "nothing was merged. Say which to keep.",
                                  "{n} records were changed both on the server and during the visit since the "
                                  "export; nothing was merged. Say for each which to keep.", n).format(n=n))


class VisitRefused(ValueError):
    """A visit package that cannot be merged, and why, per record: ``problems`` is a list of
    (record, reason). Nothing was merged."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = list(problems)
        lines = [f"{record}: {reason}" for record, reason in self.problems[:20]]
        more = "" if len(self.problems) <= 20 else "\n" + _("... and {n} more").format(n=len(self.problems) - 20)
        n = len(self.problems)
        head = ngettext("{n} record refused; nothing was merged:", "{n} records refused; nothing was merged:", n)
        super().__init__(head.format(n=n) + "\n" + "\n".join(lines) + more)
