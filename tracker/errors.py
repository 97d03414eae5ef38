"""The exceptions every layer raises and catches: defined here, below everything else.

Pages catch them to show why a request was refused; services raise them. This module imports
nothing of the tracker.
"""
from __future__ import annotations

import pandas as pd


class AccessDenied(PermissionError):
    """The signed-in user may not do this."""


class RejectedInput(ValueError):
    """Input refused as a whole; ``problems`` has one row per problem (row, column, reason)."""

    def __init__(self, problems: pd.DataFrame):
        self.problems = problems.reset_index(drop=True)
        lines = [f"row {p.row}, column {p.column}: {p.reason}" for p in self.problems.itertuples()]
        more = "" if len(lines) <= 20 else f"\n... and {len(lines) - 20} more"
        super().__init__(f"{len(lines)} problem(s); nothing was stored:\n" + "\n".join(lines[:20]) + more)

    @classmethod
    def one(cls, reason: str, row: int = 1, column: str = "file") -> RejectedInput:
        """A refusal for one reason (a whole file: line 1, column 'file')."""
        return cls(pd.DataFrame({"row": [row], "column": [column], "reason": [reason]}))
